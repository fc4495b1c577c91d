using Forward.Web.Infrastructure;

namespace Forward.Web.Tests.Infrastructure;

public sealed class DatePartsBinderTests
{
    [Theory]
    [InlineData("29", "2", "2024", "2024-02-29", null, "")]
    [InlineData(" 07 ", "03", "1984", "1984-03-07", null, "")]
    [InlineData("29", "2", "2023", null, "Date of birth must be a real date", "Day Month Year")]
    [InlineData("0", "1", "1980", null, "Date of birth must be a real date", "Day")]
    [InlineData("32", "1", "1980", null, "Date of birth must be a real date", "Day")]
    [InlineData("1", "13", "1980", null, "Date of birth must be a real date", "Month")]
    [InlineData("0", "13", "1980", null, "Date of birth must be a real date", "Day Month")]
    [InlineData("-1", "1", "1980", null, "Date of birth must be a real date", "Day")]
    [InlineData("1st", "March", "1980", null, "Date of birth must be a real date", "Day Month")]
    [InlineData("1", "1", "19800", null, "Year must include 4 numbers", "Year")]
    [InlineData("99999999999", "1", "1980", null, "Date of birth must be a real date", "Day")]
    [InlineData("1", "", "", null, "Date of birth must include a month and year", "Month Year")]
    [InlineData("1", "1", "0000", null, "Date of birth must be a real date", "Year")]
    [InlineData("", "", "", null, null, "")]
    [InlineData(null, null, null, null, null, "")]
    public void Three_boxes_make_a_date_or_say_what_is_wrong_and_with_which_boxes(string? day, string? month, string? year, string? expected, string? error, string atFault)
    {
        var (date, message, boxes) = DatePartsBinder.Parse("Date of birth", day, month, year);

        Assert.Equal(expected is null ? null : DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
        Assert.Equal(error, message);
        Assert.Equal(atFault, string.Join(' ', DatePartsBinder.Parts.Where(boxes.Contains)));
    }
}
