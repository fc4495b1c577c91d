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

    [Theory]
    [InlineData("2026-06-08T17:30:00Z", "2026-06-08T18:30:00+01:00")]
    [InlineData("2026-10-25T00:30:00Z", "2026-10-25T01:30:00+01:00")] // the first 01:30 of 25 October
    [InlineData("2026-10-25T01:30:00Z", "2026-10-25T01:30:00+00:00")] // and the second
    [InlineData("2026-12-01T19:00:00Z", "2026-12-01T19:00:00+00:00")]
    [InlineData("2026-03-29T01:00:00Z", "2026-03-29T02:00:00+01:00")]
    public void Local_times_carry_their_offset(string utc, string expected)
    {
        var instant = DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
        var local = London.ToLocalWithOffset(instant);
        Assert.Equal(expected, local.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(instant, local.UtcDateTime);
    }
}
