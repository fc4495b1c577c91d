using System.Text.Json;
using Forward.Data;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Patients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Notifications;

/// <summary>
/// Turns bookings and cancellations into outbox rows for the caller's unit of work, before the caller saves: the
/// messages commit or roll back with the change that caused them. It never saves and never sends.
/// </summary>
public sealed class NotificationScheduler(ForwardDbContext db, TimeProvider clock, IOptions<NotificationOptions> options, PatientCancelLinks links)
{
    /// <summary>
    /// The confirmation and reminder rows for a new appointment at <paramref name="hub"/>, which the booking has loaded
    /// already, for the caller to write in its transaction (the booking writer inserts them without EF's change tracking).
    /// </summary>
    public List<OutboxMessage> PlanBooking(Appointment appointment, HubPlace hub, string? phone, string? email)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        ArgumentNullException.ThrowIfNull(hub);
        var now = clock.GetUtcNow().UtcDateTime;
        var plan = NotificationRules.OnBooking(appointment.StartUtc, new PatientContact(phone, email), now, options.Value.ReminderLead);
        var cancelUrl = plan.Count > 0 ? links.CreateUrl(appointment.Id, appointment.StartUtc) : null;
        return [.. plan.Select(p => Message(appointment.Id, p, Personalisation(appointment, hub, cancelUrl), now))];
    }

    /// <summary>
    /// A patient who gives a new number is texted there from now on, about all their appointments: a reminder still
    /// waiting for the old number (perhaps given up, and passed to someone else) would carry a working cancel link to it.
    /// A number that is no mobile withdraws the texts still waiting. A mobile puts back the reminders a landline withdrew
    /// and plans those the patient never had (booked with a landline or no number), as booking would have, for the
    /// caller to insert in its transaction; the changes to waiting texts are made at once, in the caller's transaction.
    /// </summary>
    public async Task<List<OutboxMessage>> ReaddressTextsAsync(int patientId, string? phone, CancellationToken ct)
    {
        var texts = db.OutboxMessages.Where(m => m.Channel == NotificationChannel.Sms
            && db.Appointments.Any(a => a.Id == m.AppointmentId && a.PatientId == patientId));
        if (UkPhoneNumber.Mobile(phone) is not { } mobile)
        {
            await texts.Where(m => m.Status == OutboxStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Cancelled).SetProperty(m => m.LastError, PhoneNoLongerMobile), ct);
            return [];
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await texts.Where(m => m.Status == OutboxStatus.Pending).ExecuteUpdateAsync(u => u.SetProperty(m => m.Recipient, mobile), ct);
        await texts.Where(m => m.Status == OutboxStatus.Cancelled && m.LastError == PhoneNoLongerMobile && m.Kind == NotificationKind.Reminder && m.DueUtc > now
                && db.Appointments.Any(a => a.Id == m.AppointmentId && a.Status == AppointmentStatus.Booked))
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Recipient, mobile).SetProperty(m => m.LastError, (string?)null), ct);

        var lead = options.Value.ReminderLead;
        var earliestStart = now + lead;
        var unreminded = await db.Appointments.AsNoTracking()
            .Where(a => a.PatientId == patientId && a.Status == AppointmentStatus.Booked && a.StartUtc > earliestStart
                && !db.OutboxMessages.Any(m => m.AppointmentId == a.Id && m.Kind == NotificationKind.Reminder && m.Channel == NotificationChannel.Sms))
            .Select(a => new { Appointment = a, Hub = new HubPlace(a.Hub!.Name, a.Hub.SiteName, a.Hub.Town) })
            .ToListAsync(ct);
        return
        [
            .. unreminded.Select(x => NotificationRules.Reminder(x.Appointment.StartUtc, NotificationChannel.Sms, mobile, now, lead) is { } reminder
                ? Message(x.Appointment.Id, reminder, Personalisation(x.Appointment, x.Hub, links.CreateUrl(x.Appointment.Id, x.Appointment.StartUtc)), now)
                : null).OfType<OutboxMessage>(),
        ];
    }

    /// <summary>Why a text was withdrawn when the patient's number stopped being a mobile; such reminders may be put back.</summary>
    public const string PhoneNoLongerMobile = "patient-phone-changed";

    /// <summary>
    /// Queues the cancellation notices and returns the work that withdraws the appointment's pending reminders, to run in
    /// the cancellation's transaction. The reminders are withdrawn there only if still pending: the dispatcher may be
    /// sending one at this moment, and a reminder it has sent must stay recorded as sent.
    /// </summary>
    public async Task<Func<CancellationToken, Task>> ScheduleCancellationAsync(Appointment appointment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await db.OutboxMessages.AsNoTracking().Where(m => m.AppointmentId == appointment.Id).ToListAsync(cancellationToken);
        var pendingBefore = existing.Where(m => m.Status == OutboxStatus.Pending).Select(m => m.Id).ToHashSet();
        var contact = await db.Patients.Where(p => p.Id == appointment.PatientId)
            .Select(p => new PatientContact(p.Phone, p.Email)).FirstOrDefaultAsync(cancellationToken) ?? new PatientContact(null, null);
        var plan = NotificationRules.OnCancellation(existing, contact, now);
        var withdrawn = existing.Where(m => pendingBefore.Contains(m.Id) && m.Status == OutboxStatus.Cancelled).Select(m => m.Id).ToList();
        if (plan.Count > 0)
        {
            var hub = await HubAsync(appointment.HubId, cancellationToken);
            foreach (var p in plan)
            {
                Add(appointment.Id, p, Personalisation(appointment, hub, cancelUrl: null), now);
            }
        }
        else if (!contact.Channels().Any())
        {
            withdrawn.AddRange(await TellRequestContactsOfCancellationAsync(appointment, now, cancellationToken));
        }

        return async ct =>
        {
            if (withdrawn.Count > 0)
            {
                await db.OutboxMessages.Where(m => withdrawn.Contains(m.Id) && m.Status == OutboxStatus.Pending)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Cancelled), ct);
            }
        };
    }

    /// <summary>
    /// A patient with no mobile or email on record, booked from an online request, was told of the booking through the
    /// contacts the request gave (<see cref="Consultation.TriageService"/>): they are told of its cancellation the same
    /// way, to the same addresses, so nobody goes to, or waits for, an appointment that is not there. A booking message
    /// not yet sent is withdrawn (its ids are returned for the cancellation's transaction to withdraw while still
    /// pending, as reminders are), but it may be with the sender at this moment and go out all the same; so the
    /// cancellation is queued for it too, and the dispatcher holds it until the booking message is sent, and drops it
    /// if that never is (<see cref="OutboxDispatcher"/>): "cancelled" never comes before "booked", nor "booked" alone.
    /// </summary>
    private async Task<List<long>> TellRequestContactsOfCancellationAsync(Appointment appointment, DateTime now, CancellationToken ct)
    {
        var requestIds = await db.ConsultationRequests.AsNoTracking().Where(r => r.BookedAppointmentId == appointment.Id).Select(r => r.Id).ToListAsync(ct);
        if (requestIds.Count == 0)
        {
            return [];
        }

        var bookedSuffix = ":" + Consultation.TriageService.BookedMessageKey(appointment.Id);
        var told = (await db.OutboxMessages.AsNoTracking()
                .Where(m => m.Kind == NotificationKind.ConsultationMessage && m.ConsultationRequestId != null && requestIds.Contains(m.ConsultationRequestId.Value))
                .ToListAsync(ct))
            .Where(m => m.IdempotencyKey.EndsWith(bookedSuffix, StringComparison.Ordinal))
            .ToList();
        var toFollow = told.Where(m => m.Status is OutboxStatus.Sent or OutboxStatus.Pending).ToList();
        if (toFollow.Count > 0)
        {
            var hub = await HubAsync(appointment.HubId, ct);
            QueueCancelledFromRequest(toFollow, bookedSuffix, AppointmentMessage.CancelledFromRequest(appointment.Mode, hub.Name, appointment.StartUtc), appointment.Id, now);
        }

        return [.. told.Where(m => m.Status == OutboxStatus.Pending).Select(m => m.Id)];
    }

    private void QueueCancelledFromRequest(List<OutboxMessage> told, string bookedSuffix, string text, long appointmentId, DateTime now)
    {
        foreach (var booked in told)
        {
            var personalisation = JsonSerializer.Deserialize<Dictionary<string, string>>(booked.Personalisation) ?? [];
            personalisation["message"] = text;
            db.OutboxMessages.Add(booked.Copy(
                booked.IdempotencyKey[..^bookedSuffix.Length] + ":" + Consultation.TriageService.CancelledMessageKey(appointmentId),
                now,
                personalisation: JsonSerializer.Serialize(personalisation)));
        }
    }

    private void Add(long appointmentId, PlannedMessage p, Dictionary<string, string> personalisation, DateTime now) =>
        db.OutboxMessages.Add(Message(appointmentId, p, personalisation, now));

    private OutboxMessage Message(long appointmentId, PlannedMessage p, Dictionary<string, string> personalisation, DateTime now) =>
        new()
        {
            Kind = p.Kind,
            Channel = p.Channel,
            AppointmentId = appointmentId,
            TemplateId = options.Value.TemplateFor(p.Kind, p.Channel),
            Personalisation = JsonSerializer.Serialize(personalisation),
            Recipient = p.Recipient,
            DueUtc = p.DueUtc,
            Status = OutboxStatus.Pending,
            CreatedUtc = now,
            IdempotencyKey = OutboxMessage.KeyFor(appointmentId, p.Kind, p.Channel),
        };

    /// <summary>The hub from the unit of work if the caller has it loaded, else from the database.</summary>
    private async Task<HubPlace> HubAsync(int hubId, CancellationToken ct)
    {
        var hub = await db.Hubs.FindAsync([hubId], ct) ?? throw new InvalidOperationException($"Hub {hubId} does not exist.");
        return new HubPlace(hub.Name, hub.SiteName, hub.Town);
    }

    /// <summary>Only what the templates show (<see cref="AppointmentMessage.Placeholders"/>), and the cancel link. No name, NHS number or reason.</summary>
    private static Dictionary<string, string> Personalisation(Appointment appointment, HubPlace hub, string? cancelUrl)
    {
        var values = AppointmentMessage.Placeholders(hub.Name, hub.Location, appointment.Mode, appointment.StartUtc);
        if (cancelUrl is not null)
        {
            values["cancel_url"] = cancelUrl;
        }

        return values;
    }

    /// <summary>Where the messages say the appointment is.</summary>
    public sealed record HubPlace(string Name, string? SiteName, string? Town)
    {
        public string Location => Hub.Address(SiteName, Town);
    }
}
