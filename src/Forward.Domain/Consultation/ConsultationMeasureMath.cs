namespace Forward.Domain.Consultation;

/// <summary>
/// The arithmetic behind the online-consultation measures, kept apart from the queries so the rules (what counts as on
/// time, how an even count's median is taken, what an empty group shows) are tested once and used the same everywhere.
/// Every function returns null where the measure has no denominator, so a page says "not applicable" instead of 0%.
/// </summary>
public static class ConsultationMeasureMath
{
    /// <summary>
    /// Answered within the deadline: the patient's first reply (a message from the practice, or an appointment booked from
    /// the request) at or before <paramref name="deadlineUtc"/>. Closing without a reply is not an answer, and a request
    /// never replied to is never on time, however far off its deadline; callers leave out requests not yet due.
    /// </summary>
    public static bool AnsweredWithinDeadline(DateTime deadlineUtc, DateTime? firstReplyUtc) =>
        firstReplyUtc is { } replied && replied <= deadlineUtc;

    /// <summary><paramref name="part"/> of <paramref name="whole"/> as a fraction (0.5 for half); null when nothing is due.</summary>
    public static decimal? Share(int part, int whole)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfNegative(whole);
        if (part > whole)
        {
            throw new ArgumentOutOfRangeException(nameof(part), "The part cannot be more than the whole.");
        }

        return whole == 0 ? null : (decimal)part / whole;
    }

    /// <summary>Requests per 1,000 registered patients over the period (not per week); null for an empty list.</summary>
    public static decimal? Per1000(int count, long registeredPatients)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(registeredPatients);
        return registeredPatients == 0 ? null : count * 1000m / registeredPatients;
    }

    /// <summary>The middle value; for an even count, the mean of the two middle values. Null when there are none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The arithmetic mean; null when there are none.</summary>
    public static double? Mean(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var count = 0;
        var sum = 0d;
        foreach (var v in values)
        {
            count++;
            sum += v;
        }

        return count == 0 ? null : sum / count;
    }

    /// <summary>Time to close in plain elapsed hours (nights, weekends and bank holidays count), from submission.</summary>
    public static double HoursToClose(DateTime submittedUtc, DateTime closedUtc) => (closedUtc - submittedUtc).TotalHours;
}
