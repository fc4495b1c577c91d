using Microsoft.Extensions.Caching.Memory;

namespace Forward.Web.Access;

/// <summary>
/// Failed sign-ins for user names that have no account, counted as <see cref="SignInService"/> counts them for real
/// accounts, so an unknown name is "locked" after the same number of tries. Otherwise the lockout itself would tell a
/// guesser which names exist: only real accounts would ever answer "locked". Kept in memory (bounded, forgotten after the
/// lockout period): there is no account row to keep them in.
/// </summary>
public sealed class UnknownAccountLockouts : IDisposable
{
    private readonly MemoryCache failures = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>Whether the name is locked now.</summary>
    public bool IsLocked(string userName, DateTime nowUtc) =>
        failures.TryGetValue(Key(userName), out Entry? entry) && entry!.LockedUntilUtc > nowUtc;

    /// <summary>Counts a failure; true when it locks the name, as the same failure would lock a real account.</summary>
    public bool Fail(string userName, DateTime nowUtc)
    {
        var key = Key(userName);
        lock (failures)
        {
            var entry = failures.TryGetValue(key, out Entry? known) && known!.LockedUntilUtc <= nowUtc ? known : new Entry();
            entry.Failures++;
            var locks = entry.Failures >= SignInService.MaxFailedAttempts;
            if (locks)
            {
                entry.Failures = 0;
                entry.LockedUntilUtc = nowUtc + SignInService.LockoutPeriod;
            }

            failures.Set(key, entry, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = SignInService.LockoutPeriod + TimeSpan.FromMinutes(1) });
            return locks;
        }
    }

    public void Dispose() => failures.Dispose();

    private static string Key(string userName) => userName.Trim();

    private sealed class Entry
    {
        public int Failures { get; set; }

        public DateTime LockedUntilUtc { get; set; } = DateTime.MinValue;
    }
}
