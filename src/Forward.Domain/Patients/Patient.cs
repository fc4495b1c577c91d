using Forward.Domain.Organisations;

namespace Forward.Domain.Patients;

/// <summary>A registered patient. Identity is the NHS number; the record summary is what a hub clinician may open with consent.</summary>
public class Patient
{
    public const int MaxNameLength = 100;
    public const int MaxPhoneLength = 20;

    public int Id { get; set; }

    public required string NhsNumber { get; set; }

    public required string GivenName { get; set; }

    public required string FamilyName { get; set; }

    public DateOnly DateOfBirth { get; set; }

    public string? Phone { get; set; }

    public string? Email { get; set; }

    public int RegisteredPracticeId { get; set; }

    public Practice? RegisteredPractice { get; set; }

    /// <summary>Summary care record extract (synthetic in demos): problems, medication, allergies.</summary>
    public string? SummaryProblems { get; set; }

    public string? SummaryMedications { get; set; }

    public string? SummaryAllergies { get; set; }

    public bool IsSynthetic { get; set; }

    public string FullName => $"{GivenName} {FamilyName}";
}

/// <summary>The identity details a booker gives; checked before any patient row is written.</summary>
public sealed record PatientDetails(string? NhsNumber, string? GivenName, string? FamilyName, DateOnly? DateOfBirth, string? Phone)
{
    /// <summary>Field → message for each problem, in form order.</summary>
    public Dictionary<string, string> Validate(DateOnly today)
    {
        var errors = new Dictionary<string, string>();
        if (!Patients.NhsNumber.TryParse(NhsNumber, out _, out var nhsError))
        {
            errors["NhsNumber"] = nhsError!;
        }

        CheckName(GivenName, "GivenName", "first name", errors);
        CheckName(FamilyName, "FamilyName", "last name", errors);
        if (DateOfBirth is not { } dob)
        {
            errors["DateOfBirth"] = "Enter the patient's date of birth";
        }
        else if (dob > today)
        {
            errors["DateOfBirth"] = "Date of birth must be in the past";
        }
        else if (dob < today.AddYears(-130))
        {
            errors["DateOfBirth"] = "Date of birth must be within the last 130 years";
        }

        if (string.IsNullOrWhiteSpace(Phone))
        {
            errors["Phone"] = "Enter a contact phone number";
        }
        else if (UkPhoneNumber.National(Phone) is null)
        {
            // A landline is fine for the hub to call back; texts go only to a mobile (UkPhoneNumber.Mobile).
            errors["Phone"] = "Enter a UK phone number, like 07700 900 982 or 01632 960 001";
        }

        return errors;
    }

    private static void CheckName(string? value, string field, string label, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = $"Enter the patient's {label}";
        }
        else if (FreeText.Characters(value) > Patient.MaxNameLength)
        {
            errors[field] = $"The patient's {label} must be {Patient.MaxNameLength} characters or fewer";
        }
        else if (value.Any(char.IsControl))
        {
            errors[field] = $"The patient's {label} must not contain control characters";
        }
        else if (!FreeText.HasLetter(value))
        {
            errors[field] = $"The patient's {label} must contain letters";
        }
    }
}
