using Forward.Domain.Time;

namespace Forward.Domain.Tests.Calendar;

public sealed class LondonClockTests
{
    [Theory]
    [InlineData("2026-06-08T17:30:00Z", "18:30")]
    [InlineData("2026-10-24T23:59:00Z", "00:59")]
    [InlineData("2026-10-25T00:00:00Z", "01:00 BST")] // the first 01:00 of 25 October
    [InlineData("2026-10-25T00:30:00Z", "01:30 BST")]
    [InlineData("2026-10-25T01:00:00Z", "01:00 GMT")] // clocks went back: 01:00 again
    [InlineData("2026-10-25T01:59:00Z", "01:59 GMT")]
    [InlineData("2026-10-25T02:00:00Z", "02:00")]
    [InlineData("2026-03-29T01:00:00Z", "02:00")] // clocks go forward: 01:00 GMT is 02:00 BST, once
    public void A_time_that_happens_twice_says_which(string utc, string expected)
    {
        var instant = DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.Equal(expected, London.ClockTime(instant));
    }
}
