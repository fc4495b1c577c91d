namespace Forward.Web.Tests.Infrastructure;

/// <summary>A clock tests can set to any instant, forwards or back (FakeTimeProvider refuses to go back).</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void SetUtcNow(DateTimeOffset value) => Interlocked.Exchange(ref ticks, value.UtcTicks);

    /// <summary>Moves the clock for the duration of a using block.</summary>
    public IDisposable TravelTo(DateTime utc)
    {
        var saved = GetUtcNow();
        SetUtcNow(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
        return new Restore(this, saved);
    }

    private sealed class Restore(TestClock clock, DateTimeOffset saved) : IDisposable
    {
        public void Dispose() => clock.SetUtcNow(saved);
    }
}
