using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Time;

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
        var list = appointments.ToList();
        var firstDays = remindersSinceUtc.ToDictionary(
            r => r.Key,
            r =>
            {
                var date = London.DateOf(r.Value);
                return Split(list.Where(a => a.HubId == r.Key && London.DateOf(a.StartUtc) == date).Select(a => (a.StartUtc, a.Status)), r.Value);
            });
        return Assess(hubIds, ComplianceDaySummaries.Appointments(list, BankHolidayCalendar.England), remindersSinceUtc, firstDays);
    }

    /// <summary>
    /// The same from appointment day summaries: days before the London date a hub's reminders began count as before,
    /// days after it as after, and that date itself — the only one a day summary cannot split — comes already split at
    /// the instant in <paramref name="firstDaySplit"/> (from that day's appointments).
    /// </summary>
    public static IReadOnlyList<HubReminderEffect> Assess(
        IEnumerable<int> hubIds,
        IEnumerable<AppointmentDay> days,
        IReadOnlyDictionary<int, DateTime> remindersSinceUtc,
        IReadOnlyDictionary<int, (AttendanceOutcomes Before, AttendanceOutcomes After)> firstDaySplit)
    {
        ArgumentNullException.ThrowIfNull(hubIds);
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(remindersSinceUtc);
        ArgumentNullException.ThrowIfNull(firstDaySplit);
        var effects = hubIds.Distinct().ToDictionary(
            id => id,
            id => new HubReminderEffect(id, remindersSinceUtc.TryGetValue(id, out var since) ? since : null, AttendanceOutcomes.None, AttendanceOutcomes.None));
        var firstDates = remindersSinceUtc.ToDictionary(r => r.Key, r => London.DateOf(r.Value));
        foreach (var day in days)
        {
            if (!effects.TryGetValue(day.HubId, out var effect))
            {
                continue;
            }

            var outcomes = new AttendanceOutcomes(day.Parts.Attended, day.Parts.DidNotAttend);
            if (!firstDates.TryGetValue(day.HubId, out var first) || day.Date < first)
            {
                effects[day.HubId] = effect with { Before = effect.Before + outcomes };
            }
            else if (day.Date > first)
            {
                effects[day.HubId] = effect with { After = effect.After + outcomes };
            }
        }

        foreach (var (hubId, split) in firstDaySplit.Where(s => effects.ContainsKey(s.Key) && remindersSinceUtc.ContainsKey(s.Key)))
        {
            var effect = effects[hubId];
            effects[hubId] = effect with { Before = effect.Before + split.Before, After = effect.After + split.After };
        }

        return effects.Values.OrderBy(e => e.HubId).ToList();
    }

    /// <summary>Outcomes of appointments before the instant, and from it on (exactly at it counts as after).</summary>
    public static (AttendanceOutcomes Before, AttendanceOutcomes After) Split(IEnumerable<(DateTime StartUtc, AppointmentStatus Status)> appointments, DateTime sinceUtc)
    {
        ArgumentNullException.ThrowIfNull(appointments);
        var before = AttendanceOutcomes.None;
        var after = AttendanceOutcomes.None;
        foreach (var (startUtc, status) in appointments)
        {
            if (startUtc >= sinceUtc)
            {
                after = after.Add(status);
            }
            else
            {
                before = before.Add(status);
            }
        }

        return (before, after);
    }
}
