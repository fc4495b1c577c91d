using System.Net.Http.Headers;
using System.Net.Http.Json;
using Forward.Data;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Domain.Organisations;
using Forward.Domain.Time;
using Forward.Web.Hubs;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// A small, fully known corner of the NHS built inside the test database: one CCG, two practices (only A is served by
/// the hub), one hub with a weekday evening session of two GPs, and a user for every role. Independent of seed data.
/// </summary>
public sealed class TestWorld
{
    private static int counter;

    private TestWorld(ForwardFactory factory, string prefix)
    {
        Factory = factory;
        Prefix = prefix;
    }

    public ForwardFactory Factory { get; }

    public string Prefix { get; }

    public int CcgId { get; private set; }

    /// <summary>The world's own ICS (care system), holding only its CCG.</summary>
    public int SystemId { get; private set; }

    public int HubId { get; private set; }

    public int OtherHubId { get; private set; }

    public int SessionId { get; private set; }

    public required Practice PracticeA { get; init; }

    public required Practice PracticeB { get; init; }

    public string PracticeStaffA => $"{Prefix}-practice-a";

    public string PracticeStaffB => $"{Prefix}-practice-b";

    public string Nhs111 => $"{Prefix}-111";

    /// <summary>A call handler of another NHS 111 provider (ODS Y222).</summary>
    public string OtherNhs111 => $"{Prefix}-111b";

    public string HubClinician => $"{Prefix}-hub";

    public string OtherHubClinician => $"{Prefix}-otherhub";

    public string Commissioner => $"{Prefix}-commissioner";

    public static async Task<TestWorld> CreateAsync(ForwardFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var n = Interlocked.Increment(ref counter);
        var prefix = $"t{n}";
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>();

        var system = new CareSystem { Code = $"TS{n}", Name = $"Test system {n}" };
        var ccg = new Ccg { OdsCode = $"T{n:D2}", Name = $"Test CCG {n}", CareSystem = system, StatedPopulation = 40000 };
        var network = new PrimaryCareNetwork { Code = $"TPCN{n}", Name = $"Test PCN {n}", Locality = "Test", Ccg = ccg };
        var practiceA = new Practice { OdsCode = $"T{n:D2}01A", Name = $"Test Practice A{n}", Network = network, ListSize = 25000, ClinicalSystem = "EMIS Web" };
        var practiceB = new Practice { OdsCode = $"T{n:D2}02B", Name = $"Test Practice B{n}", Network = network, ListSize = 15000, ClinicalSystem = "SystmOne" };
        var hub = new Hub { Code = $"TH{n}", Name = $"Test Hub {n}", SiteName = "Test site", Town = "Testford", Ccg = ccg, Tier = HubTier.PrimaryCareHub, OpeningHours = "18:30–20:00 weekdays" };
        hub.ServedPractices.Add(new HubPractice { Practice = practiceA });
        var otherHub = new Hub { Code = $"TO{n}", Name = $"Other Hub {n}", SiteName = "Other site", Town = "Testford", Ccg = ccg, Tier = HubTier.PrimaryCareHub, OpeningHours = "none" };
        otherHub.ServedPractices.Add(new HubPractice { Practice = practiceB });
        var session = new Session
        {
            Hub = hub,
            Name = "Evening GP clinic",
            Days = SessionDays.Weekdays,
            StartTime = new TimeOnly(18, 30),
            EndTime = new TimeOnly(20, 0),
            Role = ClinicianRole.GeneralPractitioner,
            Mode = DeliveryMode.FaceToFace,
            SlotMinutes = 15,
            Clinicians = 2,
            ValidFrom = new DateOnly(2026, 1, 1),
        };
        var phoneSession = new Session
        {
            Hub = hub,
            Name = "Evening nurse telephone",
            Days = SessionDays.Weekdays,
            StartTime = new TimeOnly(18, 30),
            EndTime = new TimeOnly(19, 30),
            Role = ClinicianRole.PracticeNurse,
            Mode = DeliveryMode.Telephone,
            SlotMinutes = 20,
            Clinicians = 1,
            ValidFrom = new DateOnly(2026, 1, 1),
        };
        var otherSession = new Session
        {
            Hub = otherHub,
            Name = "Saturday clinic",
            Days = SessionDays.Weekdays | SessionDays.Saturday,
            StartTime = new TimeOnly(18, 30),
            EndTime = new TimeOnly(20, 0),
            Role = ClinicianRole.GeneralPractitioner,
            Mode = DeliveryMode.FaceToFace,
            SlotMinutes = 15,
            Clinicians = 1,
            ValidFrom = new DateOnly(2026, 1, 1),
        };
        db.AddRange(system, hub, otherHub, session, phoneSession, otherSession);
        await db.SaveChangesAsync();

        var world = new TestWorld(factory, prefix) { PracticeA = practiceA, PracticeB = practiceB };
        world.CcgId = ccg.Id;
        world.SystemId = system.Id;
        world.HubId = hub.Id;
        world.OtherHubId = otherHub.Id;
        world.SessionId = session.Id;

        // The bookers and the hub's clinician hold the client-system scopes, as the demo's booking accounts do, so a test
        // that also books through FHIR (which sets them) does not turn the account into a client system half-way through
        // and end the JSON API token it took first (AccountChecks).
        void AddUser(string name, string role, int? practice = null, int? hubId = null, int? ccgId = null, string? ods = null)
        {
            var user = new UserAccount { UserName = name, DisplayName = name, Role = role, PracticeId = practice, HubId = hubId, CcgId = ccgId, OrganisationOds = ods, Scopes = Fhir.FhirTestKit.AllScopes, PasswordHash = string.Empty };
            user.PasswordHash = hasher.HashPassword(user, ForwardFactory.DemoPassword);
            db.Users.Add(user);
        }

        AddUser(world.PracticeStaffA, Roles.PracticeStaff, practice: practiceA.Id, ods: practiceA.OdsCode);
        AddUser(world.PracticeStaffB, Roles.PracticeStaff, practice: practiceB.Id, ods: practiceB.OdsCode);
        AddUser(world.Nhs111, Roles.Nhs111, ods: "Y111");
        AddUser(world.OtherNhs111, Roles.Nhs111, ods: "Y222");
        AddUser(world.HubClinician, Roles.HubClinician, hubId: hub.Id, ccgId: ccg.Id, ods: ccg.OdsCode);
        AddUser(world.OtherHubClinician, Roles.HubClinician, hubId: otherHub.Id, ccgId: ccg.Id, ods: ccg.OdsCode);
        AddUser(world.Commissioner, Roles.Commissioner, ccgId: ccg.Id, ods: ccg.OdsCode);
        await db.SaveChangesAsync();

        var planner = scope.ServiceProvider.GetRequiredService<SlotPlanner>();
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        await planner.PlanAsync(today, today.AddDays(20), hub.Id);
        await planner.PlanAsync(today, today.AddDays(20), otherHub.Id);
        return world;
    }

    /// <summary>A commissioner account linked to no CCG (the README allows them; no demo user is one), by its user name.</summary>
    public async Task<string> AddCommissionerWithoutCcgAsync()
    {
        var name = $"{Prefix}-nowhere";
        await WithDbAsync(db =>
        {
            var user = new UserAccount { UserName = name, DisplayName = name, Role = Roles.Commissioner, PasswordHash = string.Empty };
            user.PasswordHash = new PasswordHasher<UserAccount>().HashPassword(user, ForwardFactory.DemoPassword);
            db.Users.Add(user);
            return db.SaveChangesAsync();
        });
        return name;
    }

    /// <summary>Plans both hubs' slots from today up to <paramref name="last"/>, past the 20 days the world starts with.</summary>
    public Task PlanThroughAsync(DateOnly last) => PlanAsync(DateOnly.FromDateTime(Factory.Clock.GetUtcNow().UtcDateTime), last);

    /// <summary>
    /// Plans both hubs' slots from <paramref name="first"/> to <paramref name="last"/>. A first day before today makes a
    /// world whose hubs have been on Forward since then: the world starts with slots from today only, and figures for
    /// days before a scope's first slots are not rated.
    /// </summary>
    public async Task PlanAsync(DateOnly first, DateOnly last)
    {
        // The planner adds no slot that has started: past days are planned as they were on the first one's morning.
        var start = London.StartOfDayUtc(first);
        using var then = start < Factory.Clock.GetUtcNow().UtcDateTime ? Factory.Clock.TravelTo(start) : null;
        await using var scope = Factory.Services.CreateAsyncScope();
        var planner = scope.ServiceProvider.GetRequiredService<SlotPlanner>();
        await planner.PlanAsync(first, last, HubId);
        await planner.PlanAsync(first, last, OtherHubId);
    }

    /// <summary>An HTTP client signed in through the real token endpoint.</summary>
    public async Task<HttpClient> ClientAsync(string userName)
    {
        var client = Factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = ForwardFactory.DemoPassword });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    /// <summary>Free slots of the world's main hub (evening GP session), soonest first.</summary>
    public async Task<List<Slot>> FreeSlotsAsync(DateTime? onOrAfterUtc = null)
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var after = onOrAfterUtc ?? Factory.Clock.GetUtcNow().UtcDateTime;
        return await db.Slots.AsNoTracking().Where(s => s.SessionId == SessionId && s.Status == SlotStatus.Free && s.StartUtc > after)
            .OrderBy(s => s.StartUtc).ThenBy(s => s.ClinicianIndex).ToListAsync();
    }

    /// <summary>
    /// Until <paramref name="work"/> has either finished (so it did not wait: its test then fails on what it did) or is
    /// waiting: on PostgreSQL for a lock, seen in pg_stat_activity; on SQLite for the write lock or the process's write
    /// turn, which cannot be seen from outside, so there it is given <paramref name="sqliteGrace"/> to get as far as it can.
    /// With <paramref name="waitingStatementContains"/>, only a waiting statement with that text counts (the work's own,
    /// not merely any session waiting).
    /// </summary>
    public async Task UntilWaitingOrDoneAsync(Task work, TimeSpan sqliteGrace, string? waitingStatementContains = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!Factory.Database.IsPostgres)
        {
            await Task.WhenAny(work, Task.Delay(sqliteGrace));
            return;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!work.IsCompleted)
        {
            var waiting = await WithDbAsync(db => db.Database
                .SqlQueryRaw<int>(
                    "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND cardinality(pg_blocking_pids(pid)) > 0 AND strpos(query, {0}) > 0",
                    waitingStatementContains ?? string.Empty)
                .SingleAsync());
            if (waiting > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The work neither finished nor waited for a lock.");
            await Task.Delay(20);
        }
    }

    public async Task<T> WithDbAsync<T>(Func<ForwardDbContext, Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        using var scope = Factory.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForwardDbContext>());
    }

    public Task WithDbAsync(Func<ForwardDbContext, Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return WithDbAsync(async db =>
        {
            await action(db);
            return true;
        });
    }

    private sealed record TokenResponse(string AccessToken);
}
