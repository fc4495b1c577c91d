using Forward.Data;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Web.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Access;

public enum SignInResultKind
{
    Success,
    Failed,
    LockedOut,
}

public sealed record SignInAttempt(SignInResultKind Result, UserAccount? User);

/// <summary>Checks a user name and password, locking the account after repeated failures.</summary>
public sealed class SignInService(
    ForwardDbContext db,
    IPasswordHasher<UserAccount> hasher,
    TimeProvider clock,
    AuditLog audit,
    UnknownAccountLockouts unknownAccounts,
    Microsoft.Extensions.Options.IOptions<DemoOptions> demo)
{
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(15);

    public async Task<SignInAttempt> CheckAsync(string? userName, string? password, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 100 || password.Length > 200)
        {
            return new(SignInResultKind.Failed, null);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName.Trim(), cancellationToken);
        if (user is { IsDemo: true } && !demo.Value.SeedUsers)
        {
            // A demo account left by a Development start on the same data: its password is in the repository, so with
            // the demo off it is treated as no account at all.
            user = null;
        }

        if (user is null)
        {
            // The same answers as for a real account, and the same password hashing, so that neither the lockout nor the
            // hashing time tells which user names exist (a real account's failure also writes an audit row; this does not).
            if (unknownAccounts.IsLocked(userName, now))
            {
                return new(SignInResultKind.LockedOut, null);
            }

            hasher.VerifyHashedPassword(new UserAccount { UserName = "x", DisplayName = "x", PasswordHash = string.Empty, Role = string.Empty }, DummyHash, password);
            return new(unknownAccounts.Fail(userName, now) ? SignInResultKind.LockedOut : SignInResultKind.Failed, null);
        }

        // Each password check first takes one of the attempts left before the lock, in the database, so guesses sent
        // together cannot all be checked against the unlocked row read above (one right guess among them would then
        // clear the lock): at most MaxFailedAttempts passwords are compared per lock period.
        var users = db.Users.Where(u => u.Id == user.Id);
        if (!await TakeAttemptAsync(users, now, cancellationToken))
        {
            // Locked, or every attempt is still taken after a wait (guesses, or checks a crash cut short, which is why the
            // lock is set here too rather than left to them).
            await LockIfSpentAsync(users, now, cancellationToken);
            audit.Write(Actor(user), AuditActions.SignIn, "locked-out");
            await db.SaveChangesAsync(cancellationToken);
            return new(SignInResultKind.LockedOut, null);
        }

        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            // The attempt taken above stays counted; the failure that spends the last one locks the account and starts
            // the count again, and any racing with it finds the account locked.
            var locked = await LockIfSpentAsync(users, now, cancellationToken) || await users.AnyAsync(u => u.LockedUntilUtc > now, cancellationToken);
            audit.Write(Actor(user), AuditActions.SignIn, locked ? "locked-out" : "failed");
            await db.SaveChangesAsync(cancellationToken);
            return new(locked ? SignInResultKind.LockedOut : SignInResultKind.Failed, null);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignIns, 0).SetProperty(x => x.LockedUntilUtc, (DateTime?)null), cancellationToken);
        audit.Write(Actor(user), AuditActions.SignIn, "success");
        await db.SaveChangesAsync(cancellationToken);
        return new(SignInResultKind.Success, user);
    }

    /// <summary>
    /// Takes one of the attempts left, waiting up to a second while all are held by checks in flight: a client signing in
    /// several times at once with the right password gets its attempts back as each succeeds, and is not locked out.
    /// </summary>
    private static async Task<bool> TakeAttemptAsync(IQueryable<UserAccount> users, DateTime now, CancellationToken cancellationToken)
    {
        for (var wait = 0; ; wait++)
        {
            var taken = await users.Where(u => (u.LockedUntilUtc == null || u.LockedUntilUtc <= now) && u.FailedSignIns < MaxFailedAttempts)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignIns, x => x.FailedSignIns + 1), cancellationToken);
            if (taken > 0)
            {
                return true;
            }

            if (wait == 20 || await users.AnyAsync(u => u.LockedUntilUtc > now, cancellationToken))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    private static async Task<bool> LockIfSpentAsync(IQueryable<UserAccount> users, DateTime now, CancellationToken cancellationToken) =>
        await users.Where(u => u.FailedSignIns >= MaxFailedAttempts && (u.LockedUntilUtc == null || u.LockedUntilUtc <= now))
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockedUntilUtc, now + LockoutPeriod).SetProperty(x => x.FailedSignIns, 0), cancellationToken) > 0;

    private static Actor Actor(UserAccount user) => new(user.UserName, user.Role, user.PracticeId, user.HubId, user.CcgId, user.OrganisationOds);

    private static readonly string DummyHash = new PasswordHasher<UserAccount>().HashPassword(
        new UserAccount { UserName = "x", DisplayName = "x", PasswordHash = string.Empty, Role = string.Empty }, "not-a-real-password");
}
