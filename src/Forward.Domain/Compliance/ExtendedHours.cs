using Forward.Domain.Calendar;
using Forward.Domain.Time;

namespace Forward.Domain.Compliance;

/// <summary>How the extended-access rules see a London calendar date.</summary>
public enum DayKind
{
    /// <summary>Monday to Friday and not a bank holiday: only the evening counts.</summary>
    Weekday,
    Saturday,
    Sunday,

    /// <summary>An England bank holiday on a weekday: the whole day counts, daytime included.</summary>
    BankHoliday,
}

/// <summary>The part of a slot that falls on one London date and inside extended hours.</summary>
public sealed record ExtendedPart(DateOnly LondonDate, DayKind Kind, DateTime StartUtc, DateTime EndUtc)
{
    /// <summary>Real elapsed minutes, rounded to the ledger's precision so that sums stay exact.</summary>
    public decimal Minutes => ExtendedHours.ToMinutes(EndUtc - StartUtc);
}

/// <summary>
/// Which offered minutes count towards the national extended-access requirement: a weekday from the evening start
/// (18:30 London time) to midnight, and all of a Saturday, a Sunday or an England bank holiday. A weekday morning
/// before 08:00 does not count: the requirement the seeds quote names evenings and weekends only.
/// </summary>
public static class ExtendedHours
{
    /// <summary>Decimal places kept for minutes; fixed so that apportioned shares add back exactly.</summary>
    public const int MinutePrecision = 4;

    public static readonly TimeOnly DefaultEveningStart = new(18, 30);

    public static DayKind KindOf(DateOnly londonDate, BankHolidayCalendar bankHolidays)
    {
        ArgumentNullException.ThrowIfNull(bankHolidays);
        return londonDate.DayOfWeek switch
        {
            DayOfWeek.Saturday => DayKind.Saturday,
            DayOfWeek.Sunday => DayKind.Sunday,
            _ when bankHolidays.IsBankHoliday(londonDate) => DayKind.BankHoliday,
            _ => DayKind.Weekday,
        };
    }

    /// <summary>
    /// Cuts the interval at London midnights and keeps the extended-hours part of each day. Minutes are real elapsed
    /// time, so a night slot across the March change is an hour shorter; the evening never meets a clock change
    /// (changes happen at 01:00 UTC on Sundays), so an 18:30–20:00 session is 90 minutes on every day of the year.
    /// </summary>
    public static IEnumerable<ExtendedPart> Split(DateTime startUtc, DateTime endUtc, BankHolidayCalendar bankHolidays, TimeOnly? eveningStart = null) =>
        new LondonDays(bankHolidays, eveningStart ?? DefaultEveningStart).Split(startUtc, endUtc);

    public static decimal Minutes(DateTime startUtc, DateTime endUtc, BankHolidayCalendar bankHolidays, TimeOnly? eveningStart = null) =>
        Split(startUtc, endUtc, bankHolidays, eveningStart).Sum(p => p.Minutes);

    /// <summary>Only the parts whose London date lies in the range: how a slot across a range boundary is shared.</summary>
    public static decimal MinutesWithin(DateRange range, DateTime startUtc, DateTime endUtc, BankHolidayCalendar bankHolidays, TimeOnly? eveningStart = null) =>
        new LondonDays(bankHolidays, eveningStart ?? DefaultEveningStart).MinutesWithin(range, startUtc, endUtc);

    internal static decimal ToMinutes(TimeSpan span) =>
        decimal.Round((decimal)span.Ticks / TimeSpan.TicksPerMinute, MinutePrecision, MidpointRounding.ToEven);

    internal static DateTime WallClockUtc(DateOnly date, TimeOnly time) =>
        London.ToUtc(date, time) ?? throw new ArgumentOutOfRangeException(nameof(time), $"{time} does not exist in London on {date}.");
}

/// <summary>
/// London calendar days with their UTC boundaries, worked out once per date: a year of slots would otherwise ask the
/// time zone database the same questions hundreds of thousands of times.
/// </summary>
internal sealed class LondonDays
{
    private readonly Dictionary<DateOnly, Day> days = [];
    private readonly BankHolidayCalendar bankHolidays;
    private readonly TimeOnly eveningStart;

    public LondonDays(BankHolidayCalendar bankHolidays, TimeOnly eveningStart)
    {
        ArgumentNullException.ThrowIfNull(bankHolidays);
        this.bankHolidays = bankHolidays;
        this.eveningStart = eveningStart;
    }

    public Day this[DateOnly date]
    {
        get
        {
            if (!days.TryGetValue(date, out var day))
            {
                var kind = ExtendedHours.KindOf(date, bankHolidays);
                var start = London.StartOfDayUtc(date);
                day = new Day(date, kind, start, London.StartOfDayUtc(date.AddDays(1)), kind == DayKind.Weekday ? ExtendedHours.WallClockUtc(date, eveningStart) : start);
                days[date] = day;
            }

            return day;
        }
    }

    /// <summary>London is never behind UTC and at most an hour ahead, so the London date is the UTC date or the next.</summary>
    public DateOnly DateOf(DateTime utc)
    {
        if (utc.Kind == DateTimeKind.Local)
        {
            throw new ArgumentException("Pass a UTC instant, not a machine-local time.", nameof(utc));
        }

        var date = DateOnly.FromDateTime(utc);
        return utc >= this[date.AddDays(1)].StartUtc ? date.AddDays(1) : date;
    }

    public IEnumerable<ExtendedPart> Split(DateTime startUtc, DateTime endUtc)
    {
        if (endUtc <= startUtc)
        {
            yield break;
        }

        for (var date = DateOf(startUtc); ; date = date.AddDays(1))
        {
            var day = this[date];
            if (day.StartUtc >= endUtc)
            {
                yield break;
            }

            var from = startUtc > day.ExtendedStartUtc ? startUtc : day.ExtendedStartUtc;
            var to = endUtc < day.EndUtc ? endUtc : day.EndUtc;
            if (to > from)
            {
                yield return new ExtendedPart(date, day.Kind, DateTime.SpecifyKind(from, DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc));
            }
        }
    }

    public decimal MinutesWithin(DateRange range, DateTime startUtc, DateTime endUtc)
    {
        ArgumentNullException.ThrowIfNull(range);
        return Split(startUtc, endUtc).Where(p => range.Contains(p.LondonDate)).Sum(p => p.Minutes);
    }

    /// <param name="ExtendedStartUtc">Where extended hours begin: the evening start on a weekday, midnight otherwise.</param>
    internal readonly record struct Day(DateOnly Date, DayKind Kind, DateTime StartUtc, DateTime EndUtc, DateTime ExtendedStartUtc);
}
