using Forward.Domain.Time;

namespace Forward.Domain.Compliance;

/// <summary>
/// An inclusive run of London calendar dates: the period a compliance figure covers. Everything is cut at London
/// midnights so that a week or a month in a report means what a person in England reads on the calendar.
/// </summary>
public sealed record DateRange
{
    /// <summary>Longest range accepted: ten years is far beyond any report and keeps day-by-day work bounded.</summary>
    public const int MaxDays = 3660;

    public DateRange(DateOnly from, DateOnly to)
    {
        if (!DateBounds.Contains(from) || !DateBounds.Contains(to))
        {
            throw DomainException.Invalid("date-out-of-bounds", DateBounds.Message);
        }

        if (to < from)
        {
            throw DomainException.Invalid("invalid-date-range", "The end date must be on or after the start date.");
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            throw DomainException.Invalid("date-range-too-long", $"A compliance period can be at most {MaxDays} days.");
        }

        From = from;
        To = to;
    }

    /// <summary>
    /// The range a user asked for, checked field by field (errors keyed "from" and "to", each message fit to show beside
    /// its field): both ends given, within <see cref="DateBounds"/>, in order and at most <paramref name="maxDays"/>
    /// long. With both ends missing, the four weeks up to the end of <paramref name="today"/>'s week.
    /// </summary>
    public static DateRange FromRequest(DateOnly? from, DateOnly? to, DateOnly today, int maxDays)
    {
        if (from is null && to is null)
        {
            var sunday = today.AddDays((7 - (int)today.DayOfWeek) % 7);
            return new DateRange(sunday.AddDays(-27), sunday);
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (from is not { } f)
        {
            errors["from"] = "Enter a start date";
        }
        else if (!DateBounds.Contains(f))
        {
            errors["from"] = DateBounds.Message;
        }

        if (to is not { } t)
        {
            errors["to"] = "Enter an end date";
        }
        else if (!DateBounds.Contains(t))
        {
            errors["to"] = DateBounds.Message;
        }
        else if (from is { } start && DateBounds.Contains(start))
        {
            if (t < start)
            {
                errors["to"] = "The end date must be the same as or after the start date";
            }
            else if (t.DayNumber - start.DayNumber + 1 > maxDays)
            {
                errors["to"] = $"The date range can be at most {maxDays} days";
            }
        }

        ValidationFailedException.ThrowIfAny(errors);
        return new DateRange(from!.Value, to!.Value);
    }

    public DateOnly From { get; }

    public DateOnly To { get; }

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>Days ÷ 7: a partial week counts as its fraction, so a 10-day range is 10/7 weeks.</summary>
    public decimal Weeks => Days / 7m;

    /// <summary>The first instant of <see cref="From"/> in London, as UTC.</summary>
    public DateTime StartUtc => London.StartOfDayUtc(From);

    /// <summary>The first instant after <see cref="To"/> in London, as UTC (exclusive end).</summary>
    public DateTime EndUtc => London.StartOfDayUtc(To.AddDays(1));

    public bool Contains(DateOnly date) => date >= From && date <= To;

    public IEnumerable<DateOnly> Dates()
    {
        for (var d = From; d <= To; d = d.AddDays(1))
        {
            yield return d;
        }
    }

    /// <summary>
    /// Monday to Sunday and nothing cut off. A clipped week holds an uneven mix of days (weekend days count whole,
    /// weekdays only from 18:30), so its per-week figure cannot be judged against a weekly target.
    /// </summary>
    public bool IsWholeWeek => From.DayOfWeek == DayOfWeek.Monday && Days == 7;

    /// <summary>
    /// Whether a figure per week over the whole range can be judged against a weekly target: the range is whole
    /// Monday-to-Sunday weeks, or long enough (four weeks or more) that the days it adds or leaves out move it little.
    /// </summary>
    public bool IsRateable => (From.DayOfWeek == DayOfWeek.Monday && Days % 7 == 0) || Days >= 28;

    /// <summary>Monday-to-Sunday weeks, the first and last clipped to the range: the rows of a weekly trend.</summary>
    public IReadOnlyList<DateRange> SplitIntoWeeks()
    {
        var weeks = new List<DateRange>();
        var start = From;
        while (start <= To)
        {
            var daysToSunday = ((int)DayOfWeek.Sunday - (int)start.DayOfWeek + 7) % 7;
            var end = start.AddDays(daysToSunday);
            if (end > To)
            {
                end = To;
            }

            weeks.Add(new DateRange(start, end));
            start = end.AddDays(1);
        }

        return weeks;
    }

    /// <summary>Calendar months, the first and last clipped to the range: the rows of a monthly assurance report.</summary>
    public IReadOnlyList<DateRange> SplitIntoMonths()
    {
        var months = new List<DateRange>();
        var start = From;
        while (start <= To)
        {
            var end = new DateOnly(start.Year, start.Month, 1).AddMonths(1).AddDays(-1);
            if (end > To)
            {
                end = To;
            }

            months.Add(new DateRange(start, end));
            start = end.AddDays(1);
        }

        return months;
    }

    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}
