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

    /// <summary>The right password, for a client system held to some API scopes: it signs in to the API only.</summary>
    ApiOnly,
}

/// <summary>Where a sign-in is for: the pages, or a bearer token for the JSON and FHIR APIs.</summary>
public enum SignInTo
{
    Pages,
    Api,
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

    public async Task<SignInAttempt> CheckAsync(string? userName, string? password, SignInTo signInTo, CancellationToken cancellationToken = default)
    {
        // No account's name has a control character; PostgreSQL refuses a NUL in a query's text outright.
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 100 || password.Length > 200 || userName.Any(char.IsControl))
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

        if (user.LockedUntilUtc is { } until && until > now)
        {
            return await LockedOutAsync(user, cancellationToken);
        }

        var users = db.Users.Where(u => u.Id == user.Id);
        var open = users.Where(u => u.LockedUntilUtc == null || u.LockedUntilUtc <= now);
        var verdict = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            // Counted by the database, not on the row read above: guesses sent together would otherwise each add one to
            // the same old count and never reach the limit. The one that reaches it locks the account and starts the
            // count again; any racing with it finds the account locked, and is not counted against the next period.
            // Failures more than a day apart start the count again, as an unknown name's do (UnknownAccountLockouts):
            // otherwise a name whose fifth guess locks it, spread over days, would be told from one that does not exist.
            var forgetBefore = now - UnknownAccountLockouts.Memory;
            var counted = await open.ExecuteUpdateAsync(
                u => u.SetProperty(x => x.FailedSignIns, x => x.LastFailedSignInUtc == null || x.LastFailedSignInUtc <= forgetBefore ? 1 : x.FailedSignIns + 1)
                    .SetProperty(x => x.LastFailedSignInUtc, now),
                cancellationToken) > 0;
            var lockedUntil = now + LockoutPeriod;
            var locked = !counted || await users.Where(u => u.FailedSignIns >= MaxFailedAttempts)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LockedUntilUtc, lockedUntil).SetProperty(x => x.FailedSignIns, 0), cancellationToken) > 0
                || await users.AnyAsync(u => u.LockedUntilUtc > now, cancellationToken);

            audit.Write(Actor(user), AuditActions.SignIn, locked ? "locked-out" : "failed");
            await db.SaveChangesAsync(cancellationToken);
            return new(locked ? SignInResultKind.LockedOut : SignInResultKind.Failed, null);
        }

        // The right password opens the account only if it is still open: guesses sent all at once are each checked
        // against the row as read before any of them failed, and a right one among them finishing after the wrong ones
        // had locked the account would otherwise sign in and clear the lock.
        var stillOpen = await open.ExecuteUpdateAsync(u => u.SetProperty(x => x.FailedSignIns, 0).SetProperty(x => x.LockedUntilUtc, (DateTime?)null), cancellationToken) > 0;
        if (!stillOpen)
        {
            return await LockedOutAsync(user, cancellationToken);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        // The pages know roles, not scopes: a client system allowed only some scopes would get all its role's pages.
        var apiOnly = signInTo == SignInTo.Pages && ApiScopes.LimitsAccount(user.Scopes);
        audit.Write(Actor(user), AuditActions.SignIn, apiOnly ? "api-only" : "success");
        await db.SaveChangesAsync(cancellationToken);
        return apiOnly ? new(SignInResultKind.ApiOnly, null) : new(SignInResultKind.Success, user);
    }

    private async Task<SignInAttempt> LockedOutAsync(UserAccount user, CancellationToken cancellationToken)
    {
        audit.Write(Actor(user), AuditActions.SignIn, "locked-out");
        await db.SaveChangesAsync(cancellationToken);
        return new(SignInResultKind.LockedOut, null);
    }

    private static Actor Actor(UserAccount user) => new(user.UserName, user.Role, user.PracticeId, user.HubId, user.CcgId, user.OrganisationOds);

    private static readonly string DummyHash = new PasswordHasher<UserAccount>().HashPassword(
        new UserAccount { UserName = "x", DisplayName = "x", PasswordHash = string.Empty, Role = string.Empty }, "not-a-real-password");
}
