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
    public void Rejects_a_malformed_file()
    {
        using var reader = new StringReader("date,name\n2026-13-01,Nonsense\n");
        Assert.Throws<FormatException>(() => BankHolidayCalendar.Parse(reader));

        using var repeated = new StringReader("date,name\n2027-12-27,Christmas Day (substitute day)\n2027-12-28,Boxing Day (substitute day)\n2027-12-27,Christmas Day (substitute day)\n");
        Assert.Equal("Bank holiday file line 4 repeats 2027-12-27.", Assert.Throws<FormatException>(() => BankHolidayCalendar.Parse(repeated)).Message);
    }
}
