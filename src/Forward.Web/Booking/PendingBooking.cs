using System.Diagnostics;
using Forward.Domain.Booking;
using Forward.Web.Access;

namespace Forward.Web.Booking;

/// <summary>
/// A validated booking waiting for its turn to be written. Its outcome (the appointment, or why it was refused) is set
/// once, after the transaction that decided it has committed or rolled back.
/// </summary>
public sealed class PendingBooking(
    BookingRequest request,
    Actor actor,
    string? nhsNumber,
    DateTime requestedUtc,
    ActivityContext requestActivity,
    Func<Appointment, CancellationToken, Task>? alsoInTransaction,
    CancellationToken requestAborted)
{
    private readonly TaskCompletionSource<AppointmentView> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BookingRequest Request { get; } = request;

    public Actor Actor { get; } = actor;

    /// <summary>The patient's NHS number, normalised; null when the request names an existing patient by id.</summary>
    public string? NhsNumber { get; } = nhsNumber;

    /// <summary>
    /// When the booker asked: the booking windows and the appointment's creation time are measured from it. To the
    /// microsecond, which is what PostgreSQL keeps, so the appointment shown from memory is the one stored.
    /// </summary>
    public DateTime RequestedUtc { get; } = requestedUtc.AddTicks(-(requestedUtc.Ticks % TimeSpan.TicksPerMicrosecond));

    /// <summary>
    /// The booking request's span (default when nothing traces): the writer runs apart from the request, for a batch of
    /// them, so its own span links to each request's and its audit entries carry the request's trace.
    /// </summary>
    public ActivityContext RequestActivity { get; } = requestActivity;

    public string? TraceId => RequestActivity == default ? null : RequestActivity.TraceId.ToString();

    public Func<Appointment, CancellationToken, Task>? AlsoInTransaction { get; } = alsoInTransaction;

    /// <summary>The booker has gone away: a booking not yet started is not made.</summary>
    public CancellationToken RequestAborted { get; } = requestAborted;

    public Task<AppointmentView> Outcome => outcome.Task;

    public bool IsDecided => outcome.Task.IsCompleted;

    public void Booked(AppointmentView appointment) => outcome.TrySetResult(appointment);

    public void Refused(Exception reason) => outcome.TrySetException(reason);

    public void Abandoned() => outcome.TrySetCanceled(RequestAborted);
}
