using System.Globalization;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Domain.Time;

namespace Forward.Domain.Booking;

/// <summary>Who booked: the three routes into a hub the seeds describe (plus online, for patients).</summary>
public enum BookingChannel
{
    Practice,
    Nhs111,
    Hub,
    Online,
}

public enum AppointmentStatus
{
    Booked,
    Cancelled,
    Attended,
    DidNotAttend,
}

/// <summary>The patient's answer when asked whether the hub may see their GP record.</summary>
public enum RecordSharingConsent
{
    NotAsked,
    Granted,
    Refused,
}

/// <summary>An extended-access appointment. State changes go through its methods so the rules hold everywhere.</summary>
public class Appointment
{
    public const int MaxReasonLength = 500;
    public const int MaxDescriptionLength = 100;
    public const int MaxCommentLength = 500;
    public const int MaxCancellationReasonLength = 500;

    public long Id { get; set; }

    public int PatientId { get; set; }

    public Patient? Patient { get; set; }

    public int HubId { get; set; }

    public Hub? Hub { get; set; }

    public DateTime StartUtc { get; set; }

    public DateTime EndUtc { get; set; }

    /// <summary>
    /// Who the patient was booked to see and how, as the first slot offered them when booked. Kept here, not read from
    /// the slot: a cancelled appointment's slot goes back on offer in whatever shape the rota then has.
    /// </summary>
    public ClinicianRole Role { get; set; }

    public DeliveryMode Mode { get; set; }

    public BookingChannel Channel { get; set; }

    /// <summary>User name or API client that booked.</summary>
    public required string BookedBy { get; set; }

    /// <summary>ODS code of the organisation that booked (the practice, the 111 provider, the hub's CCG).</summary>
    public string? BookingOrganisationOds { get; set; }

    public string? Reason { get; set; }

    /// <summary>GP Connect description (≤100 chars) and comment (≤500), amendable while booked.</summary>
    public string? Description { get; set; }

    public string? Comment { get; set; }

    public RecordSharingConsent Consent { get; set; }

    public AppointmentStatus Status { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? CancelledUtc { get; set; }

    public string? CancellationReason { get; set; }

    /// <summary>Who cancelled, as <see cref="BookedBy"/> names the booker; none on appointments cancelled before it was kept.</summary>
    public string? CancelledBy { get; set; }

    public DateTime? OutcomeRecordedUtc { get; set; }

    /// <summary>Who last recorded attended or did not attend; none on outcomes recorded before it was kept.</summary>
    public string? OutcomeRecordedBy { get; set; }

    /// <summary>Client-supplied key that makes a retried booking request return the first result instead of booking again.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Bumped on every change; the API's ETag / version id.</summary>
    public int Version { get; set; } = 1;

    /// <summary>
    /// A new id for every change as it is saved. A change that finds its own id stored has committed (its commit's answer
    /// was lost and the save retried); one that finds another's lost the race, however alike the two changes are.
    /// </summary>
    public Guid? ChangeId { get; set; }

    public List<AppointmentSlot> Slots { get; set; } = [];

    public bool IsActive => Status == AppointmentStatus.Booked;

    public void Cancel(string? reason, DateTime nowUtc, string cancelledBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cancelledBy);
        // The reason is checked first, so a bad one is reported as such whatever state the appointment is in.
        if (FreeText.Characters(reason) > MaxCancellationReasonLength)
        {
            throw DomainException.Invalid("reason-too-long", $"Cancellation reason must be {MaxCancellationReasonLength} characters or fewer.");
        }

        if (FreeText.HasControlCharacters(reason))
        {
            throw DomainException.Invalid("reason-control-characters", "Cancellation reason must not contain control characters.");
        }

        if (Status != AppointmentStatus.Booked)
        {
            throw DomainException.Conflict("not-booked", Status == AppointmentStatus.Cancelled
                ? "This appointment is already cancelled."
                : $"This appointment {Describe(Status)} and cannot be cancelled.");
        }

        if (StartUtc <= nowUtc)
        {
            throw DomainException.Conflict("already-started", "An appointment that has started cannot be cancelled; the hub records whether the patient attended.");
        }

        Status = AppointmentStatus.Cancelled;
        CancelledUtc = nowUtc;
        CancelledBy = cancelledBy;
        CancellationReason = CleanText(reason);
        foreach (var s in Slots)
        {
            s.IsActive = false;
            if (s.Slot is not null)
            {
                s.Slot.Status = SlotStatus.Free;
            }
        }

        Version++;
    }

    /// <summary>
    /// Changes the free-text parts (the booker's description and comment), checked by the caller for length. Only while
    /// the appointment is booked and has not started: GP Connect's amend rule, and after the start the clinician's own
    /// record, not the booking, is where notes belong.
    /// </summary>
    public void Amend(string? description, string? comment, DateTime nowUtc)
    {
        if (Status != AppointmentStatus.Booked)
        {
            throw DomainException.Conflict("not-booked", $"This appointment {Describe(Status)} and cannot be amended.");
        }

        if (StartUtc <= nowUtc)
        {
            throw DomainException.Conflict("already-started", "An appointment that has started cannot be amended.");
        }

        Description = CleanText(description);
        Comment = CleanText(comment);
        Version++;
    }

    /// <summary>
    /// Why the hub may not open this appointment's patient record now (who is asking is checked by the caller), or null.
    /// Consent is given for this appointment, so it ends when the appointment is cancelled, and it covers the London day
    /// before the appointment (preparing the session), its day, and the day after (writing it up).
    /// </summary>
    public (string Code, string Message)? RecordAccessRefusal(DateTime nowUtc) => RecordAccessRefusal(Consent, Status, StartUtc, nowUtc);

    /// <summary>The same rule from an appointment's facts, for a page that shows the link only when it would open.</summary>
    public static (string Code, string Message)? RecordAccessRefusal(RecordSharingConsent consent, AppointmentStatus status, DateTime startUtc, DateTime nowUtc)
    {
        if (consent != RecordSharingConsent.Granted)
        {
            return ("no-consent", consent == RecordSharingConsent.Refused
                ? "The patient refused to share their record with the hub."
                : "The patient has not been asked to share their record with the hub.");
        }

        if (status == AppointmentStatus.Cancelled)
        {
            return ("appointment-cancelled", "This appointment was cancelled, and with it the patient's consent to share their record.");
        }

        var day = London.DateOf(startUtc);
        return Math.Abs(day.DayNumber - London.DateOf(nowUtc).DayNumber) > 1
            ? ("outside-appointment-window", string.Create(CultureInfo.InvariantCulture, $"The record can be opened only from the day before the appointment to the day after it ({day.AddDays(-1):d MMMM yyyy} to {day.AddDays(1):d MMMM yyyy})."))
            : null;
    }

    /// <summary>
    /// Records the patient's answer, given to the hub, on sharing their record for this appointment: the consent
    /// <see cref="RecordAccessRefusal(DateTime)"/> asks for, where the booker did not ask (an NHS 111 or GP Connect
    /// booking never does) or the patient has changed their mind. Granted or refused only: an answer is not taken back to
    /// "not asked".
    /// </summary>
    public void RecordConsent(RecordSharingConsent consent, DateTime nowUtc)
    {
        if (consent is not (RecordSharingConsent.Granted or RecordSharingConsent.Refused))
        {
            throw DomainException.Invalid("bad-consent", "Record the patient's answer: Granted or Refused.");
        }

        if (ConsentRefusal(Status, StartUtc, nowUtc) is { } refusal)
        {
            throw DomainException.Conflict(refusal.Code, refusal.Message);
        }

        Consent = consent;
        Version++;
    }

    /// <summary>
    /// Why the patient's consent cannot be recorded for this appointment now (who is asking is checked by the caller),
    /// or null; for a page that offers the buttons only when they would work. While it is booked (ahead of the day too:
    /// the hub may ring the patient) or attended, up to the end of the London day after it, as long as the record could
    /// be opened with it; never once cancelled, nor for a patient recorded as not attending, who was not there to answer
    /// (their outcome is put right first if they were).
    /// </summary>
    public static (string Code, string Message)? ConsentRefusal(AppointmentStatus status, DateTime startUtc, DateTime nowUtc)
    {
        if (status == AppointmentStatus.Cancelled)
        {
            return ("cancelled", "This appointment was cancelled; the patient's consent cannot be recorded for it.");
        }

        if (status == AppointmentStatus.DidNotAttend)
        {
            return ("did-not-attend", "This appointment is recorded as did not attend. If the patient was seen, change it to attended first, then record their consent.");
        }

        var last = London.DateOf(startUtc).AddDays(1);
        return London.DateOf(nowUtc) > last
            ? ("consent-too-late", string.Create(CultureInfo.InvariantCulture, $"Consent for this appointment can be recorded only until the day after it ({last:d MMMM yyyy}), while the record could be opened with it."))
            : null;
    }

    public void RecordOutcome(bool attended, DateTime nowUtc, string recordedBy)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordedBy);
        if (Status is AppointmentStatus.Cancelled)
        {
            throw DomainException.Conflict("cancelled", "This appointment was cancelled; no outcome can be recorded.");
        }

        if (StartUtc > nowUtc)
        {
            throw DomainException.Conflict("not-started", "Attended or did not attend can be recorded only after the appointment's start time.");
        }

        Status = attended ? AppointmentStatus.Attended : AppointmentStatus.DidNotAttend;
        OutcomeRecordedUtc = nowUtc;
        OutcomeRecordedBy = recordedBy;
        Version++;
    }

    /// <summary>Free text as stored: trimmed, and blank kept as no text at all.</summary>
    public static string? CleanText(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The state as a sentence goes on: "This appointment was cancelled", "... is recorded as did not attend".</summary>
    public static string Describe(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "is booked",
        AppointmentStatus.Cancelled => "was cancelled",
        AppointmentStatus.Attended => "is recorded as attended",
        _ => "is recorded as did not attend",
    };
}

/// <summary>
/// Links an appointment to a slot. While the appointment holds the slot, IsActive is true; a unique index on SlotId
/// over the active rows is what makes a double booking impossible in the database itself.
/// </summary>
public class AppointmentSlot
{
    public long AppointmentId { get; set; }

    public Appointment? Appointment { get; set; }

    public long SlotId { get; set; }

    public Slot? Slot { get; set; }

    public bool IsActive { get; set; } = true;
}
