using Forward.Web.Access;

namespace Forward.Web.Tests.Access;

/// <summary>An unknown user name's failures are counted and locked as a real account's are (SignInService).</summary>
public sealed class UnknownAccountLockoutsTests
{
    private static readonly DateTime Now = new(2026, 6, 8, 8, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_fifth_failure_locks_for_the_lockout_period_and_counting_starts_again_after_it()
    {
        using var lockouts = new UnknownAccountLockouts();
        for (var i = 1; i < SignInService.MaxFailedAttempts; i++)
        {
            Assert.False(lockouts.Fail("nobody", Now));
            Assert.False(lockouts.IsLocked("nobody", Now));
        }

        Assert.True(lockouts.Fail("nobody", Now));
        Assert.True(lockouts.IsLocked(" nobody ", Now.AddMinutes(14)));
        Assert.False(lockouts.IsLocked("somebody-else", Now));

        var after = Now + SignInService.LockoutPeriod;
        Assert.False(lockouts.IsLocked("nobody", after));
        Assert.False(lockouts.Fail("nobody", after)); // one failure of a fresh count, as for a real account
    }

    [Fact]
    public void A_failure_that_arrives_while_locked_keeps_the_lock()
    {
        // Attempts already past the lock check when another one locked the name finish as failures: they must not
        // reset the count and lift the lock, which a real account would keep.
        using var lockouts = new UnknownAccountLockouts();
        for (var i = 0; i < SignInService.MaxFailedAttempts; i++)
        {
            lockouts.Fail("nobody", Now);
        }

        Assert.True(lockouts.Fail("nobody", Now.AddSeconds(1)));
        Assert.True(lockouts.Fail("nobody", Now.AddSeconds(2)));
        Assert.True(lockouts.IsLocked("nobody", Now.AddSeconds(3)));
    }
}
