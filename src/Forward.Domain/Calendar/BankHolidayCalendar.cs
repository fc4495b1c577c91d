using System.Globalization;

namespace Forward.Domain.Calendar;

/// <summary>
/// England and Wales bank holidays, read from data (england-bank-holidays.csv, embedded) rather than scattered dates.
/// The file lists the announced years, 2016–2030; extend it when new years are announced. For a later year, until it
/// is, <see cref="IsBankHoliday"/> answers from the standing rules (<see cref="StandingRules"/>), so rotas planned past
/// the file do not run weekday sessions on Good Friday or Christmas; one-off holidays (a coronation) come from the file
/// only. <see cref="Covers"/> still says which years were announced, for reports that must not rest on a guess.
/// </summary>
public sealed class BankHolidayCalendar
{
    private readonly Dictionary<DateOnly, string> holidays;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, Dictionary<DateOnly, string>> projected = new();

    public BankHolidayCalendar(IEnumerable<(DateOnly Date, string Name)> holidays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        this.holidays = holidays.ToDictionary(h => h.Date, h => h.Name);
        if (this.holidays.Count > 0)
        {
            FirstYear = this.holidays.Keys.Min().Year;
            LastYear = this.holidays.Keys.Max().Year;
        }
    }

    public static BankHolidayCalendar England { get; } = LoadEmbedded();

    public int FirstYear { get; }

    public int LastYear { get; }

    public IReadOnlyDictionary<DateOnly, string> All => holidays;

    public bool IsBankHoliday(DateOnly date) => NameOf(date) is not null;

    /// <summary>Whether the calendar lists the announced bank holidays of <paramref name="date"/>'s year.</summary>
    public bool Covers(DateOnly date) => date.Year >= FirstYear && date.Year <= LastYear;

    /// <summary>The holiday's name: announced up to <see cref="LastYear"/>, from the standing rules after it, none before the file.</summary>
    public string? NameOf(DateOnly date) =>
        holidays.Count == 0 || date.Year <= LastYear
            ? holidays.GetValueOrDefault(date)
            : projected.GetOrAdd(date.Year, year => StandingRules(year).ToDictionary(h => h.Date, h => h.Name)).GetValueOrDefault(date);

    /// <summary>
    /// The bank holidays England and Wales have every year (Banking and Financial Dealings Act 1971 and the yearly
    /// proclamations): New Year's Day, Good Friday, Easter Monday, the first and last Mondays of May, the last Monday of
    /// August, Christmas Day and Boxing Day, with a weekday substitute for each of the three fixed days that falls at a
    /// weekend. Named as gov.uk names them.
    /// </summary>
    public static IReadOnlyList<(DateOnly Date, string Name)> StandingRules(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1900);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9998);
        var easter = EasterSunday(year);
        var list = new List<(DateOnly, string)>
        {
            Substituted(new DateOnly(year, 1, 1), "New Year's Day"),
            (easter.AddDays(-2), "Good Friday"),
            (easter.AddDays(1), "Easter Monday"),
            (FirstMonday(year, 5), "Early May bank holiday"),
            (LastMonday(year, 5), "Spring bank holiday"),
            (LastMonday(year, 8), "Summer bank holiday"),
        };

        // Christmas and Boxing Day: a day at the weekend moves to the first weekday after both that is not already one.
        var christmas = new DateOnly(year, 12, 25);
        var boxingDay = christmas.AddDays(1);
        var taken = new HashSet<DateOnly>();
        foreach (var (date, name) in new[] { (christmas, "Christmas Day"), (boxingDay, "Boxing Day") })
        {
            if (!IsWeekend(date))
            {
                taken.Add(date);
                list.Add((date, name));
            }
        }

        foreach (var (date, name) in new[] { (christmas, "Christmas Day"), (boxingDay, "Boxing Day") })
        {
            if (IsWeekend(date))
            {
                var substitute = boxingDay.AddDays(1);
                while (IsWeekend(substitute) || taken.Contains(substitute))
                {
                    substitute = substitute.AddDays(1);
                }

                taken.Add(substitute);
                list.Add((substitute, name + " (substitute day)"));
            }
        }

        return [.. list.OrderBy(h => h.Item1)];
    }

    /// <summary>Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus, Jones, Butcher).</summary>
    public static DateOnly EasterSunday(int year)
    {
        var a = year % 19;
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new DateOnly(year, month, day);
    }

    private static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    private static (DateOnly, string) Substituted(DateOnly date, string name)
    {
        if (!IsWeekend(date))
        {
            return (date, name);
        }

        var monday = date.AddDays(date.DayOfWeek == DayOfWeek.Saturday ? 2 : 1);
        return (monday, name + " (substitute day)");
    }

    private static DateOnly FirstMonday(int year, int month)
    {
        var first = new DateOnly(year, month, 1);
        return first.AddDays(((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7);
    }

    private static DateOnly LastMonday(int year, int month)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-(((int)last.DayOfWeek - (int)DayOfWeek.Monday + 7) % 7));
    }

    public static BankHolidayCalendar Parse(TextReader csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var list = new List<(DateOnly, string)>();
        var header = csv.ReadLine();
        if (header != "date,name")
        {
            throw new FormatException("Bank holiday file must start with the header 'date,name'.");
        }

        string? line;
        var lineNo = 1;
        while ((line = csv.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            var comma = line.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || !DateOnly.TryParseExact(line[..comma], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new FormatException($"Bank holiday file line {lineNo} is not 'yyyy-MM-dd,name'.");
            }

            if (list.Any(h => h.Item1 == date))
            {
                // The file is kept by hand; a date entered twice would otherwise fail later without saying where.
                throw new FormatException($"Bank holiday file line {lineNo} repeats {date:yyyy-MM-dd}.");
            }

            list.Add((date, line[(comma + 1)..]));
        }

        return new BankHolidayCalendar(list);
    }

    private static BankHolidayCalendar LoadEmbedded()
    {
        using var stream = typeof(BankHolidayCalendar).Assembly.GetManifestResourceStream("Forward.Domain.Calendar.england-bank-holidays.csv")
            ?? throw new InvalidOperationException("Embedded bank holiday data is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
