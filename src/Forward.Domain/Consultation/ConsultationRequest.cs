using System.Linq.Expressions;
using System.Security.Cryptography;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;

namespace Forward.Domain.Consultation;

/// <summary>Admin requests need no clinician's judgement; medical ones go to a clinician for triage.</summary>
public enum ConsultationKind
{
    Admin,
    Medical,
}

public enum AdminRequestType
{
    FitNote,
    RepeatPrescriptionQuery,
    TestResults,
    OtherAdmin,
}

/// <summary>How long the patient has had the problem, in the bands the form offers.</summary>
public enum DurationBand
{
    LessThanTwoDays,
    TwoToSevenDays,
    OneToFourWeeks,
    MoreThanFourWeeks,
}

/// <summary>How much the problem affects the patient, in their own estimate.</summary>
public enum SeverityBand
{
    Mild,
    Moderate,
    Severe,
}

/// <summary>Where a request is in the practice's triage queue. Closed is final.</summary>
public enum ConsultationStatus
{
    New,
    InProgress,
    Closed,
}

/// <summary>What the practice did about a request; the measures report the mix.</summary>
public enum ConsultationOutcome
{
    SelfCare,
    Pharmacy,
    BookAppointment,
    Prescription,
    SignpostedElsewhere,
    Closed,
}

/// <summary>
/// An online consultation (eConsult / askmyGP style): what the patient gave, as they gave it, and what the practice did.
/// The identity is kept as typed (the patient may not be matched to a <see cref="Patient"/> row yet); state changes go
/// through <see cref="Assign"/>, <see cref="Start"/> and <see cref="Close"/> so the triage rules hold everywhere, and each
/// one appends to <see cref="History"/>, which is never edited.
/// </summary>
public class ConsultationRequest
{
    public const int ReferenceLength = 9;
    public const int MaxNameLength = Patient.MaxNameLength;
    public const int MaxEmailLength = 200;
    public const int MaxMobileLength = 20;
    public const int MaxSummaryLength = 100;
    public const int MaxDetailsLength = 1500;
    public const int MaxRedFlagAnswersLength = 500;
    public const int MaxStaffNameLength = 100;
    public const int MaxOutcomeNoteLength = 1000;

    /// <summary>No 0/O, 1/I/L or U: a reference read out over the phone cannot be misheard as another.</summary>
    private const string ReferenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

    public long Id { get; set; }

    public int PracticeId { get; set; }

    public Practice? Practice { get; set; }

    /// <summary>Short code the patient quotes, e.g. "K7M-3QX9A"; unique.</summary>
    public required string Reference { get; set; }

    /// <summary>
    /// The key of the form that sent it (one per filling-in of the online form); unique, so the same form sent twice (a
    /// double click, a retry after a lost answer, back and send again) makes one request, not two.
    /// </summary>
    public string? SubmissionKey { get; set; }

    /// <summary>Ten digits, check digit valid (validated with <see cref="Patients.NhsNumber"/> before it gets here).</summary>
    public required string NhsNumber { get; set; }

    public required string GivenName { get; set; }

    public required string FamilyName { get; set; }

    public DateOnly DateOfBirth { get; set; }

    public string? Email { get; set; }

    public string? Mobile { get; set; }

    /// <summary>
    /// The registered patient this request was matched to (<see cref="MatchingPatients"/>): by the form when it was sent, or
    /// when a booking made from it registered the patient. Never anyone else, since the page says "matched on NHS number
    /// and date of birth".
    /// </summary>
    public int? PatientId { get; set; }

    public Patient? Patient { get; set; }

    public ConsultationKind Kind { get; set; }

    public AdminRequestType? AdminType { get; set; }

    /// <summary>Medical: the problem in a few words.</summary>
    public string? ProblemSummary { get; set; }

    public DurationBand? Duration { get; set; }

    public SeverityBand? Severity { get; set; }

    /// <summary>The patient's own words, at most <see cref="MaxDetailsLength"/> characters.</summary>
    public string? Details { get; set; }

    /// <summary>The red-flag questions the patient answered, as "code=no;..." (any yes stops the form, so all are no).</summary>
    public required string RedFlagAnswers { get; set; }

    public ConsultationStatus Status { get; set; }

    public DateTime SubmittedUtc { get; set; }

    /// <summary>When the practice must have replied (<see cref="ResponseDeadline"/>).</summary>
    public DateTime DeadlineUtc { get; set; }

    /// <summary>User name of the clinician or administrator who has it.</summary>
    public string? AssignedTo { get; set; }

    public ConsultationOutcome? Outcome { get; set; }

    public string? OutcomeNote { get; set; }

    public DateTime? ClosedUtc { get; set; }

    /// <summary>The appointment booked for a <see cref="ConsultationOutcome.BookAppointment"/> outcome.</summary>
    public long? BookedAppointmentId { get; set; }

    /// <summary>Bumped on every change, so two staff acting at once cannot both win.</summary>
    public int Version { get; set; } = 1;

    public List<ConsultationEvent> History { get; set; } = [];

    public bool IsClosed => Status == ConsultationStatus.Closed;

    /// <summary>
    /// The patient records a request with this NHS number and date of birth, sent to this practice, is matched to: the
    /// same NHS number and date of birth, registered at the practice. The form knows nothing else about who sent it.
    /// </summary>
    public static Expression<Func<Patient, bool>> MatchingPatients(string nhsNumber, DateOnly dateOfBirth, int practiceId) =>
        p => p.NhsNumber == nhsNumber && p.DateOfBirth == dateOfBirth && p.RegisteredPracticeId == practiceId;

    /// <summary>Whether <paramref name="patient"/> is one of this request's <see cref="MatchingPatients"/>.</summary>
    public bool IsMatchedBy(Patient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return patient.NhsNumber == NhsNumber && patient.DateOfBirth == DateOfBirth && patient.RegisteredPracticeId == PracticeId;
    }

    /// <summary>A new reference: 8 random characters from <see cref="ReferenceAlphabet"/>, shown as "XXX-XXXXX".</summary>
    public static string NewReference()
    {
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = ReferenceAlphabet[RandomNumberGenerator.GetInt32(ReferenceAlphabet.Length)];
        }

        return $"{chars[..3]}-{chars[3..]}";
    }

    /// <summary>Records the submission itself as the first history entry.</summary>
    public void RecordSubmitted(DateTime nowUtc) => AddEvent(nowUtc, "patient", "Submitted online");

    /// <summary>Gives the request to a member of staff (again, to re-assign). Not once closed.</summary>
    public void Assign(string staffUserName, string by, DateTime nowUtc)
    {
        EnsureOpen();
        var staff = CheckStaff(staffUserName, "assignee");
        if (string.Equals(staff, AssignedTo, StringComparison.Ordinal))
        {
            return;
        }

        AssignedTo = staff;
        Touch();
        AddEvent(nowUtc, by, $"Assigned to {staff}");
    }

    /// <summary>Someone starts work on a new request; it becomes theirs if nobody has it yet.</summary>
    public void Start(string by, DateTime nowUtc)
    {
        EnsureOpen();
        var who = CheckStaff(by, "by");
        if (Status == ConsultationStatus.InProgress)
        {
            throw DomainException.Conflict("consultation-already-started", "This request is already in progress.");
        }

        Status = ConsultationStatus.InProgress;
        AssignedTo ??= who;
        Touch();
        AddEvent(nowUtc, who, "Started");
    }

    /// <summary>
    /// Closes the request with what was done. Final: a closed request cannot be closed again or re-opened. A
    /// <see cref="ConsultationOutcome.BookAppointment"/> outcome needs the appointment that was booked; no other outcome may
    /// carry one.
    /// </summary>
    public void Close(ConsultationOutcome outcome, string? note, long? appointmentId, string by, DateTime nowUtc)
    {
        EnsureOpen();
        var who = CheckStaff(by, "by");
        if (!Enum.IsDefined(outcome))
        {
            throw DomainException.Invalid("invalid-outcome", "Choose what was done about the request.");
        }

        if (outcome == ConsultationOutcome.BookAppointment && appointmentId is not > 0)
        {
            throw DomainException.Invalid("appointment-required", "Book the appointment before closing the request as booked.");
        }

        if (outcome != ConsultationOutcome.BookAppointment && appointmentId is not null)
        {
            throw DomainException.Invalid("appointment-not-expected", "Only a request closed as booked can link to an appointment.");
        }

        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (FreeText.Characters(trimmed) > MaxOutcomeNoteLength)
        {
            throw DomainException.Invalid("note-too-long", $"The note must be {MaxOutcomeNoteLength} characters or fewer.");
        }

        Status = ConsultationStatus.Closed;
        Outcome = outcome;
        OutcomeNote = trimmed;
        BookedAppointmentId = appointmentId;
        ClosedUtc = nowUtc;
        AssignedTo ??= who;
        Touch();
        AddEvent(nowUtc, who, $"Closed: {outcome}");
    }

    private void EnsureOpen()
    {
        if (Status == ConsultationStatus.Closed)
        {
            throw DomainException.Conflict("consultation-closed", "This request is closed and cannot be changed.");
        }
    }

    private static string CheckStaff(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw DomainException.Invalid($"{field}-required", "Say who is doing this.");
        }

        var trimmed = name.Trim();
        return FreeText.Characters(trimmed) > MaxStaffNameLength
            ? throw DomainException.Invalid($"{field}-too-long", $"A user name must be {MaxStaffNameLength} characters or fewer.")
            : trimmed;
    }

    private void Touch() => Version++;

    private void AddEvent(DateTime nowUtc, string by, string what) =>
        History.Add(new ConsultationEvent { AtUtc = nowUtc, By = by, What = what });
}

/// <summary>One line of a request's history: appended, never changed.</summary>
public class ConsultationEvent
{
    public const int MaxWhatLength = 200;

    public long Id { get; set; }

    public long ConsultationRequestId { get; set; }

    public DateTime AtUtc { get; set; }

    /// <summary>Staff user name, or "patient" for the submission.</summary>
    public required string By { get; set; }

    /// <summary>What happened, in words; never the patient's clinical detail.</summary>
    public required string What { get; set; }
}
