using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

public class ExtendedHoursTests
{
    private static decimal Minutes(DateTime start, DateTime end) => ExtendedHours.Minutes(start, end, Holidays);

    [Fact]
    public void A_weekday_slot_straddling_half_past_six_counts_only_after_it()
    {
        // Tuesday 13 January 2026 (GMT) and Tuesday 16 June 2026 (BST: 18:00 London is 17:00 UTC).
        Assert.Equal(30m, Minutes(At("2026-01-13", "18:00"), At("2026-01-13", "19:00")));
        Assert.Equal(30m, Minutes(At("2026-06-16", "18:00"), At("2026-06-16", "19:00")));
        Assert.Equal(Utc("2026-06-16 17:00"), At("2026-06-16", "18:00"));
        Assert.Equal(0m, Minutes(At("2026-06-16", "17:45"), At("2026-06-16", "18:30")));
        Assert.Equal(15m, Minutes(At("2026-06-16", "18:30"), At("2026-06-16", "18:45")));
    }

    [Fact]
    public void Weekday_daytime_does_not_count_but_weekend_daytime_does()
    {
        Assert.Equal(0m, Minutes(At("2026-01-12", "09:00"), At("2026-01-12", "12:00")));
        Assert.Equal(180m, Minutes(At("2026-01-17", "09:00"), At("2026-01-17", "12:00")));
        Assert.Equal(180m, Minutes(At("2026-01-18", "09:00"), At("2026-01-18", "12:00")));
    }

    [Fact]
    public void A_weekday_bank_holiday_counts_all_day_including_daytime()
    {
        // Monday 31 August 2026 is the summer bank holiday; Monday 7 September is an ordinary Monday.
        Assert.Equal(DayKind.BankHoliday, ExtendedHours.KindOf(D("2026-08-31"), Holidays));
        Assert.Equal(180m, Minutes(At("2026-08-31", "09:00"), At("2026-08-31", "12:00")));
        Assert.Equal(0m, Minutes(At("2026-09-07", "09:00"), At("2026-09-07", "12:00")));
        Assert.Equal(DayKind.BankHoliday, ExtendedHours.KindOf(D("2026-04-03"), Holidays)); // Good Friday
        Assert.Equal(DayKind.Weekday, ExtendedHours.KindOf(D("2026-04-02"), Holidays));
    }

    [Fact]
    public void A_bank_holiday_session_from_the_rota_counts_in_full()
    {
        var range = Range("2026-08-31", "2026-08-31");
        var slots = FromRota(1, 1, SessionDays.Weekends | SessionDays.BankHolidays, "12:00", "20:00", 15, range).ToList();

        Assert.Equal(32, slots.Count);
        Assert.Equal(480m, slots.Sum(s => ExtendedHours.MinutesWithin(range, s.StartUtc, s.EndUtc, Holidays)));
    }

    [Theory]
    [InlineData("2026-03-23", "2026-04-01")] // clocks go forward on Sunday 29 March 2026
    [InlineData("2026-10-19", "2026-10-28")] // clocks go back on Sunday 25 October 2026
    public void Across_a_clock_change_an_evening_session_is_ninety_minutes_every_day(string from, string to)
    {
        var range = Range(from, to);
        var slots = FromRota(1, 1, SessionDays.Weekdays | SessionDays.Weekends | SessionDays.BankHolidays, "18:30", "20:00", 15, range).ToList();

        var perDay = slots
            .SelectMany(s => ExtendedHours.Split(s.StartUtc, s.EndUtc, Holidays))
            .GroupBy(p => p.LondonDate)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Minutes));

        Assert.Equal(range.Dates(), perDay.Keys.Order());
        Assert.All(perDay, day => Assert.Equal(90m, day.Value));
        Assert.NotEqual(At(from, "18:30").TimeOfDay, At(to, "18:30").TimeOfDay); // the UTC times really did move
    }

    [Fact]
    public void Overnight_minutes_are_real_elapsed_time_on_the_clock_change_nights()
    {
        // 00:00–06:00 London on the change Sundays: five real hours in March, seven in October.
        Assert.Equal(300m, Minutes(At("2026-03-29", "00:00"), At("2026-03-29", "06:00")));
        Assert.Equal(420m, Minutes(At("2026-10-25", "00:00"), At("2026-10-25", "06:00")));
        Assert.Equal(360m, Minutes(At("2026-03-22", "00:00"), At("2026-03-22", "06:00")));
    }

    [Fact]
    public void A_slot_across_midnight_is_split_by_london_date()
    {
        // Friday night into Saturday: both parts count. Sunday into Monday: Monday's early hours do not.
        Assert.Equal(60m, Minutes(At("2026-01-16", "23:30"), At("2026-01-17", "00:30")));
        Assert.Equal(30m, Minutes(At("2026-01-18", "23:30"), At("2026-01-19", "00:30")));
        Assert.Equal(30m, Minutes(At("2026-01-19", "23:30"), At("2026-01-20", "00:30")));

        var parts = ExtendedHours.Split(At("2026-01-16", "23:30"), At("2026-01-17", "00:30"), Holidays).ToList();
        Assert.Equal([D("2026-01-16"), D("2026-01-17")], parts.Select(p => p.LondonDate));
        Assert.Equal([DayKind.Weekday, DayKind.Saturday], parts.Select(p => p.Kind));
    }

    [Fact]
    public void Only_the_dates_inside_a_range_count_towards_it()
    {
        var start = At("2026-01-16", "23:30");
        var end = At("2026-01-17", "00:30");

        Assert.Equal(30m, ExtendedHours.MinutesWithin(Range("2026-01-16", "2026-01-16"), start, end, Holidays));
        Assert.Equal(30m, ExtendedHours.MinutesWithin(Range("2026-01-17", "2026-01-18"), start, end, Holidays));
        Assert.Equal(0m, ExtendedHours.MinutesWithin(Range("2026-01-18", "2026-01-18"), start, end, Holidays));
    }

    [Fact]
    public void The_evening_start_is_a_parameter()
    {
        Assert.Equal(60m, ExtendedHours.Minutes(At("2026-01-13", "18:00"), At("2026-01-13", "19:00"), Holidays, new TimeOnly(18, 0)));
        Assert.Equal(0m, ExtendedHours.Minutes(At("2026-01-13", "18:00"), At("2026-01-13", "19:00"), Holidays, new TimeOnly(19, 0)));
    }

    [Fact]
    public void An_empty_or_reversed_interval_has_no_minutes() =>
        Assert.Equal(0m, Minutes(At("2026-01-17", "12:00"), At("2026-01-17", "11:00")));
}
