namespace Forward.Domain.Time;

/// <summary>
/// England's wall clock. Rotas are written in Europe/London local time; instants are stored in UTC.
/// </summary>
public static class London
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>
    /// The UTC instant of a London wall-clock time. A time that does not exist (the hour skipped when clocks
    /// go forward in March) returns null; a time that happens twice (October) resolves to the first, BST, one.
    /// </summary>
    public static DateTime? ToUtc(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            return null;
        }

        if (Zone.IsAmbiguousTime(local))
        {
            var offsets = Zone.GetAmbiguousTimeOffsets(local);
            var summer = offsets.Max();
            return DateTime.SpecifyKind(local - summer, DateTimeKind.Utc);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    public static DateTime ToLocal(DateTime utc)
    {
        if (utc.Kind == DateTimeKind.Local)
        {
            throw new ArgumentException("Pass a UTC instant, not a machine-local time.", nameof(utc));
        }

        return TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);
    }

    /// <summary>
    /// The London wall-clock time with its offset from UTC (+00:00 in winter, +01:00 in summer): on the last Sunday of
    /// October 01:30 happens twice, and only the offset tells the two apart.
    /// </summary>
    public static DateTimeOffset ToLocalWithOffset(DateTime utc)
    {
        var local = ToLocal(utc);
        return new DateTimeOffset(local, local - DateTime.SpecifyKind(utc, DateTimeKind.Unspecified));
    }

    /// <summary>
    /// A London wall-clock time, "01:30", with " BST" or " GMT" added when that time happens twice (the hour after
    /// 01:00 on the last Sunday of October), so two appointments an hour apart are never both shown as "01:30".
    /// </summary>
    public static string ClockTime(DateTime utc) =>
        ToLocal(utc).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + RepeatedHourMark(utc);

    /// <summary>" BST" or " GMT" when the instant's London time happens twice (the October hour), else nothing.</summary>
    public static string RepeatedHourMark(DateTime utc) =>
        !Zone.IsAmbiguousTime(ToLocal(utc)) ? string.Empty
        : Zone.GetUtcOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) > TimeSpan.Zero ? " BST" : " GMT";

    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return DateOf(clock.GetUtcNow().UtcDateTime);
    }

    /// <summary>The London calendar date an instant falls on.</summary>
    public static DateOnly DateOf(DateTime utc) => DateOnly.FromDateTime(ToLocal(utc));

    /// <summary>Start of a London calendar day as a UTC instant (midnight never falls in a clock-change gap in the UK).</summary>
    public static DateTime StartOfDayUtc(DateOnly date) => ToUtc(date, TimeOnly.MinValue)!.Value;
}
