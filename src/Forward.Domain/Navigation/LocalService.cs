using Forward.Domain.Organisations;
using Forward.Domain.Time;

namespace Forward.Domain.Navigation;

/// <summary>The kinds of service a care navigator signposts to (the 10 High Impact Actions' active signposting).</summary>
public enum ServiceCategory
{
    CommunityPharmacy,
    Optician,
    PhysioSelfReferral,
    TalkingTherapies,
    SocialPrescribing,
    SexualHealth,
    MinorInjuries,
    ExtendedAccessHub,
    Nhs111,
    Other,
}

/// <summary>
/// A service in a CCG's care-navigation directory: who it is for and how to get there, so reception can send a patient
/// to the right place first time instead of to a GP appointment.
/// </summary>
public class LocalService
{
    public const int MaxCodeLength = 40;
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 1000;
    public const int MaxHoursLength = 500;
    public const int MaxPhoneLength = 20;
    public const int MaxWebsiteLength = 300;
    public const int MaxKeywordsLength = 500;
    public const int MaxSourceLength = 500;

    public int Id { get; set; }

    /// <summary>Stable code, unique (e.g. "ELR-MIU-OADBY"); what seeding matches on so running it again adds nothing.</summary>
    public required string Code { get; set; }

    public int CcgId { get; set; }

    public Ccg? Ccg { get; set; }

    /// <summary>Set when the service is for one PCN's patients only.</summary>
    public int? NetworkId { get; set; }

    public PrimaryCareNetwork? Network { get; set; }

    public ServiceCategory Category { get; set; }

    public required string Name { get; set; }

    public required string WhoFor { get; set; }

    public required string HowToRefer { get; set; }

    public required string Hours { get; set; }

    public string? Phone { get; set; }

    public string? Website { get; set; }

    /// <summary>Space-separated words people search by ("eyes glasses red-eye").</summary>
    public string? Keywords { get; set; }

    /// <summary>Seed file and line the facts came from, or what the synthetic values stand in for.</summary>
    public string? Source { get; set; }

    public bool IsSynthetic { get; set; }

    public bool IsActive { get; set; } = true;
}

/// <summary>Why reception signposted a patient: a code, never clinical free text.</summary>
public enum SignpostingReason
{
    MinorAilment,
    MedicationAdvice,
    EyeProblem,
    MusculoskeletalProblem,
    LowMoodOrAnxiety,
    SocialOrPracticalNeed,
    SexualHealth,
    MinorInjury,
    UrgentOutOfHours,
    RoutineAppointmentElsewhere,
    Other,
}

/// <summary>
/// That a patient was signposted to a service instead of a GP appointment. No patient identity and no free text: it
/// exists to count the appointments navigation saved.
/// </summary>
public class SignpostingRecord
{
    public long Id { get; set; }

    public int PracticeId { get; set; }

    public Practice? Practice { get; set; }

    public int LocalServiceId { get; set; }

    public LocalService? LocalService { get; set; }

    public SignpostingReason Reason { get; set; }

    public DateTime RecordedUtc { get; set; }

    /// <summary>User name of the navigator.</summary>
    public required string RecordedBy { get; set; }

    /// <summary>
    /// The key of the form it was recorded from (unique): the same form sent twice (a double click, back and send
    /// again) records the signposting once, so the "appointments saved" count is not inflated.
    /// </summary>
    public string? FormKey { get; set; }
}

/// <summary>Whether a member of a practice's staff is a trained care navigator (the GP Forward View funds the training).</summary>
public class NavigatorTraining
{
    public const int MaxStaffNameLength = 100;
    public const int MaxCourseLength = 200;

    /// <summary>Room for a key longer than its name (a compatibility form can be) and for the suffix the migration gave names already shared.</summary>
    public const int MaxStaffNameKeyLength = MaxStaffNameLength + 20;

    public int Id { get; set; }

    public int PracticeId { get; set; }

    public Practice? Practice { get; set; }

    /// <summary>The name as shown; setting it sets <see cref="StaffNameKey"/> too, so the two cannot disagree.</summary>
    public required string StaffName
    {
        get;
        set
        {
            field = value;
            StaffNameKey = KeyFor(value);
        }
    }

    /// <summary>
    /// <see cref="StaffName"/> as the register compares names (see <see cref="KeyFor"/>); unique within a practice, so
    /// one person cannot end up with two records however the name was typed or however many people add it at once.
    /// (EF reads both columns straight into their fields, so a stored key is loaded as it is.)
    /// </summary>
    public string StaffNameKey { get; set; } = string.Empty;

    public bool Trained { get; set; }

    public DateOnly? TrainedOn { get; set; }

    public string? Course { get; set; }

    /// <summary>Raised on every change and checked on save, so an edit made from a stale form is refused, not lost.</summary>
    public int Version { get; set; }

    /// <summary>
    /// The key of the add form it came from (unique; <see cref="FormKeys"/>): that form sent twice (a double click, back
    /// and send again) adds the person once and says so, while the same name added from a new form is refused as taken.
    /// </summary>
    public string? FormKey { get; set; }

    /// <summary>
    /// A name as typed, as the register keeps it: trimmed, each run of spaces made one, invisible format characters (a
    /// zero-width space pasted with it) left out, and accents composed (an "ë" pasted as "e" and a combining mark is the
    /// "ë" typed), so one person's name looks and compares one way.
    /// </summary>
    public static string CleanName(string? name)
    {
        var visible = new string((name ?? string.Empty).Where(c => char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format).ToArray());
        return Normalized(string.Join(' ', visible.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), System.Text.NormalizationForm.FormC);
    }

    /// <summary>
    /// The form of a name two records must not share: cleaned, compatibility-composed (a ligature or full-width letter is
    /// its plain letters) and upper case (so "ann  smith" is "Ann Smith").
    /// </summary>
    public static string KeyFor(string? name)
    {
        var key = Normalized(CleanName(name), System.Text.NormalizationForm.FormKC).ToUpperInvariant();
        return key.Length <= MaxStaffNameKeyLength ? key : key[..MaxStaffNameKeyLength];
    }

    // Text that is not valid UTF-16 (a lone surrogate) cannot be normalised; it is kept as it is, and compared as it is.
    private static string Normalized(string text, System.Text.NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    /// <summary>Trained needs a date, and a date means trained; the date cannot be in the future.</summary>
    public Dictionary<string, string> Validate(DateOnly today)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(StaffName))
        {
            errors[nameof(StaffName)] = "Enter the staff member's name";
        }
        else if (FreeText.Characters(StaffName) > MaxStaffNameLength)
        {
            errors[nameof(StaffName)] = $"Name must be {MaxStaffNameLength} characters or fewer";
        }
        else if (FreeText.HasAnyControlCharacter(StaffName))
        {
            errors[nameof(StaffName)] = "Name must not contain control characters";
        }

        if (Trained && TrainedOn is null)
        {
            errors[nameof(TrainedOn)] = "Enter the date the training was completed";
        }
        else if (!Trained && TrainedOn is not null)
        {
            errors[nameof(TrainedOn)] = "Leave the date empty when the staff member is not yet trained";
        }
        else if (TrainedOn > today)
        {
            errors[nameof(TrainedOn)] = "The training date must be today or in the past";
        }
        else if (!DateBounds.Allows(TrainedOn))
        {
            errors[nameof(TrainedOn)] = DateBounds.Message;
        }

        if (FreeText.Characters(Course) > MaxCourseLength)
        {
            errors[nameof(Course)] = $"Course must be {MaxCourseLength} characters or fewer";
        }
        else if (FreeText.HasAnyControlCharacter(Course))
        {
            errors[nameof(Course)] = "Course must not contain control characters";
        }

        return errors;
    }
}
