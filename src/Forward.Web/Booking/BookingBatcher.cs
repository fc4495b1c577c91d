using System.Collections.Concurrent;

namespace Forward.Web.Booking;

/// <summary>
/// Groups the bookings arriving at the same moment so they commit together (group commit): while one batch is being
/// written the next gathers, and a quiet server writes each booking as soon as it arrives. One batch at a time per
/// server; the database's constraints, not this queue, are what keep a slot from being booked twice.
/// </summary>
public sealed class BookingBatcher(IServiceScopeFactory scopes)
{
    /// <summary>Enough to keep the write lock busy with useful work, few enough that one batch stays short.</summary>
    public const int MaxBatch = 64;

    private readonly ConcurrentQueue<PendingBooking> waiting = new();
    private int draining;

    /// <summary>Queues the booking; the task ends with its appointment, or with why it was refused.</summary>
    public Task<AppointmentView> BookAsync(PendingBooking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        waiting.Enqueue(booking);
        if (Interlocked.CompareExchange(ref draining, 1, 0) == 0)
        {
            // The writer serves every request in the queue, so it must not carry the first one's context (its trace,
            // its cancellation) into the others' work.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync);
            }
        }

        return booking.Outcome;
    }

    private async Task DrainAsync()
    {
        do
        {
            while (Take() is { Count: > 0 } batch)
            {
                await WriteAsync(batch);
            }

            Volatile.Write(ref draining, 0);

            // A booking queued after the last Take but before the flag was cleared found a writer still running and did
            // not start one: take it on rather than leave it waiting for the next arrival.
        }
        while (!waiting.IsEmpty && Interlocked.CompareExchange(ref draining, 1, 0) == 0);
    }

    private List<PendingBooking> Take()
    {
        var batch = new List<PendingBooking>();
        while (batch.Count < MaxBatch && waiting.TryDequeue(out var booking))
        {
            if (booking.RequestAborted.IsCancellationRequested)
            {
                booking.Abandoned();
            }
            else
            {
                batch.Add(booking);
            }
        }

        return batch;
    }

    private async Task WriteAsync(List<PendingBooking> batch)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<BookingWriter>().CommitAsync(batch, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // No scope (the server is shutting down): the bookers hear it rather than wait for ever.
            BookingWriter.RefuseUndecided(batch, ex);
        }
    }
}
