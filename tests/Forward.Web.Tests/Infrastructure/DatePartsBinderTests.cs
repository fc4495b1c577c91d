using Forward.Web.Infrastructure;

namespace Forward.Web.Tests.Infrastructure;

public sealed class DatePartsBinderTests
{
    [Theory]
    [InlineData("29", "2", "2024", "2024-02-29", null)]
    [InlineData(" 07 ", "03", "1984", "1984-03-07", null)]
    [InlineData("29", "2", "2023", null, "Date of birth must be a real date")]
    [InlineData("0", "1", "1980", null, "Date of birth must be a real date")]
    [InlineData("1", "13", "1980", null, "Date of birth must be a real date")]
    [InlineData("-1", "1", "1980", null, "Date of birth must be a real date")]
    [InlineData("1", "1", "19800", null, "Year must include 4 numbers")]
    [InlineData("99999999999", "1", "1980", null, "Date of birth must be a real date")]
    [InlineData("1", "", "", null, "Date of birth must include a month and year")]
    [InlineData("1", "1", "0000", null, "Date of birth must be a real date")]
    [InlineData("", "", "", null, null)]
    [InlineData(null, null, null, null, null)]
    public void Three_boxes_make_a_date_or_say_what_is_wrong(string? day, string? month, string? year, string? expected, string? error)
    {
        var (date, message, _) = DatePartsBinder.Parse("Date of birth", day, month, year);

        Assert.Equal(expected is null ? null : DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
        Assert.Equal(error, message);
    }
}
