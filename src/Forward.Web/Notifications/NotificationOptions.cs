using Forward.Domain.Notifications;

namespace Forward.Web.Notifications;

/// <summary>Forward:Notifications.</summary>
public sealed class NotificationOptions
{
    /// <summary>How long before the start the reminder is due.</summary>
    public double ReminderLeadHours { get; set; } = NotificationRules.DefaultReminderLead.TotalHours;

    /// <summary>A week: bookings open at most a fortnight ahead, so a longer lead would remind almost nobody.</summary>
    public const double MaxReminderLeadHours = 168;

    /// <summary>
    /// An hour: a reminder due at (or just before) the start is dropped as too late by the dispatcher, so a lead of 0 would
    /// remind nobody, and one under an hour leaves no time to get to the hub.
    /// </summary>
    public const double MinReminderLeadHours = NotificationRules.ShortestReminderLeadHours;

    /// <summary>A configured <see cref="ReminderLeadHours"/> that a reminder can be planned from.</summary>
    public static bool IsReminderLead(string? value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var hours)
        && hours is >= MinReminderLeadHours and <= MaxReminderLeadHours;

    /// <summary>Run the outbox dispatcher as a background service (tests turn it off and drive it directly).</summary>
    public bool DispatchInBackground { get; set; } = true;

    /// <summary>Seconds between dispatcher runs.</summary>
    public int PollSeconds { get; set; } = 30;

    public int BatchSize { get; set; } = 50;

    /// <summary>After this many attempts a message is marked Failed and no longer retried.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>How long a dispatcher's claim on a message lasts; a message whose claimant crashed is due again after it.</summary>
    public int ClaimMinutes { get; set; } = 5;

    /// <summary>
    /// How long one send may take before it is given up as failed (and retried later). Never more than half the claim,
    /// so a slow sender cannot still be sending when the claim ends and another dispatcher sends the message again.
    /// </summary>
    public int SendTimeoutSeconds { get; set; } = 60;

    /// <summary>An hour: the dispatcher looks for due messages at least this often.</summary>
    public const int MaxPollSeconds = 3600;

    /// <summary>A day: a message whose sender crashed is not sent again before its claim ends.</summary>
    public const int MaxClaimMinutes = 1440;

    /// <summary>
    /// What is wrong with the dispatcher's settings, or null. Each would otherwise surface only once Forward is running:
    /// no attempts marks every message Failed unsent, and the dispatcher would send nothing or stop.
    /// </summary>
    public string? Problem() =>
        PollSeconds is < 1 or > MaxPollSeconds ? $"Forward:Notifications:PollSeconds must be a whole number of seconds from 1 to {MaxPollSeconds}, or not set."
        : BatchSize < 1 ? "Forward:Notifications:BatchSize must be a whole number of at least 1, or not set."
        : MaxAttempts < 1 ? "Forward:Notifications:MaxAttempts must be a whole number of at least 1, or not set: with none, every message is marked Failed without being sent."
        : ClaimMinutes is < 1 or > MaxClaimMinutes ? $"Forward:Notifications:ClaimMinutes must be a whole number of minutes from 1 to {MaxClaimMinutes}, or not set."
        : SendTimeoutSeconds < 1 || SendTimeoutSeconds > ClaimMinutes * 30
            ? $"Forward:Notifications:SendTimeoutSeconds must be a whole number of seconds from 1 to {ClaimMinutes * 30}, half of Forward:Notifications:ClaimMinutes ({ClaimMinutes}), or not set: a send still running when the claim ends would be sent again by another dispatcher."
        : null;

    public TimeSpan SendLimit => TimeSpan.FromSeconds(Math.Clamp(SendTimeoutSeconds, 1, Math.Max(1, ClaimMinutes) * 30));

    /// <summary>The development sender's JSON-lines file; relative paths are under Forward:DataDirectory.</summary>
    public string OutboxFile { get; set; } = "notifications.jsonl";

    /// <summary>
    /// Where patients' cancel links point (scheme and host, no trailing slash). The default is where ./forward.sh run
    /// listens; outside Development and the tests it must be configured (see <see cref="IsPublicAddress"/>).
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>An absolute https address that is not this machine: what a link in a patient's text must point at.</summary>
    public static bool IsPublicAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && !uri.IsLoopback
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>
    /// The address calendar entries name as their organiser (ORGANIZER: iTIP requires one in a PUBLISH and a CANCEL,
    /// and a calendar takes a cancellation only from the organiser of the entry it holds). When not set, noreply at the
    /// host of <see cref="PublicBaseUrl"/>.
    /// </summary>
    public string? CalendarOrganizerEmail { get; set; }

    /// <summary>A bare address (name@host), as an ORGANIZER's mailto: takes it: no display name, no spaces.</summary>
    public static bool IsEmailAddress(string? value) =>
        System.Net.Mail.MailAddress.TryCreate(value?.Trim(), out var address) && address.Address == value!.Trim() && !address.Address.Any(char.IsWhiteSpace);

    public string CalendarOrganizer => !string.IsNullOrWhiteSpace(CalendarOrganizerEmail)
        ? CalendarOrganizerEmail.Trim()
        : "noreply@" + (Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) ? uri.Host : "localhost");

    /// <summary>Sender template ids, by "{Kind}{Channel}" (for example ReminderSms). GOV.UK Notify template ids in production.</summary>
    public Dictionary<string, string> Templates { get; } = [];

    public TimeSpan ReminderLead => TimeSpan.FromHours(ReminderLeadHours);

    public string TemplateFor(NotificationKind kind, NotificationChannel channel) =>
        Templates.TryGetValue($"{kind}{channel}", out var id) && !string.IsNullOrWhiteSpace(id)
            ? id
            : $"forward-{kind}-{channel}".ToLowerInvariant();
}
