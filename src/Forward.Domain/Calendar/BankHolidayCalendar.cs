using System.Globalization;

namespace Forward.Domain.Calendar;

/// <summary>
/// England and Wales bank holidays, read from data (england-bank-holidays.csv, embedded) rather than scattered dates.
/// Covers 2016–2030; extend the file when new years are announced.
/// </summary>
public sealed class BankHolidayCalendar
{
    private readonly Dictionary<DateOnly, string> holidays;

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

    public bool IsBankHoliday(DateOnly date) => holidays.ContainsKey(date);

    /// <summary>Whether the calendar lists the bank holidays of <paramref name="date"/>'s year (outside them it knows none).</summary>
    public bool Covers(DateOnly date) => date.Year >= FirstYear && date.Year <= LastYear;

    public string? NameOf(DateOnly date) => holidays.GetValueOrDefault(date);

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
