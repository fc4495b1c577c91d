using Forward.Data;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Booking;

public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task On_sqlite_the_next_writer_waits_until_the_one_before_passes_its_turn_on()
    {
        using var gate = new SqliteWriteGate(TimeSpan.FromSeconds(30));
        await using var db = Sqlite();
        var first = await gate.EnterAsync(db, CancellationToken.None);
        var second = gate.EnterAsync(db, CancellationToken.None).AsTask();
        await Task.Delay(50, CancellationToken.None);
        Assert.False(second.IsCompleted);

        first.Dispose();
        using var turn = await second.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    [Fact]
    public async Task Passing_a_turn_on_twice_lets_only_one_writer_in()
    {
        using var gate = new SqliteWriteGate(TimeSpan.FromSeconds(30));
        await using var db = Sqlite();
        var first = await gate.EnterAsync(db, CancellationToken.None);
        var second = gate.EnterAsync(db, CancellationToken.None).AsTask();
        var third = gate.EnterAsync(db, CancellationToken.None).AsTask();
        first.Dispose();
        first.Dispose();
        var admitted = await Task.WhenAny(second, third).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var other = admitted == second ? third : second;
        await Task.Delay(100, CancellationToken.None);
        Assert.False(other.IsCompleted);
        (await admitted).Dispose();
        (await other.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None)).Dispose();
    }

    [Fact]
    public async Task A_writer_that_gives_up_waiting_leaves_the_queue()
    {
        using var gate = new SqliteWriteGate(TimeSpan.FromSeconds(30));
        await using var db = Sqlite();
        var first = await gate.EnterAsync(db, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await gate.EnterAsync(db, cancel.Token));
        first.Dispose();
        using var next = await gate.EnterAsync(db, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    [Fact]
    public async Task A_writer_kept_waiting_past_its_patience_gets_a_timeout_and_the_queue_moves_on()
    {
        using var gate = new SqliteWriteGate(TimeSpan.FromMilliseconds(50));
        await using var db = Sqlite();
        var first = await gate.EnterAsync(db, CancellationToken.None);
        await Assert.ThrowsAsync<TimeoutException>(async () => await gate.EnterAsync(db, CancellationToken.None));
        Assert.True(DbErrors.IsUnavailable(new TimeoutException()));
        first.Dispose();
        using var next = await gate.EnterAsync(db, CancellationToken.None);
    }

    [Fact]
    public async Task On_postgres_everyone_goes_through_at_once()
    {
        using var gate = new SqliteWriteGate(TimeSpan.FromSeconds(30));
        await using var db = new PostgresForwardDbContext(new DbContextOptionsBuilder<PostgresForwardDbContext>().UseNpgsql("Host=127.0.0.1;Port=1").Options);
        using var first = await gate.EnterAsync(db, CancellationToken.None);
        using var second = await gate.EnterAsync(db, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
    }

    private static SqliteForwardDbContext Sqlite() =>
        new(new DbContextOptionsBuilder<SqliteForwardDbContext>().UseSqlite("Data Source=:memory:").Options);
}
