namespace Forward.Domain.Hubs;

/// <summary>A session's days and London times, as a hub's bookable hours are described from them.</summary>
public sealed record SessionTimes(SessionDays Days, TimeOnly Start, TimeOnly End);

/// <summary>
/// A hub's bookable hours in words, from the sessions its rota runs now ("Mon–Fri 18:30–20:00; Sat 09:00–13:00"):
/// what a navigator tells a caller must follow the rota, not the hours it was first seeded with.
/// </summary>
public static class HubHours
{
    public const string None = "No bookable sessions at present";

    /// <summary>The days a session can name, in the order hours are told: the week, then bank holidays.</summary>
    private static readonly SessionDays[] EachDay =
    [
        SessionDays.Monday, SessionDays.Tuesday, SessionDays.Wednesday, SessionDays.Thursday, SessionDays.Friday,
        SessionDays.Saturday, SessionDays.Sunday, SessionDays.BankHolidays,
    ];

    /// <summary>
    /// Day by day, the stretches every session running that day covers; days with the same stretches are told together.
    /// A weekday clinic and a Monday and Wednesday one inside its hours are "Mon–Fri 18:30–20:00", not two groups.
    /// </summary>
    public static string Describe(IEnumerable<SessionTimes> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var all = sessions.ToList();
        var byDays = EachDay
            .Select(day => (Day: day, Hours: string.Join(", ", Union(all.Where(s => s.Days.HasFlag(day))).Select(i => $"{i.Start:hh\\:mm}–{Clock(i.End)}"))))
            .Where(d => d.Hours.Length > 0)
            .GroupBy(d => d.Hours, StringComparer.Ordinal)
            .Select(g => $"{g.Aggregate(SessionDays.None, (days, d) => days | d.Day).Describe()} {g.Key}")
            .ToList();
        return byDays.Count == 0 ? None : string.Join("; ", byDays);
    }

    /// <summary>Sessions on the same days that overlap or meet are one stretch of hours (two clinicians, a GP and a nurse).</summary>
    private static List<(TimeSpan Start, TimeSpan End)> Union(IEnumerable<SessionTimes> sessions)
    {
        var merged = new List<(TimeSpan Start, TimeSpan End)>();
        foreach (var (start, end) in sessions.Select(s => (s.Start.ToTimeSpan(), Session.EndOfDay(s.End))).OrderBy(i => i.Item1))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, end > merged[^1].End ? end : merged[^1].End);
            }
            else
            {
                merged.Add((start, end));
            }
        }

        return merged;
    }

    private static string Clock(TimeSpan end) => end == TimeSpan.FromDays(1) ? "24:00" : $"{end:hh\\:mm}";
}
