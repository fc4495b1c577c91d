using System.Text.RegularExpressions;
using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Seeding;

/// <summary>The reference data as seeded on start into a fresh database (SQLite or PostgreSQL, as the run chooses).</summary>
public sealed partial class ReferenceDataTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    /// <summary>Practices per CCG as the seeds state them (Bedfordshire: the locality rows, 000:302-306).</summary>
    private static readonly Dictionary<string, int> StatedPractices = new(StringComparer.Ordinal)
    {
        ["06F"] = 54,
        ["06P"] = 28,
        ["04F"] = 27,
        ["05T"] = 32,
        ["05L"] = 22,
        ["06D"] = 11,
        ["03W"] = 31,
        ["04V"] = 48,
        ["04C"] = 59,
    };

    [Fact]
    public async Task Practice_list_sizes_add_up_exactly_to_each_CCG_stated_population()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var ccgs = await db.Ccgs.AsNoTracking().Include(c => c.Networks).ThenInclude(n => n.Practices).AsSplitQuery().ToListAsync();

        Assert.Equal(StatedPractices.Keys.Order(StringComparer.Ordinal), ccgs.Select(c => c.OdsCode).Order(StringComparer.Ordinal));
        Assert.Equal(450_000, ccgs.Single(c => c.OdsCode == "06F").StatedPopulation);
        Assert.Equal(290_450, ccgs.Single(c => c.OdsCode == "04F").StatedPopulation);
        foreach (var ccg in ccgs)
        {
            var practices = ccg.Networks.SelectMany(n => n.Practices).ToList();
            Assert.True(StatedPractices[ccg.OdsCode] == practices.Count, $"{ccg.Name} has {practices.Count} practices");
            Assert.True(ccg.StatedPopulation == practices.Sum(p => p.ListSize), $"{ccg.Name}: list sizes add up to {practices.Sum(p => p.ListSize):N0}, not {ccg.StatedPopulation:N0}");
            Assert.All(practices, p => Assert.InRange(p.ListSize, 2_500, 20_000));
        }

        Assert.Equal(2_620_450, ccgs.Sum(c => c.StatedPopulation));
    }

    [Fact]
    public async Task Every_cluster_serves_30_000_to_50_000_patients_and_seed_named_clusters_are_not_synthetic()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var networks = await db.Networks.AsNoTracking().Include(n => n.Practices).ToListAsync();

        Assert.NotEmpty(networks);
        Assert.All(networks, n =>
        {
            Assert.NotEmpty(n.Practices);
            Assert.True(n.Practices.Sum(p => p.ListSize) is >= 30_000 and <= 50_000, $"{n.Name}: {n.Practices.Sum(p => p.ListSize):N0} patients");
        });
        Assert.Equal(networks.Count, networks.Select(n => n.Code).Distinct(StringComparer.Ordinal).Count());

        // The seeds name these as GP clusters and they fit one cluster: kept as named, not synthetic.
        foreach (var named in new[] { "Medics United", "West Mid Beds", "Leighton Buzzard" })
        {
            var network = Assert.Single(networks, n => n.Name == named);
            Assert.False(network.IsSynthetic, named);
        }

        // Bedford (25 practices) is split into synthetic clusters inside the seed's locality.
        var bedford = networks.Where(n => n.Locality == "Bedford").ToList();
        Assert.True(bedford.Count > 1);
        Assert.All(bedford, n => Assert.True(n.IsSynthetic));
        Assert.Equal(25, bedford.Sum(n => n.Practices.Count));
    }

    [Fact]
    public async Task Every_practice_is_served_by_at_least_one_hub_of_its_own_CCG()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var practices = await db.Practices.AsNoTracking().Select(p => new { p.Id, p.Name, p.Network!.CcgId }).ToListAsync();
        var links = await db.HubPractices.AsNoTracking().Select(l => new { l.PracticeId, l.Hub!.CcgId }).ToListAsync();

        Assert.Equal(312, practices.Count);
        var servedInOwnCcg = links.Join(practices, l => l.PracticeId, p => p.Id, (l, p) => (p.Id, Same: l.CcgId == p.CcgId)).ToList();
        Assert.All(servedInOwnCcg, x => Assert.True(x.Same, $"practice {x.Id} is served by a hub of another CCG"));
        var served = servedInOwnCcg.Select(x => x.Id).ToHashSet();
        Assert.All(practices, p => Assert.True(served.Contains(p.Id), $"{p.Name} has no hub"));
    }

    [Theory]
    [InlineData("WOR-H07", "Redditch Hub", 13)]
    [InlineData("WOR-H08", "Bromsgrove Hub", 9)]
    [InlineData("WOR-H09", "Bewdley Hub", 6)]
    [InlineData("WOR-H10", "Hume Street/Northumberland House Hub", 5)]
    public async Task Worcestershire_hubs_serve_the_number_of_practices_the_plan_states(string code, string name, int practices)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var hub = await db.Hubs.AsNoTracking().Include(h => h.ServedPractices).SingleAsync(h => h.Code == code);

        Assert.Equal(name, hub.Name);
        Assert.Equal(practices, hub.ServedPractices.Count);
    }

    [Fact]
    public async Task Leicester_City_hubs_directory_entries_say_how_far_ahead_they_book_and_give_the_hubs_phone()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var hubs = await db.Hubs.AsNoTracking().Where(h => h.Code.StartsWith("LC-")).Select(h => new { h.Code, h.Phone, h.MaximumBookingAheadHours }).ToListAsync();
        var entries = await db.LocalServices.AsNoTracking().Where(s => s.Code.StartsWith("HUB-LC-")).ToDictionaryAsync(s => s.Code);

        // "Appointments for the same day or up to 48 hours in advance can be booked via the patient's own GP practice, by
        // calling NHS 111 or by calling the designated healthcare hub phone number" (004:668). Old code: practice or 111 only,
        // no phone, no window.
        Assert.NotEmpty(hubs);
        Assert.All(hubs, hub =>
        {
            Assert.Equal(48, hub.MaximumBookingAheadHours);
            var entry = entries[$"HUB-{hub.Code}"];
            Assert.Equal("The same day or up to 48 hours ahead: book through the patient's own practice, NHS 111, or the hub's phone line.", entry.HowToRefer);
            Assert.Equal(hub.Phone, entry.Phone);
        });

        // Elsewhere a hub is booked through the practice or 111 only; the seeds give no hub number to call.
        var redditch = await db.LocalServices.AsNoTracking().SingleAsync(s => s.Code == "HUB-WOR-H07");
        Assert.Equal("Book through the patient's own practice, or NHS 111.", redditch.HowToRefer);
        Assert.Null(redditch.Phone);

        // Oadby opens "8am to 8pm weekends and bank holidays" (004:609), as its rota does.
        var urgentCare = await db.LocalServices.AsNoTracking().SingleAsync(s => s.Code == "ELR-UCC-MIA");
        Assert.EndsWith("Oadby: 8am to 9pm weekdays and 8am to 8pm at weekends and on bank holidays.", urgentCare.Hours, StringComparison.Ordinal);

        // "Bedford (North)" as the plan spells it (000:1387,1505).
        Assert.Equal("Bedford (North) Hub", await db.Hubs.Where(h => h.Code == "BED-H03").Select(h => h.Name).SingleAsync());
    }

    [Fact]
    public async Task Bedford_Norths_interim_hub_serves_five_practices_as_the_plan_states()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var north = await db.Hubs.AsNoTracking().Include(h => h.ServedPractices).SingleAsync(h => h.Code == "BED-H03");
        var south = await db.Hubs.AsNoTracking().Include(h => h.ServedPractices).ThenInclude(p => p.Practice).Include(h => h.Sessions).ThenInclude(s => s.Overrides).AsSplitQuery().SingleAsync(h => h.Code == "BED-H01");

        Assert.Equal(5, north.ServedPractices.Count);

        // Its directory entry names the cluster it serves, which is those five practices' network, not all of Bedford.
        var networks = await db.Practices.Where(p => north.ServedPractices.Select(s => s.PracticeId).Contains(p.Id)).Select(p => p.Network!.Name).Distinct().ToListAsync();
        var whoFor = await db.LocalServices.Where(s => s.Code == "HUB-BED-H03").Select(s => s.WhoFor).SingleAsync();
        Assert.Equal("Patients of practices in Bedford Cluster 1 who need a GP or nurse appointment in the evening or at the weekend.", whoFor);
        Assert.Equal(["Bedford Cluster 1"], networks);
        Assert.Subset(south.ServedPractices.Select(p => p.PracticeId).ToHashSet(), north.ServedPractices.Select(p => p.PracticeId).ToHashSet());

        // The other twenty have only Bedford South: it alone offers them the national minimum, 30 minutes per 1,000 a week.
        var week = south.Sessions.SelectMany(s => SlotGenerator.Generate(s, new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 14), BankHolidayCalendar.England));
        var perThousand = week.Sum(s => (s.EndUtc - s.StartUtc).TotalMinutes) / (south.ServedPractices.Sum(p => p.Practice!.ListSize) / 1000.0);
        Assert.True(perThousand >= 30, $"Bedford South: {perThousand:F1} minutes per 1,000 patients a week");
    }

    [Fact]
    public async Task Only_Leicester_Citys_hubs_take_bookings_no_more_than_48_hours_ahead()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var windows = await db.Hubs.AsNoTracking().Select(h => new { h.Code, City = h.Ccg!.OdsCode == "04C", h.MaximumBookingAheadHours }).ToListAsync();

        Assert.All(windows, h => Assert.Equal(h.City ? 48 : null, h.MaximumBookingAheadHours));
        Assert.Equal(4, windows.Count(h => h.City));
    }

    [Fact]
    public async Task Leicester_City_hubs_serve_every_city_practice()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var cityPractices = await db.Practices.CountAsync(p => p.Network!.Ccg!.OdsCode == "04C");
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.ServedPractices).Where(h => h.Ccg!.OdsCode == "04C").ToListAsync();

        Assert.Equal(["LC-H02", "LC-H03", "LC-H04", "LC-H05"], hubs.Select(h => h.Code).Order(StringComparer.Ordinal));
        Assert.All(hubs, h => Assert.Equal(cityPractices, h.ServedPractices.Count));
    }

    [Fact]
    public async Task Belgrave_runs_18_30_to_22_00_on_weekdays_and_12_00_to_20_00_at_weekends_and_on_bank_holidays()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var belgrave = await db.Hubs.AsNoTracking().Include(h => h.Sessions).ThenInclude(s => s.Overrides).AsSplitQuery().SingleAsync(h => h.Code == "LC-H02");
        Assert.False(belgrave.HoursAreSynthetic);
        Assert.Equal(HubTier.PrimaryCareHub, belgrave.Tier);

        // Monday 25 May 2026 is the spring bank holiday; Tuesday to Sunday are ordinary days.
        var hours = OpeningPerDay(belgrave.Sessions, new DateOnly(2026, 5, 25), new DateOnly(2026, 5, 31));
        Assert.Equal((new TimeOnly(12, 0), new TimeOnly(20, 0)), hours[new DateOnly(2026, 5, 25)]);
        foreach (var day in new[] { 26, 27, 28, 29 })
        {
            Assert.Equal((new TimeOnly(18, 30), new TimeOnly(22, 0)), hours[new DateOnly(2026, 5, day)]);
        }

        Assert.Equal((new TimeOnly(12, 0), new TimeOnly(20, 0)), hours[new DateOnly(2026, 5, 30)]);
        Assert.Equal((new TimeOnly(12, 0), new TimeOnly(20, 0)), hours[new DateOnly(2026, 5, 31)]);

        // And slots are continuous within those hours: every quarter hour has a GP slot.
        var generated = belgrave.Sessions.SelectMany(s => SlotGenerator.Generate(s, new DateOnly(2026, 5, 26), new DateOnly(2026, 5, 26), BankHolidayCalendar.England)).ToList();
        for (var t = new TimeOnly(18, 30); t < new TimeOnly(22, 0); t = t.AddMinutes(15))
        {
            var local = t;
            Assert.Contains(generated, s => s.Role == ClinicianRole.GeneralPractitioner && TimeOnly.FromDateTime(London.ToLocal(s.StartUtc)) == local);
        }
    }

    [Fact]
    public async Task Only_hubs_whose_hours_name_bank_holidays_run_sessions_on_them_and_rotas_are_sensible()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.Sessions).ToListAsync();

        var withBankHolidays = hubs.Where(h => h.Sessions.Any(s => s.Days.HasFlag(SessionDays.BankHolidays))).Select(h => h.Code).Order(StringComparer.Ordinal);
        Assert.Equal(["ELR-H01", "LC-H02", "LC-H03", "WL-H02"], withBankHolidays);
        foreach (var hub in hubs)
        {
            Assert.NotEmpty(hub.Sessions);
            foreach (var session in hub.Sessions)
            {
                var label = $"{hub.Code} {session.Name}";
                if (session.Days.HasFlag(SessionDays.BankHolidays))
                {
                    Assert.Contains("bank holiday", hub.OpeningHours, StringComparison.OrdinalIgnoreCase);
                    Assert.True((session.Days & SessionDays.Weekdays) == 0, $"{label}: a weekday session must not run on bank holidays");
                }

                Assert.Empty(Session.Validate(session.Name, session.Days, session.StartTime, session.EndTime, session.SlotMinutes, session.Clinicians, session.ValidFrom, session.ValidUntil));
                Assert.True(session.SlotMinutes is >= 10 and <= 20, label);
                Assert.True(session.Clinicians is 1 or 2, label);
                Assert.True(session.ValidFrom >= new DateOnly(2017, 4, 1), label);
                Assert.True(session.IsActive, label);
            }
        }

        // Hubs with no stated hours are flagged; the LLR hubs whose hours the blueprint gives are not.
        Assert.All(hubs.Where(h => h.Code.Contains("-X", StringComparison.Ordinal)), h => Assert.True(h.HoursAreSynthetic, h.Code));
        Assert.All(hubs.Where(h => h.Code is "LC-H02" or "LC-H03" or "LC-H04" or "WL-H02" or "WL-H03"), h => Assert.False(h.HoursAreSynthetic, h.Code));
        Assert.Equal(hubs.Count, hubs.Select(h => h.Code).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Every_hub_offers_100_to_400_slots_a_week_and_every_CCG_at_least_30_minutes_per_1000_patients()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.Sessions).ThenInclude(s => s.Overrides).Include(h => h.Ccg).AsSplitQuery().ToListAsync();

        // Monday 8 to Sunday 14 June 2026: no bank holiday, no clock change.
        var from = new DateOnly(2026, 6, 8);
        var to = new DateOnly(2026, 6, 14);
        var minutesByCcg = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var hub in hubs)
        {
            var slots = hub.Sessions.SelectMany(s => SlotGenerator.Generate(s, from, to, BankHolidayCalendar.England)).ToList();
            Assert.True(slots.Count is >= 100 and <= 400, $"{hub.Code} offers {slots.Count} slots a week");
            minutesByCcg[hub.Ccg!.OdsCode] = minutesByCcg.GetValueOrDefault(hub.Ccg.OdsCode) + slots.Sum(s => (s.EndUtc - s.StartUtc).TotalMinutes);
        }

        foreach (var ccg in hubs.Select(h => h.Ccg!).DistinctBy(c => c.Id))
        {
            var perThousand = minutesByCcg[ccg.OdsCode] / (ccg.StatedPopulation / 1000.0);
            Assert.True(perThousand >= 30, $"{ccg.Name}: {perThousand:F1} minutes per 1,000 patients a week");
        }

        Assert.Equal(9, minutesByCcg.Count);
    }

    [Fact]
    public async Task Demo_patients_have_valid_unique_test_NHS_numbers_and_synthetic_contact_details()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var patients = await db.Patients.AsNoTracking().Include(p => p.RegisteredPractice).ThenInclude(p => p!.Network).ToListAsync();

        Assert.InRange(patients.Count, 150, 250);
        Assert.Equal(patients.Count, patients.Select(p => p.NhsNumber).Distinct(StringComparer.Ordinal).Count());
        Assert.All(patients, p =>
        {
            Assert.True(NhsNumber.TryParse(p.NhsNumber, out var parsed, out _), p.NhsNumber);
            Assert.Equal(p.NhsNumber, parsed.Value.Value);
            Assert.StartsWith("999", p.NhsNumber, StringComparison.Ordinal);
            Assert.True(p.IsSynthetic);
            Assert.Matches(DramaMobile(), p.Phone!);
            Assert.Empty(new PatientDetails(p.NhsNumber, p.GivenName, p.FamilyName, p.DateOfBirth, p.Phone).Validate(new DateOnly(2026, 6, 8)));
            Assert.False(string.IsNullOrWhiteSpace(p.SummaryProblems));
            Assert.False(string.IsNullOrWhiteSpace(p.SummaryMedications));
            Assert.False(string.IsNullOrWhiteSpace(p.SummaryAllergies));
            Assert.True(p.Email is null || p.Email.EndsWith("@example.com", StringComparison.Ordinal));
        });

        // Spread across the CCGs, not piled into one.
        var ccgsWithPatients = patients.Select(p => p.RegisteredPractice!.Network!.CcgId).Distinct().Count();
        Assert.Equal(9, ccgsWithPatients);
    }

    [Fact]
    public async Task Practice_ODS_codes_are_unique_and_ODS_shaped_and_practices_look_real()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var practices = await db.Practices.AsNoTracking().Include(p => p.Network).ThenInclude(n => n!.Ccg).ToListAsync();
        var ccgCodes = await db.Ccgs.Select(c => c.OdsCode).ToListAsync();

        Assert.Equal(practices.Count, practices.Select(p => p.OdsCode).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(practices.Count, practices.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(practices.Count, practices.Select(p => p.Phone).Distinct(StringComparer.Ordinal).Count());
        Assert.All(practices, p =>
        {
            Assert.Matches(OdsPracticeCode(), p.OdsCode);
            Assert.DoesNotContain(p.OdsCode, ccgCodes);
            Assert.Matches(DramaLandline(), p.Phone!);
            Assert.True(p.IsSynthetic);
            Assert.Contains(p.ClinicalSystem, new[] { ReferenceDataBuilder.SystmOne, ReferenceDataBuilder.EmisWeb });
        });

        // Stated splits: Leicester City "APMS 13 PMS 1 GMS 45" and "58 Systm1 ... 1 EMIS" (004:207,223-224); Bedfordshire all SystmOne (000:555).
        var city = practices.Where(p => p.Network!.Ccg!.OdsCode == "04C").ToList();
        Assert.Equal(13, city.Count(p => p.Contract == Forward.Domain.Organisations.ContractType.Apms));
        Assert.Equal(1, city.Count(p => p.Contract == Forward.Domain.Organisations.ContractType.Pms));
        Assert.Equal(1, city.Count(p => p.ClinicalSystem == ReferenceDataBuilder.EmisWeb));
        Assert.All(practices.Where(p => p.Network!.Ccg!.OdsCode == "06F"), p => Assert.Equal(ReferenceDataBuilder.SystmOne, p.ClinicalSystem));
        Assert.Contains(practices, p => p.Name == "Maple View Surgery" && p.Network!.Locality == "Redditch");
    }

    [Fact]
    public async Task Seeding_is_deterministic_and_matches_what_is_in_the_database()
    {
        var first = ReferenceDataBuilder.Build();
        var second = ReferenceDataBuilder.Build();
        static string Fingerprint(ReferenceData d) => string.Join('\n',
            d.Practices.Select(p => $"{p.OdsCode}|{p.Name}|{p.Network!.Code}|{p.ListSize}|{p.Contract}|{p.ClinicalSystem}|{p.Phone}")
                .Concat(d.Hubs.SelectMany(h => h.Sessions.Select(s => $"{h.Code}|{s.Name}|{s.Days}|{s.StartTime}|{s.EndTime}|{s.SlotMinutes}|{s.Clinicians}")))
                .Concat(d.Patients.Select(p => $"{p.NhsNumber}|{p.GivenName}|{p.FamilyName}|{p.DateOfBirth}|{p.RegisteredPractice!.OdsCode}")));
        Assert.Equal(Fingerprint(first), Fingerprint(second));

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var stored = await db.Practices.AsNoTracking().Include(p => p.Network).ToDictionaryAsync(p => p.OdsCode, StringComparer.Ordinal);
        Assert.Equal(first.Practices.Count, stored.Count);
        Assert.All(first.Practices, p =>
        {
            var s = stored[p.OdsCode];
            Assert.Equal((p.Name, p.ListSize, p.Network!.Code), (s.Name, s.ListSize, s.Network!.Code));
        });
    }

    [Fact]
    public async Task Running_the_seeder_again_adds_nothing()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var before = await CountsAsync(db);
        Assert.True(before.Practices > 0 && before.Hubs > 0 && before.Sessions > 0 && before.Patients > 0);

        await new ReferenceDataSeeder().SeedAsync(db);
        await using var fresh = factory.Services.CreateAsyncScope();
        var after = await CountsAsync(fresh.ServiceProvider.GetRequiredService<ForwardDbContext>());

        Assert.Equal(before, after);
    }

    private static async Task<(int CareSystems, int Ccgs, int Networks, int Practices, int Hubs, int Links, int Sessions, int Patients, int BankHolidays)> CountsAsync(ForwardDbContext db) =>
        (await db.CareSystems.CountAsync(), await db.Ccgs.CountAsync(), await db.Networks.CountAsync(), await db.Practices.CountAsync(),
         await db.Hubs.CountAsync(), await db.HubPractices.CountAsync(), await db.Sessions.CountAsync(), await db.Patients.CountAsync(),
         await db.BankHolidays.CountAsync());

    /// <summary>Earliest slot start and latest slot end on each date, in London time.</summary>
    private static Dictionary<DateOnly, (TimeOnly Open, TimeOnly Close)> OpeningPerDay(IEnumerable<Session> sessions, DateOnly from, DateOnly to) =>
        sessions.SelectMany(s => SlotGenerator.Generate(s, from, to, BankHolidayCalendar.England))
            .Select(s => (Start: London.ToLocal(s.StartUtc), End: London.ToLocal(s.EndUtc)))
            .GroupBy(s => DateOnly.FromDateTime(s.Start))
            .ToDictionary(g => g.Key, g => (TimeOnly.FromDateTime(g.Min(s => s.Start)), TimeOnly.FromDateTime(g.Max(s => s.End))));

    [GeneratedRegex(@"^[A-Z]\d{5}$")]
    private static partial Regex OdsPracticeCode();

    [GeneratedRegex(@"^01632 960\d{3}$")]
    private static partial Regex DramaLandline();

    [GeneratedRegex(@"^07700 900\d{3}$")]
    private static partial Regex DramaMobile();
}
