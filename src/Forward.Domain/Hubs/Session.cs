namespace Forward.Domain.Hubs;

public enum ClinicianRole
{
    GeneralPractitioner,
    PracticeNurse,
    AdvancedNursePractitioner,
    ClinicalPharmacist,
    Physiotherapist,
    PhysicianAssociate,
    Paramedic,
    HealthcareAssistant,
    MentalHealthPractitioner,
}

public static class ClinicianRoleNames
{
    /// <summary>The role as people read it ("GP", "Practice nurse"); pages and FHIR resources both use this.</summary>
    public static string DisplayName(this ClinicianRole role) => role switch
    {
        ClinicianRole.GeneralPractitioner => "GP",
        ClinicianRole.PracticeNurse => "Practice nurse",
        ClinicianRole.AdvancedNursePractitioner => "Advanced nurse practitioner",
        ClinicianRole.ClinicalPharmacist => "Clinical pharmacist",
        ClinicianRole.Physiotherapist => "Physiotherapist",
        ClinicianRole.PhysicianAssociate => "Physician associate",
        ClinicianRole.Paramedic => "Paramedic",
        ClinicianRole.HealthcareAssistant => "Healthcare assistant",
        ClinicianRole.MentalHealthPractitioner => "Mental health practitioner",
        _ => role.ToString(),
    };
}

public enum DeliveryMode
{
    FaceToFace,
    Telephone,
    Video,
}

/// <summary>Days a recurring session runs on. Bank holidays are their own day: a session runs on one only if it says so.</summary>
[Flags]
public enum SessionDays
{
    None = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 4,
    Thursday = 8,
    Friday = 16,
    Saturday = 32,
    Sunday = 64,
    BankHolidays = 128,
    Weekdays = Monday | Tuesday | Wednesday | Thursday | Friday,
    Weekends = Saturday | Sunday,
}

public static class SessionDaysExtensions
{
    public static SessionDays ToSessionDay(this DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => SessionDays.Monday,
        DayOfWeek.Tuesday => SessionDays.Tuesday,
        DayOfWeek.Wednesday => SessionDays.Wednesday,
        DayOfWeek.Thursday => SessionDays.Thursday,
        DayOfWeek.Friday => SessionDays.Friday,
        DayOfWeek.Saturday => SessionDays.Saturday,
        _ => SessionDays.Sunday,
    };

    public static string Describe(this SessionDays days)
    {
        if (days == SessionDays.None)
        {
            return "no days";
        }

        var parts = new List<string>();
        if ((days & (SessionDays.Weekdays | SessionDays.Weekends)) == (SessionDays.Weekdays | SessionDays.Weekends))
        {
            // Not "every day": bank holidays are named only when the session runs on them.
            parts.Add("Mon–Sun");
        }
        else
        {
            parts.AddRange((days & SessionDays.Weekdays) == SessionDays.Weekdays
                ? ["Mon–Fri"]
                : new[] { SessionDays.Monday, SessionDays.Tuesday, SessionDays.Wednesday, SessionDays.Thursday, SessionDays.Friday }.Where(d => days.HasFlag(d)).Select(d => d.ToString()[..3]));
            parts.AddRange((days & SessionDays.Weekends) == SessionDays.Weekends
                ? ["Sat–Sun"]
                : new[] { SessionDays.Saturday, SessionDays.Sunday }.Where(d => days.HasFlag(d)).Select(d => d.ToString()[..3]));
        }

        if (days.HasFlag(SessionDays.BankHolidays))
        {
            parts.Add("bank holidays");
        }

        return string.Join(", ", parts);
    }
}

/// <summary>
/// A recurring clinic in a hub's rota: the days and London wall-clock times it runs, who staffs it, how long each
/// slot is and how patients are seen. Slots are generated from it.
/// </summary>
public class Session
{
    public const int MinSlotMinutes = 5;
    public const int MaxSlotMinutes = 120;

    public int Id { get; set; }

    public int HubId { get; set; }

    public Hub? Hub { get; set; }

    /// <summary>Shown to bookers and in GP Connect as the schedule's service category, e.g. "Evening GP clinic".</summary>
    public required string Name { get; set; }

    public SessionDays Days { get; set; }

    public TimeOnly StartTime { get; set; }

    /// <summary>End of the session; 00:00 means midnight at the end of the day.</summary>
    public TimeOnly EndTime { get; set; }

    public ClinicianRole Role { get; set; }

    public DeliveryMode Mode { get; set; }

    public int SlotMinutes { get; set; }

    /// <summary>How many clinicians work the session in parallel: each gets their own slots.</summary>
    public int Clinicians { get; set; } = 1;

    public DateOnly ValidFrom { get; set; }

    public DateOnly? ValidUntil { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>Raised by each change to the session's own fields, so a save from a form opened before it is refused.</summary>
    public int Version { get; set; }

    /// <summary>
    /// The key of the "add a session" form that created it (unique): the same form sent twice adds one session, not
    /// two that would each offer their own slots.
    /// </summary>
    public string? FormKey { get; set; }

    public List<SessionOverride> Overrides { get; set; } = [];

    public TimeSpan Length => EndOfDay(EndTime) - StartTime.ToTimeSpan();

    /// <summary>A session's end as time since midnight: an end of 00:00 is the midnight that ends the day.</summary>
    public static TimeSpan EndOfDay(TimeOnly end) => end == TimeOnly.MinValue ? TimeSpan.FromDays(1) : end.ToTimeSpan();

    private static bool IsWholeMinute(TimeOnly time) => time.Ticks % TimeSpan.TicksPerMinute == 0;

    /// <summary>Checks the rota entry makes sense before it is saved; returns field → message for each problem.</summary>
    public static Dictionary<string, string> Validate(string? name, SessionDays days, TimeOnly start, TimeOnly end, int slotMinutes, int clinicians, DateOnly validFrom, DateOnly? validUntil)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["Name"] = "Enter a name for the session";
        }
        else if (FreeText.Characters(name) > 100)
        {
            errors["Name"] = "Session name must be 100 characters or fewer";
        }

        if (days == SessionDays.None)
        {
            errors["Days"] = "Select at least one day";
        }

        // A rota runs to the minute: a start of 18:00:30 would lay every slot half a minute off the hour the pages show,
        // and leave a slot too few in the session.
        if (!IsWholeMinute(start))
        {
            errors["StartTime"] = "Enter the start time in hours and minutes, like 18:30";
        }

        if (!IsWholeMinute(end))
        {
            errors["EndTime"] = "Enter the end time in hours and minutes, like 20:00";
        }

        var endSpan = EndOfDay(end);
        if (!errors.ContainsKey("EndTime") && endSpan <= start.ToTimeSpan())
        {
            errors["EndTime"] = "End time must be after the start time";
        }

        if (slotMinutes is < MinSlotMinutes or > MaxSlotMinutes)
        {
            errors["SlotMinutes"] = $"Slot length must be between {MinSlotMinutes} and {MaxSlotMinutes} minutes";
        }
        else if (endSpan > start.ToTimeSpan() && (endSpan - start.ToTimeSpan()).TotalMinutes < slotMinutes)
        {
            errors["SlotMinutes"] = "Slot length must fit inside the session";
        }

        if (clinicians is < 1 or > 20)
        {
            errors["Clinicians"] = "Clinicians must be between 1 and 20";
        }

        if (validUntil is { } until && until < validFrom)
        {
            errors["ValidUntil"] = "End date must be on or after the start date";
        }

        return errors;
    }
}

public enum SessionOverrideKind
{
    /// <summary>The session does not run on this date (training, closure); its free slots are withdrawn.</summary>
    Closed,

    /// <summary>The session runs on this date although its pattern would not (an extra clinic).</summary>
    Extra,
}

/// <summary>A one-off change to a session's pattern on one date.</summary>
public class SessionOverride
{
    public int Id { get; set; }

    public int SessionId { get; set; }

    public Session? Session { get; set; }

    public DateOnly Date { get; set; }

    public SessionOverrideKind Kind { get; set; }

    public string? Reason { get; set; }
}
