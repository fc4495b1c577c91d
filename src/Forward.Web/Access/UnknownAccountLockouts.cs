using Microsoft.Extensions.Caching.Memory;

namespace Forward.Web.Access;

/// <summary>
/// Failed sign-ins for user names that have no account, counted as <see cref="SignInService"/> counts them for real
/// accounts, so an unknown name is "locked" after the same number of tries. Otherwise the lockout itself would tell a
/// guesser which names exist: only real accounts would ever answer "locked". Kept in this process's memory (there is no
/// account row to keep them in): bounded in size, and a name's count is forgotten a day after its last failure.
/// </summary>
public sealed class UnknownAccountLockouts : IDisposable
{
    /// <summary>How long failures are remembered after the last one, an unknown name's and a real account's alike.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromDays(1);

    private readonly MemoryCache failures = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <summary>Whether the name is locked now.</summary>
    public bool IsLocked(string userName, DateTime nowUtc) =>
        failures.TryGetValue(Key(userName), out Entry? entry) && entry!.LockedUntilUtc > nowUtc;

    /// <summary>Counts a failure; true when the name is locked after it, as the same failure would leave a real account.</summary>
    public bool Fail(string userName, DateTime nowUtc)
    {
        var key = Key(userName);
        lock (failures)
        {
            // Forgotten a day after the last failure by the clock the sign-in reads (the cache's own expiry, on the
            // machine's clock, only bounds the memory), as a real account's count is (SignInService).
            var entry = failures.TryGetValue(key, out Entry? known) && known!.LastFailureUtc > nowUtc - Memory ? known : new Entry();

            // Requests that passed the lock check before another one locked the name must not unlock it.
            if (entry.LockedUntilUtc > nowUtc)
            {
                return true;
            }

            entry.Failures++;
            entry.LastFailureUtc = nowUtc;
            var locks = entry.Failures >= SignInService.MaxFailedAttempts;
            if (locks)
            {
                entry.Failures = 0;
                entry.LockedUntilUtc = nowUtc + SignInService.LockoutPeriod;
            }

            failures.Set(key, entry, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Memory });
            return locks;
        }
    }

    public void Dispose() => failures.Dispose();

    private static string Key(string userName) => userName.Trim();

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTime LockedUntilUtc { get; set; } = DateTime.MinValue;

        public DateTime LastFailureUtc { get; set; } = DateTime.MinValue;
    }
}
