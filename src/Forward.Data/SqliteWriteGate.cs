namespace Forward.Data;

/// <summary>
/// Queues this process's SQLite write transactions in memory, first come first served. SQLite has one write lock per
/// database file, and a connection that finds it taken does not wait on it: it sleeps and tries again (SQLite's busy
/// handler backs off to 100 ms between tries), so under concurrent bookings the lock stood free while the waiters
/// slept and the server sat idle. Behind this gate each writer starts the moment the one before it commits. It is an
/// optimisation, not the guard: SQLite's lock and the database constraints still decide, so a writer that does not
/// use the gate (another process, the history command) is merely slower. PostgreSQL locks rows, not the database, so
/// there the gate lets everyone through.
/// </summary>
/// <param name="patience">
/// How long a writer waits for its turn before giving up with a <see cref="TimeoutException"/> (answered as 503, like
/// SQLite's own busy timeout): without it, writers queued behind one stuck on the lock would wait one after another.
/// </param>
public sealed class SqliteWriteGate(TimeSpan patience) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Waits for this process's turn to write to <paramref name="db"/>; dispose the result to pass it on.</summary>
    public async ValueTask<IDisposable> EnterAsync(ForwardDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.IsPostgres)
        {
            return Turn.None;
        }

        return await gate.WaitAsync(patience, cancellationToken)
            ? new Turn(gate)
            : throw new TimeoutException($"Waited {patience.TotalSeconds:0} s for a turn to write to the SQLite database.");
    }

    public void Dispose() => gate.Dispose();

    private sealed class Turn(SemaphoreSlim? gate) : IDisposable
    {
        public static readonly Turn None = new(null);

        private SemaphoreSlim? held = gate;

        public void Dispose() => Interlocked.Exchange(ref held, null)?.Release();
    }
}
