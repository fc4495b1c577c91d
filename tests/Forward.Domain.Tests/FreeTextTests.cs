namespace Forward.Domain.Tests;

public class FreeTextTests
{
    private const string Emoji = "\U0001F600"; // 😀: one character, two UTF-16 code units

    [Theory]
    [InlineData(null, 0)]
    [InlineData("", 0)]
    [InlineData("Cough", 5)]
    [InlineData(Emoji, 1)]
    [InlineData("Cough " + Emoji + Emoji, 8)]
    [InlineData("e\u0301", 2)] // e and a combining acute accent: two code points, as PostgreSQL counts them
    [InlineData("\U0001F468\u200D\U0001F469\u200D\U0001F467", 5)] // a family: one emoji on screen, five code points in a column
    public void Characters_counts_code_points_as_PostgreSQL_counts_them(string? value, int expected) =>
        Assert.Equal(expected, FreeText.Characters(value));

    [Fact]
    public void Characters_counts_an_emoji_once_where_Length_counts_it_twice()
    {
        var text = string.Concat(Enumerable.Repeat(Emoji, 300));

        Assert.Equal(600, text.Length);
        Assert.Equal(300, FreeText.Characters(text));
    }

    // Written here, not as InlineData: the test runner would not pass a lone surrogate through as it is.
    [Fact]
    public void A_lone_surrogate_counts_as_one_character_as_it_takes_one_place()
    {
        Assert.Equal(1, FreeText.Characters("\uD800"));
        Assert.Equal(3, FreeText.Characters("a\uDC00b"));
        Assert.Equal(2, FreeText.Characters("\uDC00\uD800")); // the wrong way round: two lone surrogates, not a pair
        Assert.Equal("a\uD800", FreeText.FirstCharacters("a\uD800b", 2));
        Assert.Equal("\uDC00", FreeText.FirstCharacters("\uDC00" + Emoji, 1));
    }

    [Theory]
    [InlineData("Cough", 3, "Cou")]
    [InlineData("Cough", 5, "Cough")]
    [InlineData("Cough", 9, "Cough")]
    [InlineData("Cough", 0, "")]
    [InlineData("a" + Emoji + Emoji, 2, "a" + Emoji)] // a UTF-16 cut at 2 would leave half an emoji
    public void FirstCharacters_cuts_whole_code_points(string value, int max, string expected) =>
        Assert.Equal(expected, FreeText.FirstCharacters(value, max));
}
