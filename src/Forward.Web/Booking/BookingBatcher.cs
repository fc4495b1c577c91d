using System.Collections.Concurrent;

namespace Forward.Web.Booking;

/// <summary>
/// Groups the bookings arriving at the same moment so they commit together (group commit): while one batch is being
/// written the next gathers, and a quiet server writes each booking as soon as it arrives. The database's constraints,
/// not this queue, are what keep a slot from being booked twice.
/// </summary>
/// <remarks>
/// With more than one writer (PostgreSQL, which locks rows, not the database) each writer has a queue of its own and a
/// booking goes to the one its first slot belongs to, so bookers racing for a slot meet in the same queue and are decided
/// by the batch's own rules instead of failing each other's batch at the unique index. SQLite writes one transaction at
/// a time, so there it is always one writer.
/// </remarks>
public sealed class BookingBatcher(IServiceScopeFactory scopes, int writers)
{
    /// <summary>Enough to keep the write lock busy with useful work, few enough that one batch stays short.</summary>
    public const int MaxBatch = 64;

    private readonly Lane[] lanes = [.. Enumerable.Range(0, writers >= 1 ? writers : throw new ArgumentOutOfRangeException(nameof(writers))).Select(_ => new Lane())];

    public int Writers => lanes.Length;

    /// <summary>Queues the booking; the task ends with its appointment, or with why it was refused.</summary>
    public Task<AppointmentView> BookAsync(PendingBooking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        var slots = booking.Request.SlotIds;
        var lane = lanes.Length == 1 || slots.Count == 0 ? lanes[0] : lanes[(int)((ulong)slots.Min() % (ulong)lanes.Length)];
        lane.Waiting.Enqueue(booking);
        if (Interlocked.CompareExchange(ref lane.Draining, 1, 0) == 0)
        {
            // The writer serves every request in the queue, so it must not carry the first one's context (its trace,
            // its cancellation) into the others' work.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => DrainAsync(lane));
            }
        }

        return booking.Outcome;
    }

    private async Task DrainAsync(Lane lane)
    {
        do
        {
            while (Take(lane.Waiting) is { Count: > 0 } batch)
            {
                await WriteAsync(batch);
            }

            // A full fence (not a plain store), so the emptiness check below cannot be read before the flag is cleared.
            Interlocked.Exchange(ref lane.Draining, 0);

            // A booking queued after the last Take but before the flag was cleared found a writer still running and did
            // not start one: take it on rather than leave it waiting for the next arrival.
        }
        while (!lane.Waiting.IsEmpty && Interlocked.CompareExchange(ref lane.Draining, 1, 0) == 0);
    }

    private static List<PendingBooking> Take(ConcurrentQueue<PendingBooking> waiting)
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

    private sealed class Lane
    {
        public readonly ConcurrentQueue<PendingBooking> Waiting = new();

        public int Draining;
    }
}
