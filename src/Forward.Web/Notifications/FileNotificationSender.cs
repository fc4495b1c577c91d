using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Forward.Web.Notifications;

/// <summary>
/// Development sender: appends one JSON line per message to a file under the data directory instead of sending it.
/// Like GOV.UK Notify, it de-duplicates by reference: a second send with a reference it already holds writes nothing and
/// returns the first id, so a re-send after a crash never reaches "the patient" twice. Logs carry ids only.
/// </summary>
public sealed partial class FileNotificationSender : INotificationSender, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ILogger<FileNotificationSender> logger;
    private readonly TimeProvider clock;
    private Dictionary<string, string>? sent;

    public FileNotificationSender(IOptions<NotificationOptions> options, IConfiguration configuration, IHostEnvironment environment, TimeProvider clock, ILogger<FileNotificationSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var dataDirectory = Path.GetFullPath(configuration["Forward:DataDirectory"] ?? "data", environment.ContentRootPath);
        FilePath = Path.GetFullPath(options.Value.OutboxFile, dataDirectory);
        this.clock = clock;
        this.logger = logger;
    }

    public string FilePath { get; }

    public Task<string> SendSmsAsync(string phoneNumber, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, CancellationToken cancellationToken = default) =>
        WriteAsync("sms", phoneNumber, templateId, personalisation, reference, [], cancellationToken);

    public Task<string> SendEmailAsync(string emailAddress, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, IReadOnlyList<NotificationAttachment> attachments, CancellationToken cancellationToken = default) =>
        WriteAsync("email", emailAddress, templateId, personalisation, reference, attachments, cancellationToken);

    /// <summary>The messages in the file, in order written.</summary>
    public async Task<IReadOnlyList<SentNotification>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await ReadFileAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<string> WriteAsync(string channel, string recipient, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, IReadOnlyList<NotificationAttachment> attachments, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recipient);
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        await gate.WaitAsync(ct);
        try
        {
            sent ??= (await ReadFileAsync(ct)).GroupBy(n => n.Reference).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
            if (sent.TryGetValue(reference, out var existing))
            {
                LogDuplicate(logger, reference, existing);
                return existing;
            }

            var id = Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);
            var line = new SentNotification(
                id,
                reference,
                channel,
                recipient,
                templateId,
                new Dictionary<string, string>(personalisation),
                attachments.Select(a => new SentAttachment(a.FileName, a.ContentType, Convert.ToBase64String(a.Content))).ToList(),
                clock.GetUtcNow().UtcDateTime);
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            // A line cut short by a crash or a cancelled write must not swallow this one: start on a line of its own.
            var separator = EndsMidLine() ? "\n" : string.Empty;
            await File.AppendAllTextAsync(FilePath, separator + JsonSerializer.Serialize(line, Json) + "\n", ct);
            sent[reference] = id;
            LogWritten(logger, channel, reference, id);
            return id;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<List<SentNotification>> ReadFileAsync(CancellationToken ct)
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        var list = new List<SentNotification>();
        var lineNumber = 0;
        foreach (var line in await File.ReadAllLinesAsync(FilePath, ct))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<SentNotification>(line, Json) is { } n)
                {
                    list.Add(n);
                }
            }
            catch (JsonException)
            {
                // A write cut short (the process killed mid-line): that message was never confirmed as sent, and the
                // outbox sends it again. Failing here instead would fail every send from now on.
                LogTornLine(logger, lineNumber);
            }
        }

        return list;
    }

    private bool EndsMidLine()
    {
        using var file = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length == 0)
        {
            return false;
        }

        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() != '\n';
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Development sender skipped line {LineNumber} of its file: not a whole message (a write cut short)")]
    private static partial void LogTornLine(ILogger logger, int lineNumber);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Development sender wrote {Channel} message {Reference} as {ProviderId}")]
    private static partial void LogWritten(ILogger logger, string channel, string reference, string providerId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Development sender already holds {Reference} as {ProviderId}; not written again")]
    private static partial void LogDuplicate(ILogger logger, string reference, string providerId);
}

/// <summary>One line of the development sender's file.</summary>
public sealed record SentNotification(string Id, string Reference, string Channel, string Recipient, string TemplateId, Dictionary<string, string> Personalisation, List<SentAttachment> Attachments, DateTime SentUtc);

public sealed record SentAttachment(string FileName, string ContentType, string Base64);
