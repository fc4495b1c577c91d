using Forward.Domain.Organisations;
using Forward.Domain.Time;

namespace Forward.Domain.Consultation;

/// <summary>
/// A practice's online consultation settings: whether it takes requests at all, and how many per London day before it
/// pauses until tomorrow, so the queue never holds more than the practice can answer by the deadline.
/// </summary>
public class PracticeOnlineSettings
{
    public const int MaxMessageLength = 500;

    public int PracticeId { get; set; }

    public Practice? Practice { get; set; }

    public bool AcceptingRequests { get; set; } = true;

    /// <summary>Requests accepted per London calendar day; 0 (or less) means none, which reads as paused.</summary>
    public int DailyCap { get; set; }

    /// <summary>The practice's own words for patients while paused (optional).</summary>
    public string? PausedMessage { get; set; }

    /// <summary>True where the seeds say nothing about the practice's online service and the values are generated.</summary>
    public bool IsSynthetic { get; set; }
}

public enum CapDecisionKind
{
    Accepted,
    Paused,
    Full,
}

/// <summary>Whether a new request is taken, and if not the message for the patient.</summary>
public sealed record CapDecision(CapDecisionKind Kind, string? Message)
{
    public bool Accepted => Kind == CapDecisionKind.Accepted;
}

/// <summary>The daily cap rule. Pure: the caller counts today's requests.</summary>
public static class DailyCap
{
    /// <summary>
    /// Accepted while the practice is accepting and fewer than its cap have arrived today (so with a cap of N, the Nth
    /// request is accepted and the N+1th is not). A cap of 0 or less is paused: such a practice takes nothing tomorrow
    /// either, so "try again tomorrow" would send patients back to a form that will refuse them again.
    /// </summary>
    public static CapDecision Check(bool accepting, int cap, int receivedToday, string practiceName, string? pausedMessage = null)
    {
        if (!accepting || cap <= 0)
        {
            var own = string.IsNullOrWhiteSpace(pausedMessage) ? string.Empty : " " + pausedMessage.Trim();
            return new CapDecision(CapDecisionKind.Paused, $"{practiceName} is not taking online requests at the moment.{own} Contact the practice by phone, or for urgent help call 111.");
        }

        return receivedToday >= cap
            ? new CapDecision(CapDecisionKind.Full, $"{practiceName} has had as many online requests today as it can answer. Try again tomorrow, contact the practice by phone, or for urgent help call 111.")
            : new CapDecision(CapDecisionKind.Accepted, null);
    }

    public static CapDecision Check(PracticeOnlineSettings? settings, int receivedToday, string practiceName) =>
        settings is null
            ? Check(false, 0, receivedToday, practiceName)
            : Check(settings.AcceptingRequests, settings.DailyCap, receivedToday, practiceName, settings.PausedMessage);

    /// <summary>The UTC range of the London day containing <paramref name="nowUtc"/>: [start, end).</summary>
    public static (DateTime StartUtc, DateTime EndUtc) LondonDay(DateTime nowUtc)
    {
        var today = DateOnly.FromDateTime(London.ToLocal(nowUtc));
        return (London.StartOfDayUtc(today), London.StartOfDayUtc(today.AddDays(1)));
    }
}
