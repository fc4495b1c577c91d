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

    public static string Describe(IEnumerable<SessionTimes> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        var byDays = sessions
            .Where(s => s.Days != SessionDays.None)
            .GroupBy(s => s.Days)
            .OrderBy(g => FirstDay(g.Key))
            .Select(g => $"{g.Key.Describe()} {string.Join(", ", Union(g).Select(i => $"{i.Start:hh\\:mm}–{Clock(i.End)}"))}")
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

    /// <summary>Weekday groups before weekend ones, each in week order.</summary>
    private static int FirstDay(SessionDays days) => days == SessionDays.BankHolidays ? 8 : System.Numerics.BitOperations.TrailingZeroCount((int)days);
}
