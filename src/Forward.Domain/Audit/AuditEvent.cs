namespace Forward.Domain.Audit;

/// <summary>
/// One entry in the append-only audit log: every record view and every booking change. Triggers in the database refuse
/// updates and deletes. Holds ids, never patient names or NHS numbers in free text.
/// </summary>
public class AuditEvent
{
    public long Id { get; set; }

    public DateTime OccurredUtc { get; set; }

    public required string Actor { get; set; }

    public required string ActorRole { get; set; }

    /// <summary>Dotted verb, e.g. "appointment.book", "record.view", "record.view-denied".</summary>
    public required string Action { get; set; }

    public string? EntityType { get; set; }

    public string? EntityId { get; set; }

    public int? PatientId { get; set; }

    public int? HubId { get; set; }

    /// <summary>
    /// The practice whose patient or business the event concerns (an online request, its triage, a training record,
    /// a practice user's sign-in). With <see cref="HubId"/> and <see cref="CcgId"/> it decides which commissioners see
    /// the event: those of the hub's CCG, of the practice's, or the CCG itself.
    /// </summary>
    public int? PracticeId { get; set; }

    /// <summary>
    /// The acting user's CCG (a commissioner's, or that of the practice or hub a user works at), so a CCG's commissioners
    /// see what their own users did, even to another CCG's patients; null for users of none (NHS 111, the public).
    /// </summary>
    public int? CcgId { get; set; }

    public required string Outcome { get; set; }

    public string? Detail { get; set; }

    public string? TraceId { get; set; }
}

public static class AuditActions
{
    public const string Book = "appointment.book";
    public const string Cancel = "appointment.cancel";
    public const string Attended = "appointment.attended";
    public const string DidNotAttend = "appointment.did-not-attend";
    public const string Amend = "appointment.amend";

    /// <summary>The hub recorded the patient's answer on sharing their record for an appointment (detail: the answer and the one before).</summary>
    public const string Consent = "appointment.consent";
    public const string RecordView = "record.view";

    /// <summary>One appointment was shown (API, page): who the patient is and why they are booked.</summary>
    public const string AppointmentView = "appointment.view";
    public const string RecordViewDenied = "record.view-denied";

    /// <summary>A hub's day list was shown: it names each patient with their NHS number.</summary>
    public const string DayListView = "hub.day-list";

    /// <summary>Appointments were searched (by NHS number and/or dates): it names each patient it found.</summary>
    public const string AppointmentSearch = "appointment.search";
    public const string SessionChange = "session.change";

    /// <summary>A hub's own settings changed (its booking window), as opposed to a session of its rota.</summary>
    public const string HubChange = "hub.change";
    public const string SlotsGenerated = "slots.generate";
    public const string SignIn = "account.sign-in";
    public const string AuditExport = "audit.export";
    public const string TrainingAdd = "navigator-training.add";
    public const string TrainingUpdate = "navigator-training.update";

    /// <summary>A staff member's training record was taken off their practice's register (they left).</summary>
    public const string TrainingRemove = "navigator-training.remove";

    // Online consultation requests: the public form's submission, then the practice's triage.
    public const string ConsultationSubmit = "consultation.submit";
    public const string ConsultationQueue = "consultation.queue";
    public const string ConsultationView = "consultation.view";
    public const string ConsultationViewDenied = "consultation.view-denied";
    public const string ConsultationAssign = "consultation.assign";
    public const string ConsultationStart = "consultation.start";
    public const string ConsultationClose = "consultation.close";
    public const string ConsultationMessage = "consultation.message";

    // Every FHIR API call, whatever its outcome (the booking itself is also recorded as appointment.book etc.).
    public const string FhirMetadata = "fhir.metadata";
    public const string FhirSlotSearch = "fhir.slot.search";
    public const string FhirPatientSearch = "fhir.patient.search";
    public const string FhirBook = "fhir.appointment.book";
    public const string FhirRead = "fhir.appointment.read";
    public const string FhirAmend = "fhir.appointment.amend";
    public const string FhirCancel = "fhir.appointment.cancel";
    public const string FhirAppointmentSearch = "fhir.appointment.search";
}
