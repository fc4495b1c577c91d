using Forward.Domain.Calendar;

namespace Forward.Domain.Compliance;

/// <summary>
/// One practice's share of one hub session over the range: its apportioned capacity and its patients' appointments.
/// Entries carry no population (that belongs to the practice), so any grouping of entries adds up without
/// counting a patient twice. The drill-down below a practice is its entries, by hub and by session.
/// </summary>
public sealed record LedgerEntry(int PracticeId, int HubId, int SessionId, ComplianceTotals Parts);

/// <summary>A practice in the ledger: list size, coverage and its totals (population parts plus all its entries).</summary>
public sealed record LedgerPractice(int PracticeId, int ListSize, PracticeCoverage Coverage, ComplianceTotals Totals);

/// <summary>
/// Capacity of a hub session that could not be apportioned because the hub serves no practice with any patients. Kept
/// so that it shows up on a page instead of silently disappearing from the CCG's minutes.
/// </summary>
public sealed record UnallocatedCapacity(int HubId, int SessionId, decimal ExtendedMinutes, decimal OfferedSlots);

/// <summary>
/// The per-practice parts of every compliance figure for one range. Figures for any grouping of practices (PCN,
/// locality, CCG, ICS, a filter) are made by adding the practices' totals and dividing once, so a parent figure is
/// always computed from exactly the parts its children are, and the sum of the children's minutes, slots,
/// appointments and populations is the parent's by construction.
/// </summary>
public sealed class ComplianceLedger
{
    private readonly Dictionary<int, LedgerPractice> practices;
    private readonly ILookup<int, LedgerEntry> entriesByPractice;

    private ComplianceLedger(DateRange range, ComplianceRules rules, Dictionary<int, LedgerPractice> practices, IReadOnlyList<LedgerEntry> entries, IReadOnlyList<UnallocatedCapacity> unallocated)
    {
        Range = range;
        Rules = rules;
        this.practices = practices;
        Practices = practices.Values.OrderBy(p => p.PracticeId).ToList();
        Entries = entries;
        entriesByPractice = entries.ToLookup(e => e.PracticeId);
        Unallocated = unallocated;
        Total = ComplianceTotals.Sum(Practices.Select(p => p.Totals));
    }

    public DateRange Range { get; }

    public ComplianceRules Rules { get; }

    /// <summary>Every practice given as input, in practice id order, whether or not any hub serves it.</summary>
    public IReadOnlyList<LedgerPractice> Practices { get; }

    /// <summary>Practice × hub × session parts, ordered by practice, hub, session.</summary>
    public IReadOnlyList<LedgerEntry> Entries { get; }

    public IReadOnlyList<UnallocatedCapacity> Unallocated { get; }

    /// <summary>All practices together.</summary>
    public ComplianceTotals Total { get; }

    /// <summary>
    /// Builds the ledger. Offered minutes are the extended-hours part of each non-withdrawn slot on London dates in the
    /// range; each hub session's minutes and slots are shared among the practices the hub serves by list size.
    /// Appointments are counted in the range by the London date they start on, against the patient's practice.
    /// </summary>
    public static ComplianceLedger Build(ComplianceInput input, BankHolidayCalendar bankHolidays, ComplianceRules? rules = null) =>
        Build(ComplianceDaySummaries.Of(input, bankHolidays, rules), bankHolidays, rules);

    /// <summary>
    /// Builds the ledger from day summaries made with the same rules (dates outside the range are ignored): the same
    /// ledger as from the slots and appointments they summarise.
    /// </summary>
    public static ComplianceLedger Build(ComplianceDays input, BankHolidayCalendar bankHolidays, ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Range);
        ArgumentNullException.ThrowIfNull(input.Practices);
        ArgumentNullException.ThrowIfNull(input.Hubs);
        ArgumentNullException.ThrowIfNull(input.Sessions);
        ArgumentNullException.ThrowIfNull(input.Appointments);
        ArgumentNullException.ThrowIfNull(bankHolidays);
        rules ??= ComplianceRules.Default;
        var range = input.Range;

        var listSizes = new Dictionary<int, int>();
        foreach (var p in input.Practices)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(p.ListSize, nameof(input));
            if (!listSizes.TryAdd(p.PracticeId, p.ListSize))
            {
                throw new ArgumentException($"Practice {p.PracticeId} is listed twice.", nameof(input));
            }
        }

        // A hub listed twice serves the union of its practices; ordering by id makes rounding ties reproducible.
        var servedBy = input.Hubs
            .GroupBy(h => h.HubId)
            .ToDictionary(g => g.Key, g => g.SelectMany(h => h.PracticeIds).Distinct().Order().ToList());
        foreach (var practiceId in servedBy.Values.SelectMany(ids => ids).Where(id => !listSizes.ContainsKey(id)))
        {
            throw new ArgumentException($"A hub serves practice {practiceId}, which has no list size in the input.", nameof(input));
        }

        var entries = new Dictionary<(int PracticeId, int HubId, int SessionId), ComplianceTotals>();
        var unallocated = new List<UnallocatedCapacity>();
        var sessionDays = input.Sessions.Where(d => range.Contains(d.Date)).ToList();
        foreach (var session in OfferedBySession(sessionDays))
        {
            var practiceIds = servedBy.GetValueOrDefault(session.HubId) ?? [];
            var weights = practiceIds.Select(id => (long)listSizes[id]).ToList();
            var minutes = Apportionment.Share(session.Minutes, weights);
            var slots = Apportionment.Share(session.Slots, weights);
            if (minutes is null || slots is null)
            {
                unallocated.Add(new UnallocatedCapacity(session.HubId, session.SessionId, session.Minutes, session.Slots));
                continue;
            }

            for (var i = 0; i < practiceIds.Count; i++)
            {
                AddTo(entries, (practiceIds[i], session.HubId, session.SessionId), new ComplianceTotals { ExtendedMinutes = minutes[i], OfferedSlots = slots[i] });
            }
        }

        foreach (var day in input.Appointments.Where(d => range.Contains(d.Date)))
        {
            if (!listSizes.ContainsKey(day.PracticeId))
            {
                throw new ArgumentException($"Appointments on {day.Date} are for practice {day.PracticeId}, which has no list size in the input.", nameof(input));
            }

            AddTo(entries, (day.PracticeId, day.HubId, day.SessionId), day.Parts);
        }

        var coverage = CoverageAssessor.Assess(range, listSizes.Keys, input.Hubs, sessionDays, bankHolidays, rules);
        var entryList = entries
            .OrderBy(e => e.Key.PracticeId).ThenBy(e => e.Key.HubId).ThenBy(e => e.Key.SessionId)
            .Select(e => new LedgerEntry(e.Key.PracticeId, e.Key.HubId, e.Key.SessionId, e.Value))
            .ToList();
        var entriesByPractice = entryList.ToLookup(e => e.PracticeId);
        var practices = listSizes.ToDictionary(
            p => p.Key,
            p => new LedgerPractice(
                p.Key,
                p.Value,
                coverage[p.Key],
                ComplianceTotals.ForPractice(p.Value, coverage[p.Key]) + ComplianceTotals.Sum(entriesByPractice[p.Key].Select(e => e.Parts))));
        return new ComplianceLedger(range, rules, practices, entryList, unallocated);
    }

    public LedgerPractice Practice(int practiceId) =>
        practices.TryGetValue(practiceId, out var practice)
            ? practice
            : throw new KeyNotFoundException($"Practice {practiceId} is not in this ledger.");

    public IReadOnlyList<LedgerEntry> EntriesFor(int practiceId) => entriesByPractice[practiceId].ToList();

    /// <summary>
    /// Totals per group: <paramref name="groupOfPractice"/> maps a practice id to its PCN, CCG, ICS or any other key.
    /// Every practice in the ledger is placed in a group, including those with no hub (their patients still count).
    /// </summary>
    public IReadOnlyDictionary<TKey, ComplianceTotals> TotalsBy<TKey>(Func<int, TKey> groupOfPractice)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(groupOfPractice);
        var groups = new Dictionary<TKey, ComplianceTotals>();
        foreach (var practice in Practices)
        {
            AddTo(groups, groupOfPractice(practice.PracticeId), practice.Totals);
        }

        return groups;
    }

    public IReadOnlyDictionary<TKey, ComplianceFigures> FiguresBy<TKey>(Func<int, TKey> groupOfPractice)
        where TKey : notnull =>
        TotalsBy(groupOfPractice).ToDictionary(g => g.Key, g => Figures(g.Value));

    /// <summary>Totals of the practices the predicate selects (a filter, or one PCN).</summary>
    public ComplianceTotals TotalsWhere(Func<int, bool> includePractice)
    {
        ArgumentNullException.ThrowIfNull(includePractice);
        return ComplianceTotals.Sum(Practices.Where(p => includePractice(p.PracticeId)).Select(p => p.Totals));
    }

    /// <summary>
    /// Entry totals per key, e.g. <c>e =&gt; e.HubId</c> or <c>e =&gt; (e.HubId, e.SessionId)</c> within one practice's
    /// entries: the hub and session parts beneath a practice figure. They carry no population.
    /// </summary>
    public static IReadOnlyDictionary<TKey, ComplianceTotals> TotalsBy<TKey>(IEnumerable<LedgerEntry> entries, Func<LedgerEntry, TKey> key)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(key);
        var groups = new Dictionary<TKey, ComplianceTotals>();
        foreach (var entry in entries)
        {
            AddTo(groups, key(entry), entry.Parts);
        }

        return groups;
    }

    public ComplianceFigures Figures(ComplianceTotals totals) => new(totals, Range, Rules);

    public ComplianceFigures Overall() => Figures(Total);

    private static void AddTo<TKey>(Dictionary<TKey, ComplianceTotals> map, TKey key, ComplianceTotals part)
        where TKey : notnull =>
        map[key] = map.TryGetValue(key, out var existing) ? existing + part : part;

    /// <summary>
    /// Each hub session's minutes and starting slots over the days given; a session with neither (only the tail of a
    /// slot from before the range, outside extended hours) offered nothing in the range.
    /// </summary>
    private static IEnumerable<(int HubId, int SessionId, decimal Minutes, decimal Slots)> OfferedBySession(IEnumerable<SessionDay> days) =>
        days
            .GroupBy(d => (d.HubId, d.SessionId))
            .Select(g => (g.Key.HubId, g.Key.SessionId, Minutes: g.Sum(d => d.ExtendedMinutes), Slots: (decimal)g.Sum(d => d.StartingSlots)))
            .Where(s => s.Minutes != 0 || s.Slots != 0)
            .OrderBy(s => s.HubId).ThenBy(s => s.SessionId);
}
