using System.Globalization;
using Forward.Domain;
using Forward.Domain.Compliance;
using Forward.Domain.Time;

namespace Forward.Web.Compliance;

/// <summary>
/// A calendar month the assurance report is about, written "yyyy-MM" in links and forms. A month, not a date range,
/// because NHS England asks for the figures month by month; the range is the whole London calendar month.
/// </summary>
public readonly record struct AssuranceMonth : IComparable<AssuranceMonth>
{
    /// <summary>Extended access began in 2016/17: no earlier month can have figures worth sending.</summary>
    public static readonly AssuranceMonth Earliest = new(2016, 1);

    public AssuranceMonth(int year, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Year = year;
        Month = month;
    }

    public int Year { get; }

    public int Month { get; }

    public DateOnly First => new(Year, Month, 1);

    public DateOnly Last => First.AddMonths(1).AddDays(-1);

    /// <summary>Every London date of the month.</summary>
    public DateRange Range => new(First, Last);

    /// <summary>"June 2026".</summary>
    public string Name => First.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"));

    /// <summary>The month containing the London date.</summary>
    public static AssuranceMonth Of(DateOnly date) => new(date.Year, date.Month);

    /// <summary>The last complete month in London: the one a report is normally sent for.</summary>
    public static AssuranceMonth Previous(TimeProvider clock) => Of(London.Today(clock).AddMonths(-1));

    /// <summary>
    /// Reads "yyyy-MM". A missing, malformed, pre-2016 or future month is a field error on <paramref name="field"/>
    /// (the current month is allowed: a commissioner may look at it before it ends, and the report says it is unfinished).
    /// </summary>
    public static AssuranceMonth Parse(string? value, TimeProvider clock, string field = "month") =>
        TryParse(value, clock, out var month, out var error)
            ? month
            : throw ValidationFailedException.On(field, error!);

    /// <summary>Reads "yyyy-MM"; when it is not a month a report can be made for, false and the message to show.</summary>
    public static bool TryParse(string? value, TimeProvider clock, out AssuranceMonth month, out string? error)
    {
        ArgumentNullException.ThrowIfNull(clock);
        month = default;
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "Enter a month, for example 2026-05";
        }
        else if (text.Length != 7 || !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            error = "Enter the month as year and month with a dash, for example 2026-05";
        }
        else if (Of(first) < Earliest)
        {
            error = "The month must be January 2016 or later";
        }
        else if (Of(first) > Of(London.Today(clock)))
        {
            error = "The month must not be in the future";
        }
        else if (!Forward.Domain.Calendar.BankHolidayCalendar.England.Covers(first))
        {
            // The report's rules need the month's bank holidays, and the calendar lists them only so far.
            error = string.Create(CultureInfo.InvariantCulture, $"The month must be December {Forward.Domain.Calendar.BankHolidayCalendar.England.LastYear} or earlier: Forward knows England's bank holidays only to then");
        }
        else
        {
            month = Of(first);
            error = null;
        }

        return error is null;
    }

    /// <summary>True when the month has not finished yet in London, so its figures are still changing.</summary>
    public bool IsUnfinished(TimeProvider clock) => London.Today(clock) <= Last;

    public static bool operator <(AssuranceMonth left, AssuranceMonth right) => left.CompareTo(right) < 0;

    public static bool operator >(AssuranceMonth left, AssuranceMonth right) => left.CompareTo(right) > 0;

    public static bool operator <=(AssuranceMonth left, AssuranceMonth right) => left.CompareTo(right) <= 0;

    public static bool operator >=(AssuranceMonth left, AssuranceMonth right) => left.CompareTo(right) >= 0;

    public int CompareTo(AssuranceMonth other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    /// <summary>"2026-06".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Month:00}");
}
