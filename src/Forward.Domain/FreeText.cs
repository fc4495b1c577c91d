using System.Text;

namespace Forward.Domain;

/// <summary>Rules for text people type into a box that may run over several lines (reasons, descriptions, comments).</summary>
public static class FreeText
{
    /// <summary>
    /// Line breaks as one character each. A browser counts a line break once against a text box's maxlength but sends
    /// it as CR LF, so text it let through would otherwise be refused as too long.
    /// </summary>
    public static string? UnifyLineBreaks(string? value) =>
        value is null || !value.Contains('\r', StringComparison.Ordinal) ? value : value.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>
    /// How many characters the text has, for its length limits: Unicode code points, as PostgreSQL counts them against a
    /// <c>varchar(n)</c> column, so text the service lets through always fits the column it is stored in. A string's
    /// <see cref="string.Length"/> counts UTF-16 code units, two for an emoji or any other character outside the Basic
    /// Multilingual Plane, and so refused text well short of the limit it named. Not user-perceived characters
    /// (grapheme clusters): a family emoji is several code points, and PostgreSQL counts every one. A lone surrogate,
    /// which is no character at all, counts as one.
    /// </summary>
    public static int Characters(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// The first <paramref name="max"/> characters of the text, counted as <see cref="Characters"/> counts them, so a cut
    /// never splits an emoji's surrogate pair in two.
    /// </summary>
    public static string FirstCharacters(string value, int max)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var units = 0;
        var count = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (count == max)
            {
                return value[..units];
            }

            // A lone surrogate comes back as the replacement character, one code unit long, as it was.
            units += rune.Utf16SequenceLength;
            count++;
        }

        return value;
    }

    /// <summary>
    /// Whether the text has a letter, in any script. Counted by rune: Adlam and CJK Extension B letters are two UTF-16
    /// halves, neither of them a letter. A name of digits or punctuation alone ("1234", "!!!") has none.
    /// </summary>
    public static bool HasLetter(string? value) => value is not null && value.EnumerateRunes().Any(Rune.IsLetter);

    /// <summary>
    /// Whether the text has a letter or digit, in any script, counted by rune as <see cref="HasLetter"/> is. Text without
    /// one says nothing: blank, punctuation alone, or characters that show nothing at all (a zero-width space U+200B, a
    /// word joiner U+2060), which <see cref="string.IsNullOrWhiteSpace"/> does not count as white space.
    /// </summary>
    public static bool HasLetterOrDigit(string? value) => value is not null && value.EnumerateRunes().Any(Rune.IsLetterOrDigit);

    /// <summary>True when a one-line value (a name, a course, a summary) has any control character, line breaks included.</summary>
    public static bool HasAnyControlCharacter(string? value) => value is not null && value.Any(char.IsControl);

    /// <summary>
    /// True when the text has a control character other than a line break or tab: none belongs in what people type, and
    /// PostgreSQL refuses a NUL in text outright.
    /// </summary>
    public static bool HasControlCharacters(string? value) =>
        value is not null && value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t'));
}
