using System.Text.Json;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Web.Hubs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Notifications;

/// <summary>
/// Sends due outbox messages: claim → send → mark sent. The claim (one conditional UPDATE) moves the message's due time
/// to the end of a short lease and counts the attempt, so a second dispatcher skips it. If the process dies after the
/// send and before the mark, the message is still Pending; when the lease ends it is sent again with the same reference
/// (its idempotency key), which the sender de-duplicates. So a crash never loses a message, and the sender never
/// delivers it twice. Failures back off (1, 2, 4 ... minutes) and give up as Failed after MaxAttempts. Logs carry ids,
/// kinds and error codes only.
/// </summary>
public sealed partial class OutboxDispatcher(IServiceScopeFactory scopes, TimeProvider clock, IOptions<NotificationOptions> options, ILogger<OutboxDispatcher> logger, DatabaseReadiness readiness) : BackgroundService
{
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Sends one batch of due messages; returns how many were sent.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var sender = scope.ServiceProvider.GetRequiredService<INotificationSender>();
        var now = Now;
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.DueUtc <= now)
            .OrderBy(m => m.DueUtc).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(Math.Max(1, options.Value.BatchSize))
            .ToListAsync(cancellationToken);
        var sent = 0;
        foreach (var id in due)
        {
            if (await DispatchOneAsync(db, sender, id, cancellationToken))
            {
                sent++;
            }
        }

        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Nothing to send before the database is migrated; if that fails, the app is stopping anyway.
        await readiness.WhenReady.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), clock);
        do
        {
            try
            {
                await DispatchDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The type only: an exception message could quote a recipient. Next tick tries again.
                LogRunFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>How long a reminder or confirmation for an appointment off its rota waits before it is looked at again.</summary>
    public static readonly TimeSpan OffRotaRecheck = TimeSpan.FromHours(1);

    private async Task<bool> DispatchOneAsync(ForwardDbContext db, INotificationSender sender, long id, CancellationToken ct)
    {
        var now = Now;
        var o = options.Value;
        var claimUntil = now.AddMinutes(Math.Max(1, o.ClaimMinutes));
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == id && m.Status == OutboxStatus.Pending && m.DueUtc <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DueUtc, claimUntil).SetProperty(m => m.Attempts, m => m.Attempts + 1), ct);
        if (claimed == 0)
        {
            return false;
        }

        var message = await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.Id == id, ct);
        if (message.Attempts > o.MaxAttempts)
        {
            // Claimed and lost (crashed) too often: stop rather than loop for ever.
            await FinishAsync(db, id, OutboxStatus.Failed, "too-many-attempts", now);
            LogGaveUp(logger, id, message.Kind, message.Channel, message.Attempts);
            return false;
        }

        if (message.Kind == NotificationKind.CancellationNotice && await ConfirmationWaitingAsync(db, message, ct) is { } confirmationDue)
        {
            // The patient hears of the booking before they hear it was cancelled: a confirmation still waiting (a failed
            // send backing off, or one being sent now) goes first, or "booked" would follow "cancelled". Not an attempt.
            await WaitBehindAsync(db, id, confirmationDue, now);
            return false;
        }

        if (message.Kind == NotificationKind.ConsultationMessage && Consultation.TriageService.BookedMessageKeyBefore(message.IdempotencyKey) is { } bookedKey)
        {
            // An online request's "cancelled" follows its "booked": held while that may still go out (waiting, or withdrawn
            // while the sender had it: its claim not yet over), sent once it has, dropped if it never was. Not an attempt.
            var booked = await db.OutboxMessages.AsNoTracking().Where(m => m.IdempotencyKey == bookedKey)
                .Select(m => new { m.Status, m.DueUtc }).FirstOrDefaultAsync(ct);
            if (booked is { Status: OutboxStatus.Pending } || booked is { Status: OutboxStatus.Cancelled } && booked.DueUtc > now)
            {
                await WaitBehindAsync(db, id, booked.DueUtc, now);
                return false;
            }

            if (booked is not { Status: OutboxStatus.Sent })
            {
                await FinishAsync(db, id, OutboxStatus.Cancelled, "booked-message-not-sent", now);
                LogSkipped(logger, id, message.Kind, message.Channel, "the booking it cancels was never told");
                return false;
            }
        }

        // Messages about an online consultation request have no appointment: nothing to re-check and nothing to attach.
        var appointment = message.AppointmentId is { } appointmentId
            ? await db.Appointments.AsNoTracking().Where(a => a.Id == appointmentId)
                .Select(a => new AppointmentFacts(a.Status, a.HubId, a.StartUtc, a.EndUtc, a.Mode, a.Hub!.Name, a.Hub.SiteName, a.Hub.Town))
                .FirstAsync(ct)
            : null;
        if (message.Kind == NotificationKind.Reminder && (appointment is null || appointment.Status != AppointmentStatus.Booked || appointment.StartUtc <= now))
        {
            await FinishAsync(db, id, OutboxStatus.Cancelled, "appointment-not-booked", now);
            LogSkipped(logger, id, message.Kind, message.Channel, "the appointment is no longer booked, or has started");
            return false;
        }

        if (message.Kind == NotificationKind.BookingConfirmation && appointment is { Status: AppointmentStatus.Booked } && appointment.StartUtc <= now)
        {
            // Held back (off the rota) or delayed until the start: "you are booked for 12:00" arriving after 12:00 helps nobody.
            await FinishAsync(db, id, OutboxStatus.Cancelled, "appointment-started", now);
            LogSkipped(logger, id, message.Kind, message.Channel, "the appointment has started");
            return false;
        }

        if (message.Kind == NotificationKind.BookingConfirmation && appointment is { Status: not AppointmentStatus.Booked })
        {
            // Cancelled while its confirmation waited (held back off the rota, or a failed send backing off): "booked"
            // now would only be followed by "cancelled", which its cancellation notice, waiting for this, says alone.
            // (An appointment already attended or missed has started, and needs no confirmation either.)
            await FinishAsync(db, id, OutboxStatus.Cancelled, "appointment-not-booked", now);
            LogSkipped(logger, id, message.Kind, message.Channel, "the appointment is no longer booked");
            return false;
        }

        if (message.Kind is NotificationKind.Reminder or NotificationKind.BookingConfirmation
            && (await OffRotaAppointments.AmongAsync(db, db.AppointmentSlots.Where(h => h.AppointmentId == message.AppointmentId), now, ct)).Count > 0)
        {
            // Its session was closed that day, stopped or changed after it was booked: a reminder, or a confirmation not
            // yet sent, would send the patient to a session that will not run as booked (the hub's day list marks it for
            // the hub to contact them). It waits and is looked at again, so a date reopened before the start still gets
            // its message; at the start it is dropped. Not an attempt.
            var again = now.Add(OffRotaRecheck);
            await db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.DueUtc, again).SetProperty(m => m.Attempts, m => m.Attempts - 1).SetProperty(m => m.LastError, "appointment-off-rota"), CancellationToken.None);
            LogSkipped(logger, id, message.Kind, message.Channel, "the appointment is not on its session's rota now; looked at again later");
            return false;
        }

        if (message.Kind == NotificationKind.Reminder && appointment is not null
            && NotificationRules.ReminderSendableFrom(now, appointment.StartUtc) is var sendable && sendable != now)
        {
            // Due in the night: sent late, after a restart, a failed send's back-off or an off-rota hold. Planned
            // reminders keep out of the night (NotificationRules.ReminderDue), and so do late ones. Not an attempt.
            if (sendable is { } morning)
            {
                await db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.DueUtc, morning).SetProperty(m => m.Attempts, m => m.Attempts - 1).SetProperty(m => m.LastError, "night"), CancellationToken.None);
                LogSkipped(logger, id, message.Kind, message.Channel, "it is night in London; sent when the night ends");
            }
            else
            {
                await FinishAsync(db, id, OutboxStatus.Cancelled, "night-too-near-start", now);
                LogSkipped(logger, id, message.Kind, message.Channel, "it is night in London and the night ends too near the start");
            }

            return false;
        }

        string providerId;
        using var sendLimit = new CancellationTokenSource(o.SendLimit, clock);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(ct, sendLimit.Token);
        try
        {
            var personalisation = JsonSerializer.Deserialize<Dictionary<string, string>>(message.Personalisation) ?? [];
            if (appointment is not null)
            {
                WhereAsItStands(personalisation, appointment);
            }

            if (message.Channel == NotificationChannel.Sms)
            {
                providerId = await sender.SendSmsAsync(message.Recipient, message.TemplateId, personalisation, message.IdempotencyKey, sending.Token);
            }
            else
            {
                // A confirmation carries the calendar entry to add (one whose appointment was cancelled is not sent); the
                // cancellation notice carries the one that takes it out again.
                var calendar = (message.Kind, appointment?.Status) switch
                {
                    (NotificationKind.BookingConfirmation, AppointmentStatus.Booked) => false,
                    (NotificationKind.CancellationNotice, AppointmentStatus.Cancelled) => true,
                    _ => (bool?)null,
                };
                IReadOnlyList<NotificationAttachment> attachments = calendar is { } cancelled && appointment is not null
                    ? [AppointmentCalendar.Attachment(message.AppointmentId!.Value, appointment.StartUtc, appointment.EndUtc, appointment.Mode, appointment.HubName, Hub.Address(appointment.SiteName, appointment.Town), o.CalendarOrganizer, message.CreatedUtc, cancelled)]
                    : [];
                providerId = await sender.SendEmailAsync(message.Recipient, message.TemplateId, personalisation, message.IdempotencyKey, attachments, sending.Token);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // A send past its limit, or a sender's own time-out (an HttpClient's), failed like any other send; only the
            // host stopping is not a failure: the message stays claimed and is sent again when the claim ends.
            var error = ex switch
            {
                OperationCanceledException => "send-timed-out",
                NotificationSendException send => send.Code,
                _ => ex.GetType().Name,
            };
            var giveUp = message.Attempts >= o.MaxAttempts;
            await db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.Status, giveUp ? OutboxStatus.Failed : OutboxStatus.Pending)
                        .SetProperty(m => m.LastError, Truncate(error))
                        .SetProperty(m => m.DueUtc, now + NotificationRules.Backoff(message.Attempts)),
                    CancellationToken.None);
            LogSendFailed(logger, id, message.Kind, message.Channel, message.Attempts, error, giveUp);
            return false;
        }

        // Not cancellable: once the sender has the message, record it even if the host is stopping.
        var sentAt = Now;
        await db.InTransactionAsync(
            async token =>
            {
                if (message.Kind == NotificationKind.Reminder && appointment is not null)
                {
                    // The hub before the message, as a cancellation takes them (hub, then its reminders): taken the other
                    // way round, a reminder marked sent while its appointment is cancelled would deadlock the two.
                    await ComplianceDayStore.LockHubsAsync(db, [appointment.HubId], token);
                }

                // Sent is what happened, even if the appointment was cancelled while the sender had the message (its
                // reminder then withdrawn): the record must say the patient got it.
                var marked = await MarkSentAsync(db, message, sentAt, Truncate(providerId), token);
                if (marked == 1 && message.Kind == NotificationKind.Reminder && appointment is not null)
                {
                    // With the mark, so the hub's "reminders since" never misses a sent reminder.
                    var start = appointment.StartUtc;
                    await db.Hubs.Where(h => h.Id == appointment.HubId && (h.RemindersSinceUtc == null || h.RemindersSinceUtc > start))
                        .ExecuteUpdateAsync(s => s.SetProperty(h => h.RemindersSinceUtc, start), token);
                }
            },
            CancellationToken.None);
        LogSent(logger, id, message.Kind, message.Channel, message.Attempts, providerId);
        return true;
    }

    /// <summary>
    /// Marks the message sent to the recipient it was sent to. A patient who gave a new mobile while the sender had the
    /// text (<see cref="NotificationScheduler.ReaddressTextsAsync"/>) changed the waiting row's recipient: the record keeps
    /// where the text really went, and the new number gets a copy of its own, under a key of its own (the sender drops a
    /// reference it has had). Compared and set, so a number changed again meanwhile is not missed. Returns the rows marked.
    /// </summary>
    private static async Task<int> MarkSentAsync(ForwardDbContext db, OutboxMessage message, DateTime sentAt, string providerId, CancellationToken ct)
    {
        var mine = db.OutboxMessages.Where(m => m.Id == message.Id && (m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Cancelled));
        for (var tries = 0; ; tries++)
        {
            var stored = await mine.Select(m => new { m.Recipient, m.Status }).FirstOrDefaultAsync(ct);
            if (stored is null)
            {
                return 0;
            }

            var marked = await mine.Where(m => m.Recipient == stored.Recipient || tries >= 3)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(m => m.Status, OutboxStatus.Sent).SetProperty(m => m.SentUtc, sentAt).SetProperty(m => m.Recipient, message.Recipient)
                        .SetProperty(m => m.ProviderReference, providerId).SetProperty(m => m.LastError, (string?)null),
                    ct);
            if (marked == 0)
            {
                continue;
            }

            if (stored.Status == OutboxStatus.Pending && stored.Recipient != message.Recipient)
            {
                db.OutboxMessages.Add(message.Copy(FormattableString.Invariant($"{message.Id}:readdressed-{sentAt.Ticks}"), sentAt, recipient: stored.Recipient));
                await db.SaveChangesAsync(ct);
            }

            return marked;
        }
    }

    /// <summary>
    /// Puts a claimed message back to wait until just after the message it must follow is next due (or now, if that is
    /// already past); the claim was not an attempt.
    /// </summary>
    private static Task<int> WaitBehindAsync(ForwardDbContext db, long id, DateTime aheadDueUtc, DateTime now)
    {
        var after = (aheadDueUtc > now ? aheadDueUtc : now).AddSeconds(1);
        return db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.DueUtc, after).SetProperty(m => m.Attempts, m => m.Attempts - 1), CancellationToken.None);
    }

    /// <summary>When the same appointment's confirmation on the same channel is next due, if it has not been sent or given up.</summary>
    private static Task<DateTime?> ConfirmationWaitingAsync(ForwardDbContext db, OutboxMessage notice, CancellationToken ct) =>
        db.OutboxMessages.AsNoTracking()
            .Where(m => m.AppointmentId == notice.AppointmentId && m.Kind == NotificationKind.BookingConfirmation && m.Channel == notice.Channel && m.Status == OutboxStatus.Pending)
            .Select(m => (DateTime?)m.DueUtc)
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// Says where the appointment is as the hub's record stands when the message goes, as its calendar entry does: the
    /// words were saved at booking, up to a fortnight before a reminder, and a hub's address put right since (a seed note
    /// once stood as 18 hubs' site) would otherwise reach the patient as it was.
    /// </summary>
    private static void WhereAsItStands(Dictionary<string, string> personalisation, AppointmentFacts appointment)
    {
        var current = AppointmentMessage.Placeholders(appointment.HubName, Hub.Address(appointment.SiteName, appointment.Town), appointment.Mode, appointment.StartUtc);
        foreach (var key in PlaceKeys.Where(personalisation.ContainsKey))
        {
            personalisation[key] = current[key];
        }
    }

    private static readonly string[] PlaceKeys = ["hub_address", "how_seen"];

    private sealed record AppointmentFacts(AppointmentStatus Status, int HubId, DateTime StartUtc, DateTime EndUtc, DeliveryMode Mode, string HubName, string? SiteName, string? Town);

    private static Task<int> FinishAsync(ForwardDbContext db, long id, OutboxStatus status, string error, DateTime now) =>
        db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, status).SetProperty(m => m.LastError, error).SetProperty(m => m.DueUtc, now), CancellationToken.None);

    private static string Truncate(string value) => value.Length <= OutboxMessage.MaxErrorLength ? value : value[..OutboxMessage.MaxErrorLength];

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Outbox message {MessageId} ({Kind}, {Channel}) sent on attempt {Attempt} as {ProviderId}")]
    private static partial void LogSent(ILogger logger, long messageId, NotificationKind kind, NotificationChannel channel, int attempt, string providerId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Kind}, {Channel}) attempt {Attempt} failed: {Error}; given up: {GaveUp}")]
    private static partial void LogSendFailed(ILogger logger, long messageId, NotificationKind kind, NotificationChannel channel, int attempt, string error, bool gaveUp);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Kind}, {Channel}) failed after {Attempts} attempts")]
    private static partial void LogGaveUp(ILogger logger, long messageId, NotificationKind kind, NotificationChannel channel, int attempts);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Outbox message {MessageId} ({Kind}, {Channel}) not sent: {Reason}")]
    private static partial void LogSkipped(ILogger logger, long messageId, NotificationKind kind, NotificationChannel channel, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Outbox dispatch run failed: {ErrorType}")]
    private static partial void LogRunFailed(ILogger logger, string errorType);
}
