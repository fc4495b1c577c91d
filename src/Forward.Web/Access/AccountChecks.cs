using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Forward.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Access;

/// <summary>
/// Whether a signed-in principal still matches its account: the account exists (a demo account only while demo users
/// are seeded), with the same user name, role and organisation as when the principal was issued, and still has every
/// FHIR scope the principal carries (a scope added since does not end it, unless it had none: a person's account made
/// a client system), and the principal was issued after the user
/// last signed out or had their password replaced (<see cref="UserAccount.SessionsValidFromUtc"/>). The pages' cookie
/// asks on every request; bearer tokens, which the API and FHIR take thousands of times a second, ask through a short
/// cache (<see cref="BearerRecheck"/>), so a removed or changed account's tokens stop working within that time instead
/// of living out their hour.
/// </summary>
public sealed class AccountChecks(TimeProvider clock, IOptions<DemoOptions> demo)
{
    /// <summary>How long a bearer token's account is taken as read.</summary>
    public static readonly TimeSpan BearerRecheck = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A token that does not match the account as last read is checked against the database again after this long, or
    /// at once if it was issued since that read: a token issued since the account changed carries the new details, and
    /// must not wait out the old read.
    /// </summary>
    public static readonly TimeSpan MismatchRecheck = TimeSpan.FromSeconds(1);

    private sealed record Account(string UserName, string Role, int? PracticeId, int? HubId, int? CcgId, string? OrganisationOds, string? Scopes, bool IsDemo, DateTime? SessionsValidFromUtc);

    private readonly ConcurrentDictionary<int, (Account? Account, DateTimeOffset ReadAt)> recent = new();

    /// <summary>Reads the account afresh (the pages' cookie, signed in at <paramref name="signedInUtc"/>).</summary>
    public async Task<bool> UnchangedAsync(ForwardDbContext db, ClaimsPrincipal principal, DateTimeOffset signedInUtc, CancellationToken ct) =>
        AccountIdOf(principal) is { } id && Matches(principal, signedInUtc, await ReadAsync(db, id, ct));

    /// <summary>
    /// Ends every session and token of the account issued up to now (its cookies at their next page, its tokens within
    /// <see cref="BearerRecheck"/>) when its user signs out, and forgets the account's last read here. A demo account,
    /// shared by everyone trying Forward, is left as it is (its password's replacement ends its sessions: DemoUsers).
    /// </summary>
    public async Task EndSessionsAsync(ForwardDbContext db, int accountId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Users.Where(u => u.Id == accountId && !u.IsDemo).ExecuteUpdateAsync(u => u.SetProperty(x => x.SessionsValidFromUtc, now), ct);
        recent.TryRemove(accountId, out _);
    }

    /// <summary>
    /// Reads the account at most once per <see cref="BearerRecheck"/> (bearer tokens), or once per
    /// <see cref="MismatchRecheck"/> while a token does not match the last read (at once for a token issued since it).
    /// </summary>
    public async Task<bool> RecentlyUnchangedAsync(ForwardDbContext db, ClaimsPrincipal principal, DateTimeOffset? issuedUtc, CancellationToken ct)
    {
        if (AccountIdOf(principal) is not { } id)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        var seen = recent.TryGetValue(id, out var known);
        if (!seen || known.ReadAt + BearerRecheck <= now
            || (!Matches(principal, issuedUtc, known.Account) && (known.ReadAt + MismatchRecheck <= now || IssuedSince(issuedUtc, known.ReadAt))))
        {
            try
            {
                known = (await ReadAsync(db, id, ct), now);
                recent[id] = known;
            }
            catch (Exception ex) when (seen && DbErrors.IsUnavailable(ex))
            {
                // The database is away for a moment: the account as last read still decides, rather than none at all;
                // but a token issued since that read knows the account better than the read does, and passes as a token
                // of an account never read does (the endpoint answers 503 itself).
                return IssuedSince(issuedUtc, known.ReadAt) || Matches(principal, issuedUtc, known.Account);
            }
        }

        return Matches(principal, issuedUtc, known.Account);
    }

    /// <summary>
    /// Whether a token was issued at or after a read of its account. A token keeps its issue time to the whole second
    /// (AuthenticationProperties writes it so), so the read is taken to its second too: a token issued in the same
    /// second as the read may be the newer, and is given the benefit of the doubt of a fresh read.
    /// </summary>
    private static bool IssuedSince(DateTimeOffset? issuedUtc, DateTimeOffset readAt) =>
        issuedUtc >= readAt.AddTicks(-(readAt.UtcTicks % TimeSpan.TicksPerSecond));

    /// <summary>
    /// Issued after the account's sessions were last ended, to the whole second as <see cref="IssuedSince"/> compares: one
    /// issued in the very second of a sign-out is taken as issued after it, so the user who signs out and straight back
    /// in keeps the new session.
    /// </summary>
    private static bool IssuedAfterSessionsEnded(DateTimeOffset? issuedUtc, DateTime? sessionsValidFromUtc) =>
        sessionsValidFromUtc is not { } from || IssuedSince(issuedUtc, new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Utc)));

    /// <summary>The account id a principal names, if any.</summary>
    public static int? AccountIdOf(ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static Task<Account?> ReadAsync(ForwardDbContext db, int id, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new Account(u.UserName, u.Role, u.PracticeId, u.HubId, u.CcgId, u.OrganisationOds, u.Scopes, u.IsDemo, u.SessionsValidFromUtc))
            .FirstOrDefaultAsync(ct);

    private bool Matches(ClaimsPrincipal principal, DateTimeOffset? issuedUtc, Account? account)
    {
        static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);
        return account is not null
            && (!account.IsDemo || demo.Value.SeedUsers)
            && IssuedAfterSessionsEnded(issuedUtc, account.SessionsValidFromUtc)
            && principal.Identity?.Name == account.UserName
            && principal.IsInRole(account.Role)
            && principal.FindFirstValue(ForwardClaims.PracticeId) == Text(account.PracticeId)
            && principal.FindFirstValue(ForwardClaims.HubId) == Text(account.HubId)
            && principal.FindFirstValue(ForwardClaims.CcgId) == Text(account.CcgId)
            && principal.FindFirstValue(ForwardClaims.OrganisationOds) == account.OrganisationOds
            && principal.FindAll(ForwardClaims.Scope).Select(c => c.Value).ToHashSet(StringComparer.Ordinal).IsSubsetOf(ForwardClaims.ScopesOf(account.Scopes))
            // A principal without scopes is a person's, held to its role alone (ApiScopes): once its account is given
            // scopes (made a client system), it is held to them, so a token from before ends.
            && principal.HasClaim(c => c.Type == ForwardClaims.Scope) == ForwardClaims.ScopesOf(account.Scopes).Any();
    }
}
