using System.Text.RegularExpressions;
using Forward.Domain.Patients;

namespace Forward.Domain.Consultation;

/// <summary>
/// Who the patient says they are and how to reach them (step 3 of the form). Checked before anything is stored; field
/// names match the form's, so errors land against the right field.
/// </summary>
public sealed partial record ConsultationIdentity(string? NhsNumber, string? GivenName, string? FamilyName, DateOnly? DateOfBirth, string? Email, string? Mobile)
{
    /// <summary>Field → message for each problem, in form order.</summary>
    public Dictionary<string, string> Validate(DateOnly today)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Patients.NhsNumber.TryParse(NhsNumber, out _, out var nhsError))
        {
            errors[nameof(NhsNumber)] = nhsError!.Replace("the patient's", "your", StringComparison.Ordinal);
        }

        CheckName(GivenName, nameof(GivenName), "first name", errors);
        CheckName(FamilyName, nameof(FamilyName), "last name", errors);
        if (DateOfBirth is not { } dob)
        {
            errors[nameof(DateOfBirth)] = "Enter your date of birth";
        }
        else if (dob > today)
        {
            errors[nameof(DateOfBirth)] = "Date of birth must be in the past";
        }
        else if (dob < today.AddYears(-130))
        {
            errors[nameof(DateOfBirth)] = "Date of birth must be within the last 130 years";
        }

        var hasEmail = !string.IsNullOrWhiteSpace(Email);
        var hasMobile = !string.IsNullOrWhiteSpace(Mobile);
        if (!hasEmail && !hasMobile)
        {
            errors[nameof(Email)] = "Enter an email address or a mobile number, so the practice can reply";
        }

        if (hasEmail && Email!.Trim().Length > ConsultationRequest.MaxEmailLength)
        {
            errors[nameof(Email)] = $"Email address must be {ConsultationRequest.MaxEmailLength} characters or fewer";
        }
        else if (hasEmail && !IsEmail(Email!.Trim()))
        {
            errors[nameof(Email)] = "Enter an email address in the correct format, like name@example.com";
        }

        if (hasMobile && UkPhoneNumber.Mobile(Mobile) is null)
        {
            errors[nameof(Mobile)] = "Enter a UK mobile number, like 07700 900 982";
        }

        return errors;
    }

    /// <summary>
    /// Whether GOV.UK Notify, which sends the acknowledgement, would take the address (its validate_email_address): a
    /// local part of letters, digits and .!#$%&amp;'*+/=?^_`{|}~- only, no ".." anywhere, two or more domain labels of
    /// letters, digits and hyphens (not at either end, at most two together) of up to 63 characters each, and a
    /// top-level domain of 2–63 letters or in punycode (xn--). An address Notify refuses would be stored and its
    /// acknowledgement would fail, the patient having been told it was sent. Stricter than Notify in one way: a domain
    /// in another script (例え.テスト) is refused, not converted to punycode.
    /// </summary>
    private static bool IsEmail(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || value.Contains("..", StringComparison.Ordinal) || !value[..at].All(IsLocalPartCharacter))
        {
            return false;
        }

        var labels = value[(at + 1)..].Split('.');
        return labels.Length >= 2
            && labels.All(label => label.Length <= 63 && DomainLabel().IsMatch(label))
            && TopLevelDomain().IsMatch(labels[^1]);
    }

    private static bool IsLocalPartCharacter(char c) => char.IsAsciiLetterOrDigit(c) || ".!#$%&'*+/=?^_`{|}~-".Contains(c, StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9]+(--?[A-Za-z0-9]+)*\z")]
    private static partial Regex DomainLabel();

    [GeneratedRegex(@"^([A-Za-z]{2,63}|xn--([A-Za-z0-9]+-)*[A-Za-z0-9]+)\z")]
    private static partial Regex TopLevelDomain();

    private static void CheckName(string? value, string field, string label, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = $"Enter your {label}";
        }
        else if (FreeText.Characters(value.Trim()) > ConsultationRequest.MaxNameLength)
        {
            errors[field] = $"Your {label} must be {ConsultationRequest.MaxNameLength} characters or fewer";
        }
        else if (value.Any(char.IsControl))
        {
            errors[field] = $"Your {label} must not contain control characters";
        }
        else if (!FreeText.HasLetter(value))
        {
            errors[field] = $"Your {label} must contain letters";
        }
    }
}

/// <summary>What the request is about (step 4 of the form).</summary>
public sealed record ConsultationDetails(
    ConsultationKind? Kind,
    AdminRequestType? AdminType,
    string? ProblemSummary,
    DurationBand? Duration,
    SeverityBand? Severity,
    string? Details)
{
    /// <summary>Field → message for each problem, in form order.</summary>
    public Dictionary<string, string> Validate()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Kind is not { } kind || !Enum.IsDefined(kind))
        {
            errors[nameof(Kind)] = "Select whether your request is about a medical problem or an admin request";
            return errors;
        }

        if (kind == ConsultationKind.Admin)
        {
            if (AdminType is not { } type || !Enum.IsDefined(type))
            {
                errors[nameof(AdminType)] = "Select what your admin request is about";
            }

            if (AdminType == AdminRequestType.OtherAdmin && Given(Details) is null)
            {
                errors[nameof(Details)] = "Tell us what you need";
            }
        }
        else
        {
            if (Given(ProblemSummary) is null)
            {
                errors[nameof(ProblemSummary)] = "Enter your problem in a few words";
            }
            else if (FreeText.Characters(ProblemSummary!.Trim()) > ConsultationRequest.MaxSummaryLength)
            {
                errors[nameof(ProblemSummary)] = $"Your problem in a few words must be {ConsultationRequest.MaxSummaryLength} characters or fewer";
            }
            else if (FreeText.HasAnyControlCharacter(ProblemSummary.Trim()))
            {
                errors[nameof(ProblemSummary)] = "Your problem in a few words must not contain control characters";
            }

            if (Duration is not { } d || !Enum.IsDefined(d))
            {
                errors[nameof(Duration)] = "Select how long you have had the problem";
            }

            if (Severity is not { } s || !Enum.IsDefined(s))
            {
                errors[nameof(Severity)] = "Select how much the problem affects you";
            }

            if (Given(Details) is null)
            {
                errors[nameof(Details)] = "Describe your problem";
            }
        }

        if (!errors.ContainsKey(nameof(Details)) && Given(Details) is not null)
        {
            if (FreeText.Characters(Details!.Trim()) > ConsultationRequest.MaxDetailsLength)
            {
                errors[nameof(Details)] = $"Your description must be {ConsultationRequest.MaxDetailsLength} characters or fewer";
            }
            else if (FreeText.HasControlCharacters(Details))
            {
                errors[nameof(Details)] = "Your description must not contain control characters";
            }
        }

        return errors;
    }

    /// <summary>
    /// A summary or description as kept: trimmed, or null when it has no letter or digit (<see cref="FreeText.HasLetterOrDigit"/>),
    /// which counts as not given. Text of zero-width spaces alone passed for an answer, and the practice got a request
    /// that said nothing.
    /// </summary>
    public static string? Given(string? text) => FreeText.HasLetterOrDigit(text) ? text!.Trim() : null;
}
