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
        ArgumentNullException.ThrowIfNull(practiceIds);
        ArgumentNullException.ThrowIfNull(hubs);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(bankHolidays);
        rules ??= ComplianceRules.Default;
        if (rules.EveningCoveredUntil <= rules.EveningStart)
        {
            throw new ArgumentException("The evening coverage window must end after it starts.", nameof(rules));
        }

        var days = new LondonDays(bankHolidays, rules.EveningStart);
        var eveningDates = range.Dates().Where(d => days[d].Kind == DayKind.Weekday).ToList();
        var weekendDates = range.Dates().Where(d => d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday).ToList();
        var windows = eveningDates.ToDictionary(
            d => d,
            d => (Start: days[d].ExtendedStartUtc, End: ExtendedHours.WallClockUtc(d, rules.EveningCoveredUntil)));

        // Kept per hub and merged per practice later: two hubs may split one evening between them.
        var hubEvenings = new Dictionary<int, Dictionary<DateOnly, List<(DateTime Start, DateTime End)>>>();
        var hubWeekends = new Dictionary<int, HashSet<DateOnly>>();
        foreach (var slot in slots.Where(s => s.IsOffered && s.EndUtc > s.StartUtc))
        {
            for (var date = days.DateOf(slot.StartUtc); date <= days.DateOf(slot.EndUtc.AddTicks(-1)); date = date.AddDays(1))
            {
                if (windows.TryGetValue(date, out var window))
                {
                    var start = slot.StartUtc > window.Start ? slot.StartUtc : window.Start;
                    var end = slot.EndUtc < window.End ? slot.EndUtc : window.End;
                    if (end > start)
                    {
                        Get(Get(hubEvenings, slot.HubId), date).Add((start, end));
                    }
                }
                else if (range.Contains(date) && date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    Get(hubWeekends, slot.HubId).Add(date);
                }
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
    private static TimeSpan UnionLength(List<(DateTime Start, DateTime End)> intervals)
    {
        intervals.Sort((a, b) => a.Start.CompareTo(b.Start));
        var total = TimeSpan.Zero;
        DateTime? runStart = null;
        var runEnd = DateTime.MinValue;
        foreach (var (start, end) in intervals)
        {
            if (runStart is null || start > runEnd)
            {
                if (runStart is { } s)
                {
                    total += runEnd - s;
                }

                runStart = start;
                runEnd = end;
            }
            else if (end > runEnd)
            {
                runEnd = end;
            }
        }

        if (runStart is { } last)
        {
            total += runEnd - last;
        }

        return total;
    }

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
