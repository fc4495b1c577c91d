using System.Diagnostics.CodeAnalysis;

namespace Forward.Domain.Patients;

/// <summary>A ten-digit NHS number whose last digit is a valid Modulus 11 check digit.</summary>
public readonly record struct NhsNumber
{
    private NhsNumber(string digits) => Value = digits;

    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Formatted the way the NHS prints it: 3-3-4.</summary>
    public string Formatted => $"{Value[..3]} {Value[3..6]} {Value[6..]}";

    /// <summary>Accepts digits with optional spaces or hyphens (as people type them).</summary>
    public static bool TryParse(string? input, [NotNullWhen(true)] out NhsNumber? nhsNumber, out string? error)
    {
        nhsNumber = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            error = "Enter the patient's NHS number.";
            return false;
        }

        if (input.Length > 20)
        {
            error = "NHS number must be 10 digits.";
            return false;
        }

        var digits = new string(input.Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length != 10 || !digits.All(char.IsAsciiDigit))
        {
            error = "NHS number must be 10 digits.";
            return false;
        }

        if (!HasValidCheckDigit(digits))
        {
            error = "NHS number is not valid: its check digit does not match.";
            return false;
        }

        if (IsOneDigitRepeated(digits))
        {
            error = "NHS number is not valid: no NHS number is one digit ten times.";
            return false;
        }

        nhsNumber = new NhsNumber(digits);
        error = null;
        return true;
    }

    public static NhsNumber Parse(string input) =>
        TryParse(input, out var n, out var error)
            ? n.Value
            : throw DomainException.Invalid("invalid-nhs-number", error!);

    /// <summary>Modulus 11: weights 10..2 on the first nine digits; 11 - (sum mod 11), 11 means 0 and 10 is never valid.</summary>
    public static bool HasValidCheckDigit(string tenDigits)
    {
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (tenDigits[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        return check != 10 && check == tenDigits[9] - '0';
    }

    /// <summary>Completes nine digits with their check digit, or null when no valid number exists for them (check digit 10).</summary>
    public static NhsNumber? FromNineDigits(string nineDigits)
    {
        ArgumentNullException.ThrowIfNull(nineDigits);
        if (nineDigits.Length != 9 || !nineDigits.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("Nine digits expected.", nameof(nineDigits));
        }

        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            sum += (nineDigits[i] - '0') * (10 - i);
        }

        var check = 11 - (sum % 11);
        if (check == 11)
        {
            check = 0;
        }

        var digits = nineDigits + (char)('0' + check);
        return check == 10 || IsOneDigitRepeated(digits) ? null : new NhsNumber(digits);
    }

    /// <summary>
    /// 0000000000, 1111111111 and the rest: the weights sum to 54, so any digit repeated ten times is its own check
    /// digit. They pass Modulus 11 but are typed as placeholders, never issued.
    /// </summary>
    private static bool IsOneDigitRepeated(string tenDigits) => tenDigits.AsSpan(1).IndexOfAnyExcept(tenDigits[0]) < 0;
}
