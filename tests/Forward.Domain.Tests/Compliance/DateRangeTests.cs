using Forward.Domain.Compliance;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

public class DateRangeTests
{
    [Fact]
    public void Weeks_run_monday_to_sunday_and_are_clipped_at_both_ends()
    {
        var weeks = Range("2026-03-25", "2026-04-08").SplitIntoWeeks();

        Assert.Equal([Range("2026-03-25", "2026-03-29"), Range("2026-03-30", "2026-04-05"), Range("2026-04-06", "2026-04-08")], weeks);
        Assert.Equal([5, 7, 3], weeks.Select(w => w.Days));
    }

    [Fact]
    public void Only_a_monday_to_sunday_week_is_whole()
    {
        var weeks = Range("2026-03-25", "2026-04-08").SplitIntoWeeks();

        Assert.Equal([false, true, false], weeks.Select(w => w.IsWholeWeek));
        Assert.False(Range("2026-03-31", "2026-04-06").IsWholeWeek); // seven days, Tuesday to Monday
    }

    [Fact]
    public void Months_are_calendar_months_clipped_at_both_ends()
    {
        var months = Range("2026-01-15", "2026-03-10").SplitIntoMonths();

        Assert.Equal([Range("2026-01-15", "2026-01-31"), Range("2026-02-01", "2026-02-28"), Range("2026-03-01", "2026-03-10")], months);
    }

    [Fact]
    public void A_range_is_inclusive_and_its_weeks_are_days_over_seven()
    {
        var range = Range("2026-01-01", "2026-01-14");

        Assert.Equal(14, range.Days);
        Assert.Equal(2m, range.Weeks);
        Assert.True(range.Contains(D("2026-01-14")));
        Assert.False(range.Contains(D("2026-01-15")));
    }

    [Fact]
    public void The_range_boundaries_are_london_midnights()
    {
        // 1 June 2026 is in British Summer Time: London midnight is 23:00 UTC the day before.
        var range = Range("2026-06-01", "2026-06-30");

        Assert.Equal(Utc("2026-05-31 23:00"), range.StartUtc);
        Assert.Equal(Utc("2026-06-30 23:00"), range.EndUtc);
    }

    [Fact]
    public void A_backwards_range_is_a_validation_error()
    {
        var error = Assert.Throws<DomainException>(() => Range("2026-02-01", "2026-01-31"));

        Assert.Equal("invalid-date-range", error.Code);
    }
}
