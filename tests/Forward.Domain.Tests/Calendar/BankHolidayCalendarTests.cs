using Forward.Domain.Calendar;

namespace Forward.Domain.Tests.Calendar;

public class BankHolidayCalendarTests
{
    [Theory]
    [InlineData("2026-12-25", true)]
    [InlineData("2026-12-28", true)] // Boxing Day falls on a Saturday: substitute Monday
    [InlineData("2026-12-26", false)]
    [InlineData("2026-04-03", true)] // Good Friday
    [InlineData("2026-04-06", true)] // Easter Monday
    [InlineData("2026-08-31", true)] // Summer bank holiday, last Monday of August
    [InlineData("2022-09-19", true)] // State funeral, a one-off
    [InlineData("2026-11-23", false)]
    public void Knows_england_bank_holidays(string date, bool expected) =>
        Assert.Equal(expected, BankHolidayCalendar.England.IsBankHoliday(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Covers_every_year_forward_plans_for()
    {
        Assert.True(BankHolidayCalendar.England.FirstYear <= 2017);
        Assert.True(BankHolidayCalendar.England.LastYear >= 2030);
        for (var year = 2016; year <= 2030; year++)
        {
            Assert.True(BankHolidayCalendar.England.All.Keys.Count(d => d.Year == year) >= 8, $"{year} has too few bank holidays");
        }
    }

    [Fact]
    public void The_standing_rules_give_every_announced_year_that_had_no_one_off_change()
    {
        // 2020 moved the early May holiday to VE day; 2022 moved the spring holiday and added two; 2023 added one.
        int[] proclaimed = [2020, 2022, 2023];
        var announced = BankHolidayCalendar.England;
        for (var year = announced.FirstYear; year <= announced.LastYear; year++)
        {
            if (proclaimed.Contains(year))
            {
                continue;
            }

            var expected = announced.All.Where(h => h.Key.Year == year).OrderBy(h => h.Key).Select(h => (h.Key, h.Value));
            Assert.Equal(expected, BankHolidayCalendar.StandingRules(year));
        }
    }

    [Theory]
    [InlineData("2031-04-11", "Good Friday")] // Easter Sunday 2031 is 13 April
    [InlineData("2031-04-14", "Easter Monday")]
    [InlineData("2031-05-05", "Early May bank holiday")]
    [InlineData("2031-05-26", "Spring bank holiday")]
    [InlineData("2031-08-25", "Summer bank holiday")]
    [InlineData("2032-12-27", "Christmas Day (substitute day)")] // Christmas 2032 is a Saturday
    [InlineData("2032-12-28", "Boxing Day (substitute day)")]
    [InlineData("2033-01-03", "New Year's Day (substitute day)")] // a Saturday
    [InlineData("2033-12-26", "Boxing Day")] // Christmas 2033 is a Sunday
    [InlineData("2033-12-27", "Christmas Day (substitute day)")]
    [InlineData("2038-04-23", "Good Friday")] // Easter Sunday 2038 is 25 April, the latest it can be
    [InlineData("2285-03-20", "Good Friday")] // and 2285's is 22 March, the earliest
    public void Years_after_the_file_follow_the_standing_rules(string date, string name)
    {
        var day = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        var calendar = BankHolidayCalendar.England;
        Assert.Equal(name, calendar.NameOf(day));
        Assert.Contains((day, name), BankHolidayCalendar.StandingRules(day.Year));
        Assert.False(calendar.Covers(day), "a projected year is not an announced one");
        Assert.False(calendar.IsBankHoliday(day.AddDays(-14)));
    }

    [Fact]
    public void Before_the_file_no_day_is_a_bank_holiday()
    {
        Assert.False(BankHolidayCalendar.England.IsBankHoliday(new DateOnly(2015, 12, 25)));
    }

    [Fact]
    public void Rejects_a_malformed_file()
    {
        using var reader = new StringReader("date,name\n2026-13-01,Nonsense\n");
        Assert.Throws<FormatException>(() => BankHolidayCalendar.Parse(reader));

        using var repeated = new StringReader("date,name\n2027-12-27,Christmas Day (substitute day)\n2027-12-28,Boxing Day (substitute day)\n2027-12-27,Christmas Day (substitute day)\n");
        Assert.Equal("Bank holiday file line 4 repeats 2027-12-27.", Assert.Throws<FormatException>(() => BankHolidayCalendar.Parse(repeated)).Message);
    }
}
