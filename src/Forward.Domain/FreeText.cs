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

    /// <summary>True when a one-line value (a name, a course, a summary) has any control character, line breaks included.</summary>
    public static bool HasAnyControlCharacter(string? value) => value is not null && value.Any(char.IsControl);

    /// <summary>
    /// True when the text has a control character other than a line break or tab: none belongs in what people type, and
    /// PostgreSQL refuses a NUL in text outright.
    /// </summary>
    public static bool HasControlCharacters(string? value) =>
        value is not null && value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t'));
}
