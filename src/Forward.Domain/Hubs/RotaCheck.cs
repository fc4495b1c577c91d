using Forward.Domain.Calendar;
using Forward.Domain.Time;

namespace Forward.Domain.Hubs;

/// <summary>
/// Whether booked slots are still what their session's rota plans. A rota change never touches a booked slot (the
/// patient keeps it), so a closed date, a stopped or shortened session, or a new time, clinician count, type or length
/// leaves bookings the rota no longer has: the hub must contact those patients, and no reminder should send them to a
/// session that will not run as booked. An appointment of several slots whose time the rota still plans, slot for slot
/// end to end, is not left (<see cref="PlansTogether"/>).
/// </summary>
public static class RotaCheck
{
    /// <summary>The ids of the <paramref name="booked"/> slots (all of <paramref name="session"/>) that it no longer plans, with their shape.</summary>
    public static IReadOnlySet<long> NotPlanned(Session session, IReadOnlyCollection<StoredSlot> booked, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(booked);
        if (booked.Count == 0)
        {
            return new HashSet<long>();
        }

        // A session ends by midnight, so a slot's London date is its session's.
        var from = booked.Min(s => London.DateOf(s.Key.StartUtc));
        var to = booked.Max(s => London.DateOf(s.Key.StartUtc));
        var planned = new Dictionary<SlotKey, PlannedSlot>();
        foreach (var plan in SlotGenerator.Generate(session, from, to, bankHolidays))
        {
            planned.TryAdd(plan.Key, plan);
        }

        return booked.Where(s => !(planned.TryGetValue(s.Key, out var plan) && s.HasShapeOf(plan))).Select(s => s.Id).ToHashSet();
    }

    /// <summary>
    /// Whether <paramref name="session"/> plans the time one appointment's <paramref name="held"/> slots make together
    /// (one clinician, end to end, one role and mode) as its own slots, end to end, of that role and mode. Two 10-minute
    /// slots booked as one 20-minute appointment are still on the rota when the slot length becomes 20 minutes, though
    /// neither slot is a planned slot any more: the patient is booked at a time the session runs as booked.
    /// </summary>
    public static bool PlansTogether(Session session, IReadOnlyCollection<StoredSlot> held, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(held);
        if (held.Count == 0 || held.Any(s => s.Key.SessionId != session.Id))
        {
            return false;
        }

        var ordered = held.OrderBy(s => s.Key.StartUtc).ToList();
        var first = ordered[0];
        if (ordered.Any(s => s.Key.ClinicianIndex != first.Key.ClinicianIndex || s.Role != first.Role || s.Mode != first.Mode)
            || ordered.Zip(ordered.Skip(1)).Any(pair => pair.First.EndUtc != pair.Second.Key.StartUtc))
        {
            return false;
        }

        var (start, end) = (first.Key.StartUtc, ordered[^1].EndUtc);
        var date = London.DateOf(start);
        var planned = SlotGenerator.Generate(session, date, date, bankHolidays)
            .Where(p => p.ClinicianIndex == first.Key.ClinicianIndex && p.StartUtc < end && p.EndUtc > start)
            .OrderBy(p => p.StartUtc)
            .ToList();
        return planned.Count > 0
            && planned[0].StartUtc == start
            && planned[^1].EndUtc == end
            && planned.Zip(planned.Skip(1)).All(pair => pair.First.EndUtc == pair.Second.StartUtc)
            && planned.All(p => p.Role == first.Role && p.Mode == first.Mode);
    }
}
