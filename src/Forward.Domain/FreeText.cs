namespace Forward.Domain;

/// <summary>Rules for text people type into a box that may run over several lines (reasons, descriptions, comments).</summary>
public static class FreeText
{
    /// <summary>
    /// True when the text has a control character other than a line break or tab: none belongs in what people type, and
    /// PostgreSQL refuses a NUL in text outright.
    /// </summary>
    public static bool HasControlCharacters(string? value) =>
        value is not null && value.Any(c => char.IsControl(c) && c is not ('\r' or '\n' or '\t'));
}
