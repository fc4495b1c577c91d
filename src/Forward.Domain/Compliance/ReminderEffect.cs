using Forward.Domain.Booking;

namespace Forward.Domain.Compliance;

/// <summary>Appointments whose outcome is known (attended or missed), and the share missed.</summary>
public sealed record AttendanceOutcomes(int Attended, int DidNotAttend)
{
    public static AttendanceOutcomes None { get; } = new(0, 0);

    public int WithOutcome => Attended + DidNotAttend;

    /// <summary>Missed ÷ (attended + missed); null when no appointment has an outcome yet.</summary>
    public decimal? DnaRate => WithOutcome == 0 ? null : (decimal)DidNotAttend / WithOutcome;

    public static AttendanceOutcomes operator +(AttendanceOutcomes left, AttendanceOutcomes right) => Add(left, right);

    public static AttendanceOutcomes Add(AttendanceOutcomes left, AttendanceOutcomes right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.Attended + right.Attended, left.DidNotAttend + right.DidNotAttend);
    }

    public AttendanceOutcomes Add(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Attended => this with { Attended = Attended + 1 },
        AppointmentStatus.DidNotAttend => this with { DidNotAttend = DidNotAttend + 1 },
        _ => this,
    };
}

/// <summary>
/// One hub's missed-appointment rate before and after it started sending reminders. <see cref="RemindersSinceUtc"/> is
/// the start of the first appointment at the hub that had a reminder sent; null means none has, so every appointment
/// counts as "before".
/// </summary>
public sealed record HubReminderEffect(int HubId, DateTime? RemindersSinceUtc, AttendanceOutcomes Before, AttendanceOutcomes After)
{
    /// <summary>After minus before, in rate points (negative is fewer missed appointments); null unless both have outcomes.</summary>
    public decimal? Change => (Before.DnaRate, After.DnaRate) is ({ } before, { } after) ? after - before : null;
}

/// <summary>
/// Did reminders cut missed appointments? Splits each hub's appointments at the moment its reminders began rather than
/// comparing reminded with unreminded patients, because within a hub that already sends reminders the unreminded ones
/// are unusual (booked the same day, no contact details) and would flatter the comparison.
/// </summary>
public static class ReminderEffect
{
    public static IReadOnlyList<HubReminderEffect> Assess(
        IEnumerable<int> hubIds, IEnumerable<BookedAppointment> appointments, IReadOnlyDictionary<int, DateTime> remindersSinceUtc)
    {
        ArgumentNullException.ThrowIfNull(hubIds);
        ArgumentNullException.ThrowIfNull(appointments);
        ArgumentNullException.ThrowIfNull(remindersSinceUtc);
        var effects = hubIds.Distinct().ToDictionary(
            id => id,
            id => new HubReminderEffect(id, remindersSinceUtc.TryGetValue(id, out var since) ? since : null, AttendanceOutcomes.None, AttendanceOutcomes.None));
        foreach (var appointment in appointments)
        {
            if (!effects.TryGetValue(appointment.HubId, out var effect))
            {
                continue;
            }

            effects[appointment.HubId] = effect.RemindersSinceUtc is { } since && appointment.StartUtc >= since
                ? effect with { After = effect.After.Add(appointment.Status) }
                : effect with { Before = effect.Before.Add(appointment.Status) };
        }

        return effects.Values.OrderBy(e => e.HubId).ToList();
    }
}
