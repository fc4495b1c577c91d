using Forward.Domain.Patients;
using Forward.Domain.Time;

namespace Forward.Domain.Notifications;

/// <summary>How to reach a patient: either may be missing, and the phone may be a landline.</summary>
public sealed record PatientContact(string? Phone, string? Email)
{
    /// <summary>
    /// Texts only to a UK mobile, in its normalised form: Notify refuses any other number, and a message queued to one
    /// would fail after the booker was told it would arrive. A landline stays on the record for the hub to call.
    /// </summary>
    public IEnumerable<(NotificationChannel Channel, string Recipient)> Channels()
    {
        if (UkPhoneNumber.Mobile(Phone) is { } mobile)
        {
            yield return (NotificationChannel.Sms, mobile);
        }

        if (!string.IsNullOrWhiteSpace(Email))
        {
            yield return (NotificationChannel.Email, Email.Trim());
        }
    }
}

/// <summary>A message the rules say should be sent, before templates and personalisation are filled in.</summary>
public sealed record PlannedMessage(NotificationKind Kind, NotificationChannel Channel, string Recipient, DateTime DueUtc);

/// <summary>When patients hear from Forward. Pure: the caller turns the plan into outbox rows.</summary>
public static class NotificationRules
{
    public static readonly TimeSpan DefaultReminderLead = TimeSpan.FromHours(24);

    /// <summary>
    /// On booking: a confirmation now on every channel the patient has, and a reminder <paramref name="reminderLead"/>
    /// before the start (<see cref="ReminderDue"/>), unless that moment has already passed (a booking for this evening gets the confirmation only).
    /// </summary>
    public static IReadOnlyList<PlannedMessage> OnBooking(DateTime startUtc, PatientContact contact, DateTime nowUtc, TimeSpan reminderLead)
    {
        ArgumentNullException.ThrowIfNull(contact);
        if (reminderLead < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(reminderLead), "The reminder lead cannot be negative.");
        }

        var plan = new List<PlannedMessage>();
        foreach (var (channel, recipient) in contact.Channels())
        {
            plan.Add(new PlannedMessage(NotificationKind.BookingConfirmation, channel, recipient, nowUtc));
            if (Reminder(startUtc, channel, recipient, nowUtc, reminderLead) is { } reminder)
            {
                plan.Add(reminder);
            }
        }

        return plan;
    }

    /// <summary>
    /// The reminder for an appointment starting at <paramref name="startUtc"/>, due at <see cref="ReminderDue"/>; none once
    /// that moment has passed, as a late reminder would arrive too close to the start to help.
    /// </summary>
    public static PlannedMessage? Reminder(DateTime startUtc, NotificationChannel channel, string recipient, DateTime nowUtc, TimeSpan reminderLead)
    {
        var due = ReminderDue(startUtc, reminderLead);
        return due > nowUtc ? new PlannedMessage(NotificationKind.Reminder, channel, recipient, due) : null;
    }

    /// <summary>Reminders are not sent at night: after this London time ...</summary>
    public static readonly TimeOnly NightFrom = new(21, 0);

    /// <summary>... until this one the next morning.</summary>
    public static readonly TimeOnly NightUntil = new(8, 0);

    /// <summary>The shortest lead a reminder may have: one any later leaves no time to get to the hub.</summary>
    public const double ShortestReminderLeadHours = 1;

    /// <summary>
    /// When the reminder for an appointment starting at <paramref name="startUtc"/> is due: <paramref name="reminderLead"/>
    /// before it, unless that falls in the night (after <see cref="NightFrom"/>, before <see cref="NightUntil"/>, London time), as it
    /// does for an early-morning or overnight session. Then it goes when the night ends, or, when that would leave less
    /// than <see cref="ShortestReminderLeadHours"/> before the start, when the night begins, the evening before.
    /// </summary>
    public static DateTime ReminderDue(DateTime startUtc, TimeSpan reminderLead)
    {
        var due = startUtc - reminderLead;
        var local = London.ToLocal(due);
        var time = TimeOnly.FromDateTime(local);
        if (time >= NightUntil && time <= NightFrom)
        {
            return due;
        }

        // The night holding `due` began on the evening of `nightOf` and ends the next morning. Neither 21:00 nor 08:00
        // falls in a clock change's skipped or repeated hour in the UK.
        var nightOf = DateOnly.FromDateTime(local).AddDays(time < NightUntil ? -1 : 0);
        var morning = London.ToUtc(nightOf.AddDays(1), NightUntil)!.Value;
        return morning <= startUtc - TimeSpan.FromHours(ShortestReminderLeadHours)
            ? morning
            : London.ToUtc(nightOf, NightFrom)!.Value;
    }

    /// <summary>
    /// How long after <see cref="NightFrom"/> a reminder still goes: one planned for 21:00 (<see cref="ReminderDue"/>'s
    /// evening before) is picked up by the dispatcher a moment later, and must not count as sent at night.
    /// </summary>
    public static readonly TimeSpan NightSendingSlack = TimeSpan.FromMinutes(10);

    /// <summary>
    /// When a reminder falling due at <paramref name="nowUtc"/> may go: now in the day (until <see cref="NightFrom"/>
    /// and its <see cref="NightSendingSlack"/>); in the night (a reminder sent late, after a restart, a failed send or a
    /// hold while its appointment was off the rota), when the night ends, as <see cref="ReminderDue"/> would have planned
    /// it; or never (null) when that leaves less than <see cref="ShortestReminderLeadHours"/> before the start, as the
    /// evening before has passed.
    /// </summary>
    public static DateTime? ReminderSendableFrom(DateTime nowUtc, DateTime startUtc)
    {
        var local = London.ToLocal(nowUtc);
        var time = TimeOnly.FromDateTime(local);
        if (time >= NightUntil && time <= NightFrom.Add(NightSendingSlack))
        {
            return nowUtc;
        }

        var morning = London.ToUtc(DateOnly.FromDateTime(local).AddDays(time < NightUntil ? 0 : 1), NightUntil)!.Value;
        return morning <= startUtc - TimeSpan.FromHours(ShortestReminderLeadHours) ? morning : null;
    }

    /// <summary>
    /// On cancellation: pending reminders for the appointment are cancelled (in <paramref name="existing"/>), and a
    /// cancellation notice is planned for now on every channel the patient has that has no notice yet.
    /// </summary>
    public static IReadOnlyList<PlannedMessage> OnCancellation(IEnumerable<OutboxMessage> existing, PatientContact contact, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(contact);
        var messages = existing.ToList();
        foreach (var m in messages.Where(m => m.Kind == NotificationKind.Reminder && m.Status == OutboxStatus.Pending))
        {
            m.Status = OutboxStatus.Cancelled;
        }

        return contact.Channels()
            .Where(c => !messages.Any(m => m.Kind == NotificationKind.CancellationNotice && m.Channel == c.Channel))
            .Select(c => new PlannedMessage(NotificationKind.CancellationNotice, c.Channel, c.Recipient, nowUtc))
            .ToList();
    }

    /// <summary>Wait before retrying after the given number of attempts: 1, 2, 4 ... minutes, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, attempts - 1))));
}
