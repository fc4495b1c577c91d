using Forward.Domain.Calendar;

namespace Forward.Domain.Compliance;

/// <summary>A stretch of the weekday evening coverage window that a hub session offered slots across.</summary>
public readonly record struct CoverInterval(DateTime StartUtc, DateTime EndUtc);

/// <summary>
/// One hub session's offered (not withdrawn) slots on one London date: how many started that day, the extended-hours
/// minutes that fell on it, how many touched it at all (a weekend day is covered by any slot), and on an ordinary
/// weekday the merged stretches of the evening coverage window they covered. Days add up: a range's figures are made
/// from the days in it, so a slot across midnight gives each date its own part.
/// </summary>
public sealed record SessionDay(int HubId, int SessionId, DateOnly Date, int StartingSlots, decimal ExtendedMinutes, int TouchingSlots, IReadOnlyList<CoverInterval> EveningCover);

/// <summary>
/// One practice's patients' appointments at one hub session that start on one London date, as additive totals (no
/// population). Any range's appointment figures are the sum of the days in it.
/// </summary>
public sealed record AppointmentDay(int PracticeId, int HubId, int SessionId, DateOnly Date, ComplianceTotals Parts);

/// <summary>
/// Everything one compliance calculation reads, summarised by London date: the form a database keeps up to date as
/// slots and appointments are written, so that a year's report reads days rather than every slot and appointment.
/// Made from a <see cref="ComplianceInput"/> by <see cref="ComplianceDaySummaries"/> with the same rules the ledger uses.
/// </summary>
public sealed record ComplianceDays(
    DateRange Range,
    IReadOnlyCollection<PracticePopulation> Practices,
    IReadOnlyCollection<HubCoverage> Hubs,
    IReadOnlyCollection<SessionDay> Sessions,
    IReadOnlyCollection<AppointmentDay> Appointments)
{
    /// <summary>
    /// The same days cut into consecutive periods (weeks or months of a series) in one pass: each period's days and
    /// nothing else, without reading every day once per period.
    /// </summary>
    public IReadOnlyList<ComplianceDays> Split(IReadOnlyList<DateRange> periods)
    {
        ArgumentNullException.ThrowIfNull(periods);
        var periodOf = new Dictionary<DateOnly, int>();
        for (var i = 0; i < periods.Count; i++)
        {
            foreach (var date in periods[i].Dates())
            {
                periodOf.TryAdd(date, i);
            }
        }

        var sessions = periods.Select(_ => new List<SessionDay>()).ToList();
        var appointments = periods.Select(_ => new List<AppointmentDay>()).ToList();
        foreach (var day in Sessions)
        {
            if (periodOf.TryGetValue(day.Date, out var i))
            {
                sessions[i].Add(day);
            }
        }

        foreach (var day in Appointments)
        {
            if (periodOf.TryGetValue(day.Date, out var i))
            {
                appointments[i].Add(day);
            }
        }

        return periods.Select((period, i) => this with { Range = period, Sessions = sessions[i], Appointments = appointments[i] }).ToList();
    }
}

/// <summary>Turns slots and appointments into the day summaries the ledger is built from.</summary>
public static class ComplianceDaySummaries
{
    /// <summary>
    /// The summaries of everything in the input, restricted to the dates of its range: what the stored day summaries
    /// of the same slots and appointments give for that range.
    /// </summary>
    public static ComplianceDays Of(ComplianceInput input, BankHolidayCalendar bankHolidays, ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Range);
        ArgumentNullException.ThrowIfNull(input.Slots);
        ArgumentNullException.ThrowIfNull(input.Appointments);
        return new ComplianceDays(
            input.Range,
            input.Practices,
            input.Hubs,
            Sessions(input.Slots, bankHolidays, rules).Where(d => input.Range.Contains(d.Date)).ToList(),
            Appointments(input.Appointments, bankHolidays, rules).Where(d => input.Range.Contains(d.Date)).ToList());
    }

    /// <summary>Every date the offered slots touch, per hub session, in hub, session, date order.</summary>
    public static IReadOnlyList<SessionDay> Sessions(IEnumerable<OfferedSlot> slots, BankHolidayCalendar bankHolidays, ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(bankHolidays);
        rules ??= ComplianceRules.Default;
        if (rules.EveningCoveredUntil <= rules.EveningStart)
        {
            throw new ArgumentException("The evening coverage window must end after it starts.", nameof(rules));
        }

        var days = new LondonDays(bankHolidays, rules.EveningStart);
        var sums = new Dictionary<(int HubId, int SessionId, DateOnly Date), Sum>();
        foreach (var slot in slots.Where(s => s.IsOffered))
        {
            Get(sums, (slot.HubId, slot.SessionId, days.DateOf(slot.StartUtc))).StartingSlots++;
            foreach (var part in days.Split(slot.StartUtc, slot.EndUtc))
            {
                Get(sums, (slot.HubId, slot.SessionId, part.LondonDate)).ExtendedMinutes += part.Minutes;
            }

            if (slot.EndUtc <= slot.StartUtc)
            {
                continue;
            }

            for (var date = days.DateOf(slot.StartUtc); date <= days.DateOf(slot.EndUtc.AddTicks(-1)); date = date.AddDays(1))
            {
                var sum = Get(sums, (slot.HubId, slot.SessionId, date));
                sum.TouchingSlots++;
                if (days[date].Kind == DayKind.Weekday)
                {
                    var (windowStart, windowEnd) = EveningWindow(days, date, rules);
                    var start = slot.StartUtc > windowStart ? slot.StartUtc : windowStart;
                    var end = slot.EndUtc < windowEnd ? slot.EndUtc : windowEnd;
                    if (end > start)
                    {
                        sum.Evening.Add(new CoverInterval(start, end));
                    }
                }
            }
        }

        return sums
            .OrderBy(s => s.Key.HubId).ThenBy(s => s.Key.SessionId).ThenBy(s => s.Key.Date)
            .Select(s => new SessionDay(s.Key.HubId, s.Key.SessionId, s.Key.Date, s.Value.StartingSlots, s.Value.ExtendedMinutes, s.Value.TouchingSlots, Merge(s.Value.Evening)))
            .ToList();
    }

    /// <summary>Every appointment by the London date it starts on, per practice and hub session, in that order.</summary>
    public static IReadOnlyList<AppointmentDay> Appointments(IEnumerable<BookedAppointment> appointments, BankHolidayCalendar bankHolidays, ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(appointments);
        ArgumentNullException.ThrowIfNull(bankHolidays);
        rules ??= ComplianceRules.Default;
        var days = new LondonDays(bankHolidays, rules.EveningStart);
        var sums = new Dictionary<(int PracticeId, int HubId, int SessionId, DateOnly Date), ComplianceTotals>();
        foreach (var a in appointments)
        {
            var (date, parts) = Contribution(a, days);
            var key = (a.PracticeId, a.HubId, a.SessionId, date);
            sums[key] = sums.TryGetValue(key, out var existing) ? existing + parts : parts;
        }

        return sums
            .OrderBy(s => s.Key.PracticeId).ThenBy(s => s.Key.HubId).ThenBy(s => s.Key.SessionId).ThenBy(s => s.Key.Date)
            .Select(s => new AppointmentDay(s.Key.PracticeId, s.Key.HubId, s.Key.SessionId, s.Key.Date, s.Value))
            .ToList();
    }

    /// <summary>
    /// One appointment's day and totals: what a store of day summaries adds when it is booked, and takes away and adds
    /// again when its status changes.
    /// </summary>
    public static AppointmentDay Contribution(BookedAppointment appointment, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        var (date, parts) = Contribution(appointment, new LondonDays(bankHolidays, ComplianceRules.Default.EveningStart));
        return new AppointmentDay(appointment.PracticeId, appointment.HubId, appointment.SessionId, date, parts);
    }

    /// <summary>The weekday evening stretch coverage is judged on, as UTC instants.</summary>
    internal static (DateTime Start, DateTime End) EveningWindow(LondonDays days, DateOnly date, ComplianceRules rules) =>
        (days[date].ExtendedStartUtc, ExtendedHours.WallClockUtc(date, rules.EveningCoveredUntil));

    private static (DateOnly Date, ComplianceTotals Parts) Contribution(BookedAppointment a, LondonDays days)
    {
        if (!Enum.IsDefined(a.Channel) || !Enum.IsDefined(a.Status) || a.SlotCount < 1)
        {
            throw new ArgumentException($"Appointment {a.AppointmentId} has an unknown channel or status, or holds no slot.", nameof(a));
        }

        var date = days.DateOf(a.StartUtc);

        // Booked after the start (recorded late) cannot be pre-booked, so it counts as same day.
        var sameDay = days.DateOf(a.CreatedUtc) >= date;
        return (date, ComplianceTotals.ForAppointment(a, sameDay));
    }

    /// <summary>The stretches of time the intervals cover together, in order, overlapping and touching ones joined.</summary>
    internal static List<CoverInterval> Merge(List<CoverInterval> intervals)
    {
        intervals.Sort((a, b) => a.StartUtc.CompareTo(b.StartUtc));
        var merged = new List<CoverInterval>();
        foreach (var interval in intervals)
        {
            if (merged.Count > 0 && interval.StartUtc <= merged[^1].EndUtc)
            {
                if (interval.EndUtc > merged[^1].EndUtc)
                {
                    merged[^1] = merged[^1] with { EndUtc = interval.EndUtc };
                }
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }

    private static Sum Get(Dictionary<(int, int, DateOnly), Sum> sums, (int, int, DateOnly) key)
    {
        if (!sums.TryGetValue(key, out var sum))
        {
            sum = new Sum();
            sums[key] = sum;
        }

        return sum;
    }

    private sealed class Sum
    {
        public int StartingSlots { get; set; }

        public decimal ExtendedMinutes { get; set; }

        public int TouchingSlots { get; set; }

        public List<CoverInterval> Evening { get; } = [];
    }
}
