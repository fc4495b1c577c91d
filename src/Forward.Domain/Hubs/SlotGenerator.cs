using Forward.Domain.Calendar;
using Forward.Domain.Time;

namespace Forward.Domain.Hubs;

public sealed record PlannedSlot(int SessionId, int HubId, int ClinicianIndex, DateTime StartUtc, DateTime EndUtc, ClinicianRole Role, DeliveryMode Mode)
{
    public SlotKey Key => new(SessionId, ClinicianIndex, StartUtc);

    /// <summary>The slot to store for this plan: free until someone books it.</summary>
    public Slot ToFreeSlot() => new()
    {
        SessionId = SessionId,
        HubId = HubId,
        ClinicianIndex = ClinicianIndex,
        StartUtc = StartUtc,
        EndUtc = EndUtc,
        Role = Role,
        Mode = Mode,
        Status = SlotStatus.Free,
    };
}

/// <summary>Turns a hub's rota into slots over a date range, in London wall-clock time.</summary>
public static class SlotGenerator
{
    /// <summary>Does the session run on this London date?</summary>
    public static bool RunsOn(Session session, DateOnly date, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bankHolidays);
        if (!session.IsActive || date < session.ValidFrom || (session.ValidUntil is { } until && date > until))
        {
            return false;
        }

        var exception = session.Overrides.FirstOrDefault(e => e.Date == date);
        if (exception is not null)
        {
            return exception.Kind == SessionOverrideKind.Extra;
        }

        return bankHolidays.IsBankHoliday(date)
            ? session.Days.HasFlag(SessionDays.BankHolidays)
            : session.Days.HasFlag(date.DayOfWeek.ToSessionDay());
    }

    /// <summary>
    /// Slots for every date from <paramref name="from"/> to <paramref name="to"/> inclusive. A session's start and end are
    /// wall-clock times; slots are laid end to end in real (UTC) time between them, so a night session on the March
    /// change is an hour shorter and on the October change an hour longer, and no slot is ever invented or lost.
    /// </summary>
    public static IEnumerable<PlannedSlot> Generate(Session session, DateOnly from, DateOnly to, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.SlotMinutes < Session.MinSlotMinutes)
        {
            throw new ArgumentException("Session slot length is below the minimum.", nameof(session));
        }

        var length = TimeSpan.FromMinutes(session.SlotMinutes);
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            if (!RunsOn(session, date, bankHolidays))
            {
                continue;
            }

            var (startUtc, endUtc) = TimesOn(session, date);
            for (var clinician = 0; clinician < session.Clinicians; clinician++)
            {
                for (var t = startUtc; t + length <= endUtc; t += length)
                {
                    yield return new PlannedSlot(session.Id, session.HubId, clinician, t, t + length, session.Role, session.Mode);
                }
            }
        }
    }

    /// <summary>
    /// Whether the session's times hold a slot on this London date, were it to run then. A valid session's do on every
    /// date but the one the clocks go forward: times in the hour they skip happen at the moment they jump to, so
    /// 01:00–02:00 that night lasts no time at all, and 00:45–01:45 a quarter of an hour.
    /// </summary>
    public static bool HoldsASlot(Session session, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(session);
        var (startUtc, endUtc) = TimesOn(session, date);
        return endUtc - startUtc >= TimeSpan.FromMinutes(session.SlotMinutes);
    }

    /// <summary>
    /// The dates from <paramref name="from"/> to <paramref name="to"/> inclusive that the session runs on but offers no
    /// slot on, because the clocks go forward that night and skip its times (see <see cref="HoldsASlot"/>).
    /// </summary>
    public static IReadOnlyList<DateOnly> DatesWithNoSlot(Session session, DateOnly from, DateOnly to, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ShorterDays(from, to).Where(d => RunsOn(session, d, bankHolidays) && !HoldsASlot(session, d)).ToList();
    }

    /// <summary>
    /// Whether the session runs on dates from its first to its last but offers a slot on none of them: each is a night
    /// the clocks go forward and skip its times. A session with no end date runs on later dates that hold slots.
    /// </summary>
    public static bool OffersNoSlot(Session session, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.ValidUntil is not { } until)
        {
            return false;
        }

        var lost = DatesWithNoSlot(session, session.ValidFrom, until, bankHolidays);
        if (lost.Count == 0)
        {
            return false;
        }

        for (var date = session.ValidFrom; date <= until; date = date.AddDays(1))
        {
            if (RunsOn(session, date, bankHolidays) && !lost.Contains(date))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The London dates from <paramref name="from"/> to <paramref name="to"/> shorter than 24 hours (the clocks go forward),
    /// the only dates a valid session's times can fail to hold a slot. Looked for month by month, as a month with one is
    /// shorter than its days (London's two changes are months apart), so a range of years costs a check a month.
    /// </summary>
    private static IEnumerable<DateOnly> ShorterDays(DateOnly from, DateOnly to)
    {
        static TimeSpan Between(DateOnly start, DateOnly end) => London.StartOfDayUtc(end) - London.StartOfDayUtc(start);

        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            var next = month.AddMonths(1);
            if (Between(month, next) >= TimeSpan.FromDays(next.DayNumber - month.DayNumber))
            {
                continue;
            }

            for (var date = month < from ? from : month; date < next && date <= to; date = date.AddDays(1))
            {
                if (Between(date, date.AddDays(1)) < TimeSpan.FromDays(1))
                {
                    yield return date;
                }
            }
        }
    }

    /// <summary>When the session starts and ends on this London date, in UTC; an end of 00:00 is the midnight that ends it.</summary>
    private static (DateTime StartUtc, DateTime EndUtc) TimesOn(Session session, DateOnly date) =>
        (WallClockToUtc(date, session.StartTime),
            session.EndTime == TimeOnly.MinValue ? WallClockToUtc(date.AddDays(1), TimeOnly.MinValue) : WallClockToUtc(date, session.EndTime));

    /// <summary>A wall-clock time inside the spring-forward gap is taken as the moment the clocks jump to.</summary>
    private static DateTime WallClockToUtc(DateOnly date, TimeOnly time)
    {
        var utc = London.ToUtc(date, time);
        for (var shift = 1; utc is null && shift <= 120; shift++)
        {
            utc = London.ToUtc(date, time.AddMinutes(shift));
        }

        return utc ?? throw new InvalidOperationException("No London instant near that wall-clock time.");
    }
}

/// <summary>
/// What regenerating a rota must change in the stored slots; never touches a booked slot. <see cref="ToReshape"/> are
/// the slots offered afterwards (free ones, and withdrawn ones being restored) whose key the rota still has but whose
/// end, role or mode it no longer does (the session's slot length, role or mode changed while they were booked, or
/// withdrawn, or since the slots were laid): each is brought to the plan's shape.
/// </summary>
public sealed record SlotReconciliation(IReadOnlyList<PlannedSlot> ToAdd, IReadOnlyList<long> ToWithdraw, IReadOnlyList<long> ToRestore, IReadOnlyList<SlotReshape> ToReshape)
{
    /// <summary>True when the stored slots already are what the rota says.</summary>
    public bool ChangesNothing => ToAdd.Count == 0 && ToWithdraw.Count == 0 && ToRestore.Count == 0 && ToReshape.Count == 0;
}

/// <summary>A stored slot to be given the planned slot's end, role and mode.</summary>
public readonly record struct SlotReshape(long SlotId, PlannedSlot Plan);

/// <summary>A stored slot as the reconciler sees it.</summary>
public readonly record struct StoredSlot(long Id, SlotKey Key, DateTime EndUtc, ClinicianRole Role, DeliveryMode Mode, SlotStatus Status)
{
    /// <summary>Whether this slot is the planned one in every respect a booker sees, not only by its key.</summary>
    public bool HasShapeOf(PlannedSlot plan) => EndUtc == plan.EndUtc && Role == plan.Role && Mode == plan.Mode;
}

public static class SlotReconciler
{
    /// <summary>
    /// Compares planned slots with the stored ones in the same window. New keys are added; free slots no longer planned
    /// are withdrawn; withdrawn slots planned again come back; the free slots, and those coming back, take the plan's end,
    /// role and mode. Booked slots are never withdrawn, reshaped or duplicated, and no slot is offered that
    /// overlaps one of the same clinician's booked slots: after a change of slot length or start time the booked slots
    /// keep their old times, and a new slot laid across one would book the clinician twice. Once such a booking is
    /// cancelled its slot is free again in its old shape, and reshaping it is what keeps it from overlapping the new
    /// slots laid beside it.
    /// Slots starting at or before <paramref name="nowUtc"/> are left as they are (a booked one still counts as a clash):
    /// one that has started was offered, or not, as it stood, so closing today at 19:00 must not withdraw the evening's
    /// unbooked slots that already ran, nor an extra date for today add slots nobody could have booked.
    /// </summary>
    public static SlotReconciliation Reconcile(IEnumerable<PlannedSlot> planned, IEnumerable<StoredSlot> existing, DateTime nowUtc)
    {
        var plannedByKey = new Dictionary<SlotKey, PlannedSlot>();
        foreach (var p in planned)
        {
            plannedByKey.TryAdd(p.Key, p);
        }

        var existingByKey = new Dictionary<SlotKey, StoredSlot>();
        var bookedByClinician = new Dictionary<(int SessionId, int ClinicianIndex), List<StoredSlot>>();
        foreach (var e in existing)
        {
            if (!existingByKey.TryAdd(e.Key, e))
            {
                continue;
            }

            if (e.Status == SlotStatus.Booked)
            {
                var clinician = (e.Key.SessionId, e.Key.ClinicianIndex);
                if (!bookedByClinician.TryGetValue(clinician, out var list))
                {
                    bookedByClinician[clinician] = list = [];
                }

                list.Add(e);
            }
        }

        bool ClashesWithBooked(PlannedSlot p) =>
            bookedByClinician.TryGetValue((p.SessionId, p.ClinicianIndex), out var booked)
            && booked.Any(b => b.Key != p.Key && b.Key.StartUtc < p.EndUtc && p.StartUtc < b.EndUtc);

        var ahead = existingByKey.Values.Where(e => e.Key.StartUtc > nowUtc).ToList();
        var toAdd = plannedByKey.Values.Where(p => p.StartUtc > nowUtc && !existingByKey.ContainsKey(p.Key) && !ClashesWithBooked(p)).OrderBy(p => p.StartUtc).ToList();
        var toWithdraw = ahead
            .Where(e => e.Status == SlotStatus.Free && (!plannedByKey.TryGetValue(e.Key, out var p) || ClashesWithBooked(p)))
            .Select(e => e.Id)
            .ToList();
        var toRestore = ahead
            .Where(e => e.Status == SlotStatus.Withdrawn && plannedByKey.TryGetValue(e.Key, out var p) && !ClashesWithBooked(p))
            .Select(e => e.Id)
            .ToList();

        // Only what is offered afterwards: withdrawn slots keep whatever shape they had until they come back.
        var offeredAfter = ahead.Where(e => e.Status == SlotStatus.Free).Select(e => e.Id).Except(toWithdraw).Concat(toRestore).ToHashSet();
        var toReshape = ahead
            .Where(e => offeredAfter.Contains(e.Id) && !e.HasShapeOf(plannedByKey[e.Key]))
            .Select(e => new SlotReshape(e.Id, plannedByKey[e.Key]))
            .ToList();
        return new SlotReconciliation(toAdd, toWithdraw, toRestore, toReshape);
    }
}
