namespace Forward.Web.Notifications;

/// <summary>A file sent with an email (GOV.UK Notify sends files by link; the development sender stores them).</summary>
public sealed record NotificationAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Sends text messages and emails, modelled on GOV.UK Notify: a template id plus personalisation, and a reference that
/// is the outbox idempotency key. A sender must treat a second send with the same reference as the same message
/// (return the first provider id, send nothing), which is what makes a re-send after a crash safe.
/// </summary>
public interface INotificationSender
{
    /// <returns>The provider's id for the message.</returns>
    Task<string> SendSmsAsync(string phoneNumber, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, CancellationToken cancellationToken = default);

    /// <returns>The provider's id for the message.</returns>
    Task<string> SendEmailAsync(string emailAddress, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, IReadOnlyList<NotificationAttachment> attachments, CancellationToken cancellationToken = default);
}

/// <summary>A send the provider refused. <see cref="Code"/> is safe to store and log: it never holds patient data.</summary>
public sealed class NotificationSendException(string code, Exception? inner = null) : Exception($"Notification send failed: {code}", inner)
{
    public string Code { get; } = code;
}
