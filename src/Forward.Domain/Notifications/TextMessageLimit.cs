namespace Forward.Domain.Notifications;

/// <summary>
/// How much free text fits in one text message. GOV.UK Notify refuses a text longer than 918 characters, counted once
/// its placeholders are filled in, so a message staff type must leave room for the template's own words and its other
/// placeholders: a longer one would be queued, fail at every retry, and never reach the patient.
/// </summary>
public static class TextMessageLimit
{
    /// <summary>Notify's limit for one text message (six 153-character parts).</summary>
    public const int NotifyMaximum = 918;

    /// <summary>
    /// The most characters a text template's own words may take, besides its placeholders. The README asks for templates
    /// that carry staff's free text to keep within it.
    /// </summary>
    public const int TemplateWords = 160;

    /// <summary>How many characters of free text fit in a text whose other placeholders hold <paramref name="otherValues"/>.</summary>
    public static int RoomBeside(params IEnumerable<string?> otherValues)
    {
        ArgumentNullException.ThrowIfNull(otherValues);
        return Math.Max(0, NotifyMaximum - TemplateWords - otherValues.Sum(FreeText.Characters));
    }
}
