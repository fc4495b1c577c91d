namespace Forward.Domain.Notifications;

public enum NotificationKind
{
    BookingConfirmation,
    Reminder,
    CancellationNotice,

    /// <summary>"We have your online request": its reference and when the practice will reply.</summary>
    ConsultationAcknowledgement,

    /// <summary>A message practice staff wrote to the patient about their online request.</summary>
    ConsultationMessage,
}

public enum NotificationChannel
{
    Sms,
    Email,
}

public enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
    Cancelled,
}

/// <summary>
/// A message to a patient, written in the same transaction as the booking or cancellation that caused it, and sent
/// later by the dispatcher. It stays Pending until the sender has accepted it, so a crash never loses it; the
/// idempotency key goes to the sender as the reference, so a re-send after a crash is recognised and not sent twice.
/// </summary>
public class OutboxMessage
{
    public const int MaxRecipientLength = 200;
    public const int MaxErrorLength = 200;

    public long Id { get; set; }

    public NotificationKind Kind { get; set; }

    public NotificationChannel Channel { get; set; }

    /// <summary>The appointment the message is about; null for messages about an online consultation request.</summary>
    public long? AppointmentId { get; set; }

    /// <summary>The online consultation request the message is about; null for appointment messages.</summary>
    public long? ConsultationRequestId { get; set; }

    /// <summary>The sender's template (GOV.UK Notify template id).</summary>
    public required string TemplateId { get; set; }

    /// <summary>JSON object of the template's placeholders: hub, date, time, cancel link. Never names or clinical detail.</summary>
    public required string Personalisation { get; set; }

    /// <summary>Phone number or email address.</summary>
    public required string Recipient { get; set; }

    /// <summary>When the message may be sent. While a dispatcher holds a claim, the end of the claim.</summary>
    public DateTime DueUtc { get; set; }

    public OutboxStatus Status { get; set; }

    /// <summary>Sending attempts started (claims), including ones cut short by a crash.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last attempt failed: an error code or exception type, never a message that could hold patient data.</summary>
    public string? LastError { get; set; }

    public DateTime CreatedUtc { get; set; }

    public DateTime? SentUtc { get; set; }

    /// <summary>
    /// "{appointmentId}:{kind}:{channel}" (or "consultation-{id}:..." for a request), unique: at most one of each message
    /// per appointment or request.
    /// </summary>
    public required string IdempotencyKey { get; set; }

    /// <summary>The sender's id for the message once accepted.</summary>
    public string? ProviderReference { get; set; }

    /// <summary>
    /// A new message like this one, due now, under its own key (the sender drops a reference it has had): to another
    /// recipient, or with other placeholders.
    /// </summary>
    public OutboxMessage Copy(string idempotencyKey, DateTime nowUtc, string? recipient = null, string? personalisation = null) => new()
    {
        Kind = Kind,
        Channel = Channel,
        AppointmentId = AppointmentId,
        ConsultationRequestId = ConsultationRequestId,
        TemplateId = TemplateId,
        Personalisation = personalisation ?? Personalisation,
        Recipient = recipient ?? Recipient,
        DueUtc = nowUtc,
        Status = OutboxStatus.Pending,
        CreatedUtc = nowUtc,
        IdempotencyKey = idempotencyKey,
    };

    public static string KeyFor(long appointmentId, NotificationKind kind, NotificationChannel channel) =>
        FormattableString.Invariant($"{appointmentId}:{kind}:{channel}");

    public static string KeyForConsultation(long consultationRequestId, NotificationKind kind, NotificationChannel channel) =>
        FormattableString.Invariant($"consultation-{consultationRequestId}:{kind}:{channel}");
}
