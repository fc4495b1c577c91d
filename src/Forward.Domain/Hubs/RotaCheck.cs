using Forward.Domain.Calendar;
using Forward.Domain.Time;

namespace Forward.Domain.Hubs;

/// <summary>
/// Whether booked slots are still what their session's rota plans. A rota change never touches a booked slot (the
/// patient keeps it), so a closed date, a stopped or shortened session, or a new time, clinician count, type or length
/// leaves bookings the rota no longer has: the hub must contact those patients, and no reminder should send them to a
/// session that will not run as booked.
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
}
