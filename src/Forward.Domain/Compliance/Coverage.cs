using Forward.Domain.Calendar;

namespace Forward.Domain.Compliance;

/// <summary>
/// Whether one practice's patients had extended access on every day the requirement asks for. Null means the range
/// holds no such day (no ordinary weekday, or no Saturday or Sunday), so there was nothing to cover. The gaps are the
/// dates that failed, for a user to see why.
/// </summary>
public sealed record PracticeCoverage(int PracticeId, bool? Evening, bool? Weekend, IReadOnlyList<DateOnly> EveningGaps, IReadOnlyList<DateOnly> WeekendGaps)
{
    /// <summary>Evening and weekend both covered, each where it applies; null when neither applies.</summary>
    public bool? Full => (Evening, Weekend) switch
    {
        (null, null) => null,
        _ => Evening != false && Weekend != false,
    };
}

/// <summary>
/// Evening coverage: on every ordinary weekday of the range (Monday to Friday, not a bank holiday) the hubs serving a
/// practice together offer slots across the whole 18:30–20:00 window. Weekend coverage: on every Saturday and every
/// Sunday of the range they offer at least one slot. Several hubs may share the window between them.
/// </summary>
public static class CoverageAssessor
{
    public static IReadOnlyDictionary<int, PracticeCoverage> Assess(
        DateRange range,
        IEnumerable<int> practiceIds,
        IEnumerable<HubCoverage> hubs,
        IEnumerable<OfferedSlot> slots,
        BankHolidayCalendar bankHolidays,
        ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(range);
        var sessionDays = ComplianceDaySummaries.Sessions(slots, bankHolidays, rules).Where(d => range.Contains(d.Date));
        return Assess(range, practiceIds, hubs, sessionDays, bankHolidays, rules);
    }

    /// <summary>The same judgement from day summaries made with the same rules (the dates outside the range are ignored).</summary>
    public static IReadOnlyDictionary<int, PracticeCoverage> Assess(
        DateRange range,
        IEnumerable<int> practiceIds,
        IEnumerable<HubCoverage> hubs,
        IEnumerable<SessionDay> sessionDays,
        BankHolidayCalendar bankHolidays,
        ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(practiceIds);
        ArgumentNullException.ThrowIfNull(hubs);
        ArgumentNullException.ThrowIfNull(sessionDays);
        ArgumentNullException.ThrowIfNull(bankHolidays);
        rules ??= ComplianceRules.Default;
        if (rules.EveningCoveredUntil <= rules.EveningStart)
        {
            throw new ArgumentException("The evening coverage window must end after it starts.", nameof(rules));
        }

        var days = new LondonDays(bankHolidays, rules.EveningStart);
        var eveningDates = range.Dates().Where(d => days[d].Kind == DayKind.Weekday).ToList();
        var weekendDates = range.Dates().Where(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday).ToList();
        var windows = eveningDates.ToDictionary(d => d, d => ComplianceDaySummaries.EveningWindow(days, d, rules));

        // Kept per hub and merged per practice later: two hubs may split one evening between them.
        var hubEvenings = new Dictionary<int, Dictionary<DateOnly, List<CoverInterval>>>();
        var hubWeekends = new Dictionary<int, HashSet<DateOnly>>();
        foreach (var day in sessionDays.Where(d => range.Contains(d.Date)))
        {
            if (windows.ContainsKey(day.Date))
            {
                var list = Get(Get(hubEvenings, day.HubId), day.Date);
                list.AddRange(day.EveningCover);
            }
            else if (day.TouchingSlots > 0 && day.Date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                Get(hubWeekends, day.HubId).Add(day.Date);
            }
        }

        var hubsOfPractice = new Dictionary<int, HashSet<int>>();
        foreach (var hub in hubs)
        {
            foreach (var practiceId in hub.PracticeIds)
            {
                Get(hubsOfPractice, practiceId).Add(hub.HubId);
            }
        }

        var tolerance = rules.EveningCoverageTolerance;
        var result = new Dictionary<int, PracticeCoverage>();
        foreach (var practiceId in practiceIds)
        {
            var served = hubsOfPractice.GetValueOrDefault(practiceId) ?? [];
            var eveningGaps = eveningDates.Where(d =>
            {
                var offered = served
                    .SelectMany(h => hubEvenings.TryGetValue(h, out var byDate) && byDate.TryGetValue(d, out var list) ? list : [])
                    .ToList();
                var window = windows[d];
                return (window.End - window.Start) - UnionLength(offered) > tolerance;
            }).ToList();
            var weekendGaps = weekendDates.Where(d => !served.Any(h => hubWeekends.TryGetValue(h, out var dates) && dates.Contains(d))).ToList();
            result[practiceId] = new PracticeCoverage(
                practiceId,
                eveningDates.Count == 0 ? null : eveningGaps.Count == 0,
                weekendDates.Count == 0 ? null : weekendGaps.Count == 0,
                eveningGaps,
                weekendGaps);
        }

        return result;
    }

    /// <summary>Length of the union: parallel clinicians and overlapping hubs must not count the same minute twice.</summary>
    private static TimeSpan UnionLength(List<CoverInterval> intervals) =>
        ComplianceDaySummaries.Merge(intervals).Aggregate(TimeSpan.Zero, (total, i) => total + (i.EndUtc - i.StartUtc));

    private static TValue Get<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key)
        where TKey : notnull
        where TValue : new()
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = new TValue();
            map[key] = value;
        }

        return value;
    }
}
