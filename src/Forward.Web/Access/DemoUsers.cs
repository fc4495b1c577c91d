using Forward.Data;
using Forward.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Access;

public sealed class DemoOptions
{
    /// <summary>Seed the demo sign-ins. On in Development only (appsettings.Development.json); never in production.</summary>
    public bool SeedUsers { get; set; }

    /// <summary>The demo users' password, from configuration (never from code).</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Months of synthetic history (<see cref="Forward.Data.Seeding.DemoHistory"/>) to write in the background after the
    /// first start. 12 in Development only; 0 (off) everywhere else, so tests and production never get it unless asked.
    /// </summary>
    public int HistoryMonths { get; set; }

    /// <summary>The history's seed: the same seed and the same day give the same history.</summary>
    public ulong HistorySeed { get; set; } = Forward.Data.Seeding.DemoHistory.DefaultSeed;
}

/// <summary>One demo user per role, attached to real seeded organisations, so every role can be tried on first start.</summary>
public static class DemoUsers
{
    public const string NhsOneOneOneOds = "Y111";

    /// <summary>The FHIR API scopes the booking demo users' client systems hold: slots and metadata, reading and booking appointments.</summary>
    public const string AllFhirScopes = "organization/*.read patient/*.read patient/*.write";

    public static async Task SeedAsync(ForwardDbContext db, DemoOptions options, IPasswordHasher<UserAccount> hasher, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(hasher);
        if (!options.SeedUsers)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.Password) || options.Password.Length < 8)
        {
            throw new InvalidOperationException("Forward:Demo:SeedUsers is on but Forward:Demo:Password is missing or shorter than 8 characters.");
        }

        var belgrave = await db.Hubs.AsNoTracking().Include(h => h.Ccg).FirstOrDefaultAsync(h => h.Code == "LC-H02", cancellationToken);
        var bedford = await db.Ccgs.AsNoTracking().FirstOrDefaultAsync(c => c.OdsCode == "06F", cancellationToken);
        var practice = belgrave is null
            ? null
            : await db.HubPractices.AsNoTracking().Where(hp => hp.HubId == belgrave.Id).OrderBy(hp => hp.Practice!.OdsCode).Select(hp => hp.Practice).FirstOrDefaultAsync(cancellationToken);

        var wanted = new List<UserAccount>();
        if (belgrave is not null)
        {
            wanted.Add(new UserAccount { UserName = "commissioner", DisplayName = $"Commissioner, {belgrave.Ccg!.Name}", Role = Roles.Commissioner, CcgId = belgrave.CcgId, OrganisationOds = belgrave.Ccg.OdsCode, PasswordHash = string.Empty, IsDemo = true });
            wanted.Add(new UserAccount { UserName = "hubclinician", DisplayName = $"Hub clinician, {belgrave.Name}", Role = Roles.HubClinician, HubId = belgrave.Id, CcgId = belgrave.CcgId, OrganisationOds = belgrave.Ccg.OdsCode, PasswordHash = string.Empty, IsDemo = true });
        }

        if (practice is not null)
        {
            wanted.Add(new UserAccount { UserName = "practice", DisplayName = $"Receptionist, {practice.Name}", Role = Roles.PracticeStaff, PracticeId = practice.Id, OrganisationOds = practice.OdsCode, Scopes = AllFhirScopes, PasswordHash = string.Empty, IsDemo = true });
        }

        if (bedford is not null)
        {
            wanted.Add(new UserAccount { UserName = "commissioner.beds", DisplayName = $"Commissioner, {bedford.Name}", Role = Roles.Commissioner, CcgId = bedford.Id, OrganisationOds = bedford.OdsCode, PasswordHash = string.Empty, IsDemo = true });
        }

        wanted.Add(new UserAccount { UserName = "nhs111", DisplayName = "NHS 111 call handler (synthetic provider)", Role = Roles.Nhs111, OrganisationOds = NhsOneOneOneOds, Scopes = AllFhirScopes, PasswordHash = string.Empty, IsDemo = true });

        var existing = await db.Users.Select(u => u.UserName).ToListAsync(cancellationToken);
        var demo = await db.Users.Where(u => u.IsDemo).ToDictionaryAsync(u => u.UserName, cancellationToken);

        // The demo users share one published password, so one hash (one salt) serves them all: each PBKDF2 hash costs
        // about a tenth of a second, and start-up has a 3 s target.
        string? sharedHash = null;
        var hashStillCurrent = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var user in wanted)
        {
            if (demo.TryGetValue(user.UserName, out var found))
            {
                // Demo users seeded before the FHIR API get their client scopes on the next start.
                found.Scopes ??= user.Scopes;

                // A changed Forward:Demo:Password replaces the one the accounts were seeded with: the sign-in page names
                // the configured one, and the old (perhaps the repository's) must stop working. The accounts share one
                // hash, so it is checked once, not once per account.
                if (!hashStillCurrent.TryGetValue(found.PasswordHash, out var current))
                {
                    current = hasher.VerifyHashedPassword(found, found.PasswordHash, options.Password) != PasswordVerificationResult.Failed;
                    hashStillCurrent[found.PasswordHash] = current;
                }

                if (!current)
                {
                    found.PasswordHash = sharedHash ??= hasher.HashPassword(found, options.Password);
                    found.SessionsValidFromUtc = clock.GetUtcNow().UtcDateTime; // sessions signed in with the old password end too
                    found.FailedSignIns = 0;
                    found.LastFailedSignInUtc = null;
                    found.LockedUntilUtc = null;
                }
            }
            else if (!existing.Contains(user.UserName))
            {
                user.PasswordHash = sharedHash ??= hasher.HashPassword(user, options.Password);
                db.Users.Add(user);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
