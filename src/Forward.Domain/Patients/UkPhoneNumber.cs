namespace Forward.Domain.Patients;

/// <summary>
/// UK phone numbers as people type them ("01632 960 001", "+44 (0)7700 900982", "0044 7700 900982"). One rule for every
/// form that takes a number and for deciding who gets a text: GOV.UK Notify sends texts to UK mobiles only, so a number
/// that is not one must never be queued as a text, where it would fail unseen.
/// </summary>
public static class UkPhoneNumber
{
    /// <summary>
    /// The number in UK national form, digits only with the trunk 0 ("01632960001", "07700900982"), or null if it is
    /// not a UK number: another country's (+1 …, 00 33 …), too short or long, or holding anything but digits, spaces,
    /// <c>+ - ( )</c>.
    /// </summary>
    public static string? National(string? input)
    {
        if (string.IsNullOrWhiteSpace(input) || input.Length > Patient.MaxPhoneLength
            || input.Any(c => !(char.IsAsciiDigit(c) || c is ' ' or '+' or '-' or '(' or ')')))
        {
            return null;
        }

        var digits = new string(input.Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("00", StringComparison.Ordinal))
        {
            // 0044 …: the international prefix dialled from abroad, the same as +44.
            digits = digits[2..];
        }

        if (digits.StartsWith("440", StringComparison.Ordinal))
        {
            // +44 (0)7700 …: the trunk 0 kept in brackets.
            digits = digits[2..];
        }
        else if (digits.StartsWith("44", StringComparison.Ordinal))
        {
            digits = "0" + digits[2..];
        }

        // A national number starts with one trunk 0; anything else left is another country's code (+1, +33, +353 …).
        return digits.Length is 10 or 11 && digits[0] == '0' && digits[1] != '0' ? digits : null;
    }

    /// <summary>A UK mobile number as 11 digits starting 07 (what Notify will text), or null.</summary>
    public static string? Mobile(string? input) =>
        National(input) is { Length: 11 } national && national.StartsWith("07", StringComparison.Ordinal) ? national : null;
}
