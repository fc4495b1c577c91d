using System.Diagnostics;
using System.Diagnostics.Metrics;
using Forward.Domain;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Forward's own traces and metrics for the two operations that matter most under load: booking and free-slot search.
/// Tags carry only the channel, the outcome and counts — never a patient, an NHS number or free text — so the telemetry
/// can leave the building. OpenTelemetry (see ForwardApp) exports them when an OTLP endpoint is configured.
/// </summary>
public static class ForwardTelemetry
{
    public const string Name = "Forward";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Bookings = Meter.CreateCounter<long>("forward.bookings", description: "Booking attempts by channel and outcome (booked, replayed, conflict, invalid, refused, error).");

    private static readonly Histogram<double> BookingDuration = Meter.CreateHistogram<double>("forward.booking.duration", unit: "ms", description: "Time to book, from request to commit.");

    private static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>("forward.slot_search.duration", unit: "ms", description: "Time to search free slots.");

    /// <summary>Runs a booking inside an activity and records its outcome and duration.</summary>
    public static async Task<T> BookingAsync<T>(string channel, Func<Task<T>> book, Func<T, string> outcomeOf)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(outcomeOf);
        using var activity = Source.StartActivity("booking.book");
        activity?.SetTag("forward.channel", channel);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await book();
            outcome = outcomeOf(result);
            return result;
        }
        catch (DomainException e)
        {
            outcome = e.Kind switch
            {
                DomainErrorKind.Conflict => "conflict",
                DomainErrorKind.Forbidden => "refused",
                _ => "invalid",
            };
            throw;
        }
        finally
        {
            activity?.SetTag("forward.outcome", outcome);
            if (outcome == "error")
            {
                // Refusals and conflicts are answers, not faults: only an unexpected failure marks the span as an error.
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            var tags = new TagList { { "forward.channel", channel }, { "forward.outcome", outcome } };
            Bookings.Add(1, tags);
            BookingDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }

    /// <summary>
    /// The span of one group of bookings written together, linked to each booking request's span (the writer serves many
    /// requests at once, so it has no single parent); tagged with how many were in the group and how many were booked.
    /// </summary>
    public static Activity? StartBookingWrite(IEnumerable<ActivityContext> requests, int count)
    {
        var links = requests.Where(c => c != default).Select(c => new ActivityLink(c)).ToList();
        var activity = Source.StartActivity("booking.write", ActivityKind.Internal, parentContext: Activity.Current?.Context ?? default, links: links);
        activity?.SetTag("forward.batch_size", count);
        return activity;
    }

    /// <summary>Runs a slot search inside an activity and records its duration and how many slots it found.</summary>
    public static async Task<T> SearchAsync<T>(Func<Task<T>> search, Func<T, int> countOf)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(countOf);
        using var activity = Source.StartActivity("slots.search");
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await search();
            outcome = "ok";
            activity?.SetTag("forward.slots", countOf(result));
            return result;
        }
        catch (DomainException)
        {
            outcome = "invalid";
            throw;
        }
        finally
        {
            activity?.SetTag("forward.outcome", outcome);
            SearchDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new TagList { { "forward.outcome", outcome } });
        }
    }
}
