using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Access;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Organisations;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Booking;
using Forward.Web.Hubs;
using Forward.Web.Notifications;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Forward.Bench;

/// <summary>
/// Free-slot search in process: for N hubs, a fresh database with the seeded organisations and a year of slots generated
/// from seeded rotas by the real SlotPlanner (SlotGenerator + SlotBulkWriter), a fifth of them booked; then mixed
/// searches through <see cref="BookingService.SearchAsync"/>, the code behind GET /api/v1/slots, one DI scope (one
/// DbContext) per search as a request has. Above the 33 seeded hubs, hubs are copies of seeded ones (same rota) serving
/// copies of their practices, so each practice keeps the handful of hubs it has in the seeds while the table grows.
/// </summary>
internal static class SlotSearchBench
{
    private const double TargetMs = 20;

    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Text("provider", "sqlite");
        var isPostgres = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase);
        var sizes = args.Text("hubs", "10,50,200").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var queries = args.Int("queries", 2000);
        var suffix = isPostgres ? "_postgres" : string.Empty;
        foreach (var hubs in sizes)
        {
            var workDirectory = Directory.CreateTempSubdirectory("forward-search-").FullName;
            string connectionString;
            if (isPostgres)
            {
                var builder = new NpgsqlConnectionStringBuilder(args.Text("connection")) { Database = $"{args.Text("database", "forward_search")}_{hubs.ToString(CultureInfo.InvariantCulture)}" };
                connectionString = builder.ToString();
                await ScratchPostgres.DropAsync(builder);
            }
            else
            {
                connectionString = $"Data Source={Path.Combine(workDirectory, "forward.db")}";
            }

            var capture = new SlotQueryCapture();
            await using var services = BuildServices(isPostgres ? "Postgres" : "Sqlite", connectionString, workDirectory, capture);
            var build = Stopwatch.StartNew();
            var world = await BuildWorldAsync(services, hubs, isPostgres);
            Console.Error.WriteLine($"{hubs} hubs: {world.Slots:N0} slots ({world.Booked:N0} booked) built in {build.Elapsed.TotalSeconds:F0} s");

            var random = new Random(11);
            // Warm-up: the first size in the process also pays for JIT tiering, so warm up well before timing.
            for (var i = 0; i < 1000; i++)
            {
                await SearchAsync(services, world, random);
            }

            var times = new List<double>(queries);
            long results = 0;
            for (var i = 0; i < queries; i++)
            {
                var started = Stopwatch.GetTimestamp();
                results += await SearchAsync(services, world, random);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            times.Sort();
            var p95 = Stats.Percentile(times, 95);
            Console.WriteLine($"slot_search_p95_{hubs}hubs{suffix}: {Stats.F(p95, 2)} ms ({Stats.F(p95 / TargetMs, 2)} of the 20 ms target); p50 {Stats.F(Stats.Percentile(times, 50), 2)} ms, p99 {Stats.F(Stats.Percentile(times, 99), 2)} ms; {world.Slots:N0} slots in the table, {queries} searches, mean {results / (double)queries:F0} slots returned");

            if (hubs == sizes[^1] || sizes.Count == 1)
            {
                await PrintPlansAsync(services, world, capture, isPostgres);
            }

            await ScratchDatabase.RemoveAsync(isPostgres, connectionString, workDirectory);
        }

        return 0;
    }

    private sealed record PracticeChoice(int Id, string Ods, IReadOnlyList<int> HubIds, IReadOnlyList<ClinicianRole> Roles);

    private sealed record World(IReadOnlyList<PracticeChoice> Practices, DateOnly Today, long Slots, long Booked);

    private static ServiceProvider BuildServices(string provider, string connectionString, string dataDirectory, SlotQueryCapture capture)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Forward:Database:Provider"] = provider,
            ["ConnectionStrings:Forward"] = connectionString,
            ["Forward:DataDirectory"] = dataDirectory,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddForwardDatabase(configuration, dataDirectory);
        if (provider == "Postgres")
        {
            services.ConfigureDbContext<PostgresForwardDbContext>(o => o.AddInterceptors(capture));
        }
        else
        {
            services.ConfigureDbContext<SqliteForwardDbContext>(o => o.AddInterceptors(capture));
        }

        services.AddDataProtection();
        services.AddOptions<BookingPolicy>();
        services.AddOptions<NotificationOptions>();
        services.AddOptions<SlotOptions>();
        services.AddSingleton<PatientCancelLinks>();
        services.AddScoped<AuditLog>();
        services.AddSingleton<OrganisationCcgs>();
        services.AddScoped<NotificationScheduler>();
        services.AddScoped<SlotPlanner>();
        services.AddScoped<BookingService>();
        services.AddScoped<BookingWriter>();
        services.AddSingleton(sp => new BookingBatcher(sp.GetRequiredService<IServiceScopeFactory>(), writers: 1)); // searches only
        return services.BuildServiceProvider();
    }

    private static async Task<World> BuildWorldAsync(ServiceProvider services, int hubCount, bool isPostgres)
    {
        var today = London.Today(TimeProvider.System);
        List<int> activeHubIds;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            await DatabaseInitializer.InitialiseAsync(db, new ReferenceDataSeeder { IncludeDemoPatients = false });
            var seeded = await db.Hubs.AsNoTracking().Include(h => h.Sessions).Include(h => h.ServedPractices).ThenInclude(hp => hp.Practice).OrderBy(h => h.Id).ToListAsync();
            if (hubCount <= seeded.Count)
            {
                var keep = seeded.Take(hubCount).Select(h => h.Id).ToList();
                await db.Hubs.Where(h => !keep.Contains(h.Id)).ExecuteUpdateAsync(u => u.SetProperty(h => h.IsActive, false));
            }
            else
            {
                for (var k = 0; k < hubCount - seeded.Count; k++)
                {
                    db.Hubs.Add(CopyOf(seeded[k % seeded.Count], k));
                }

                await db.SaveChangesAsync();
            }

            activeHubIds = await db.Hubs.Where(h => h.IsActive).Select(h => h.Id).ToListAsync();
        }

        foreach (var hubId in activeHubIds)
        {
            using var scope = services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<SlotPlanner>().PlanAsync(today, today.AddDays(364), hubId);
        }

        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            db.Database.SetCommandTimeout(600);
            var booked = await db.Slots.Where(s => s.Id % 5 == 0 && s.Status == SlotStatus.Free).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Booked));
            var slots = await db.Slots.LongCountAsync();
            if (isPostgres)
            {
                // Autovacuum would have analysed tables this size within a minute in production; do it now rather than wait.
                await db.Database.ExecuteSqlRawAsync("ANALYZE");
            }

            var links = await db.HubPractices.Where(hp => hp.Hub!.IsActive).Select(hp => new { hp.PracticeId, hp.Practice!.OdsCode, hp.HubId }).ToListAsync();
            var roles = await db.Sessions.Where(s => s.Hub!.IsActive).Select(s => new { s.HubId, s.Role }).Distinct().ToListAsync();
            var practices = links.GroupBy(l => (l.PracticeId, l.OdsCode)).Select(g =>
            {
                var hubIds = g.Select(l => l.HubId).ToList();
                return new PracticeChoice(g.Key.PracticeId, g.Key.OdsCode, hubIds, roles.Where(r => hubIds.Contains(r.HubId)).Select(r => r.Role).Distinct().ToList());
            }).OrderBy(p => p.Id).ToList();
            return new World(practices, today, slots, booked);
        }
    }

    private static Hub CopyOf(Hub source, int k)
    {
        var n = k.ToString(CultureInfo.InvariantCulture);
        var copy = new Hub
        {
            Code = $"{source.Code}-C{n}",
            Name = Truncate($"{source.Name} (copy {n})", 200),
            SiteName = source.SiteName,
            Town = source.Town,
            CcgId = source.CcgId,
            Tier = source.Tier,
            OpeningHours = source.OpeningHours,
            HoursAreSynthetic = true,
            Source = "bench copy of " + source.Code,
        };
        foreach (var s in source.Sessions)
        {
            copy.Sessions.Add(new Session
            {
                Name = s.Name,
                Days = s.Days,
                StartTime = s.StartTime,
                EndTime = s.EndTime,
                Role = s.Role,
                Mode = s.Mode,
                SlotMinutes = s.SlotMinutes,
                Clinicians = s.Clinicians,
                ValidFrom = s.ValidFrom,
                ValidUntil = s.ValidUntil,
                IsActive = s.IsActive,
            });
        }

        var index = 0;
        foreach (var hp in source.ServedPractices)
        {
            var p = hp.Practice!;
            copy.ServedPractices.Add(new HubPractice
            {
                Practice = new Practice
                {
                    OdsCode = $"Z{((k * 100) + index++).ToString("D5", CultureInfo.InvariantCulture)}",
                    Name = Truncate($"{p.Name} (copy {n})", 200),
                    NetworkId = p.NetworkId,
                    ListSize = p.ListSize,
                    Contract = p.Contract,
                    ClinicalSystem = p.ClinicalSystem,
                    IsSynthetic = true,
                },
            });
        }

        return copy;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    /// <summary>
    /// One search of the mix: a practice, 1–14 days starting inside what the booker may book (NHS 111 the next two days,
    /// practice staff the next fortnight: a search further out lists nothing since searches keep to the booking window),
    /// sometimes a role, a mode or one hub.
    /// </summary>
    private static async Task<int> SearchAsync(ServiceProvider services, World world, Random random)
    {
        var practice = world.Practices[random.Next(world.Practices.Count)];
        var nhs111 = random.NextDouble() < 0.5;
        var from = world.Today.AddDays(random.Next(0, nhs111 ? 2 : BookingService.MaxSearchDays));
        var to = from.AddDays(random.Next(0, BookingService.MaxSearchDays));
        ClinicianRole? role = random.NextDouble() < 0.4 && practice.Roles.Count > 0 ? practice.Roles[random.Next(practice.Roles.Count)] : null;
        DeliveryMode? mode = random.NextDouble() < 0.3 ? (DeliveryMode)random.Next(3) : null;
        int? hub = random.NextDouble() < 0.15 ? practice.HubIds[random.Next(practice.HubIds.Count)] : null;
        var actor = nhs111
            ? new Actor("bench.nhs111", Roles.Nhs111, null, null, null, DemoUsers.NhsOneOneOneOds)
            : new Actor("bench.practice", Roles.PracticeStaff, practice.Id, null, null, practice.Ods);
        using var scope = services.CreateScope();
        var booking = scope.ServiceProvider.GetRequiredService<BookingService>();
        var result = await booking.SearchAsync(new SlotSearch(practice.Ods, from, to, role, mode, hub), actor);
        return result.Slots.Count;
    }

    /// <summary>Runs two typical searches, takes the SQL EF sent for the slot query, and asks the database how it runs it.</summary>
    private static async Task PrintPlansAsync(ServiceProvider services, World world, SlotQueryCapture capture, bool isPostgres)
    {
        var practice = world.Practices.OrderByDescending(p => p.HubIds.Count).First();
        var actor = new Actor("bench.nhs111", Roles.Nhs111, null, null, null, DemoUsers.NhsOneOneOneOds);
        var searches = new[]
        {
            ("practice, 14 days", new SlotSearch(practice.Ods, world.Today, world.Today.AddDays(13))),
            ("practice, 3 days, role and mode", new SlotSearch(practice.Ods, world.Today, world.Today.AddDays(2), practice.Roles.Count > 0 ? practice.Roles[0] : null, DeliveryMode.FaceToFace)),
        };
        foreach (var (label, search) in searches)
        {
            using var scope = services.CreateScope();
            capture.Last = null;
            await scope.ServiceProvider.GetRequiredService<BookingService>().SearchAsync(search, actor);
            var command = capture.Last ?? throw new InvalidOperationException("The slot query was not seen.");
            Console.WriteLine($"-- slot search SQL ({label}; practice served by {practice.HubIds.Count} hubs):");
            Console.WriteLine(command.Text);
            Console.WriteLine(isPostgres ? "-- EXPLAIN ANALYZE:" : "-- EXPLAIN QUERY PLAN:");
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            await db.Database.OpenConnectionAsync();
            await using var explain = db.Database.GetDbConnection().CreateCommand();
#pragma warning disable CA2100 // the SQL is EF's own, captured above
            explain.CommandText = (isPostgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + command.Text;
#pragma warning restore CA2100
            foreach (var (name, value) in command.Parameters)
            {
                var parameter = explain.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                explain.Parameters.Add(parameter);
            }

            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine(isPostgres ? reader.GetString(0) : $"{reader.GetValue(0)} {reader.GetValue(1)} {reader.GetString(3)}");
            }
        }
    }

    /// <summary>Keeps the text and parameters of the last slot-search query EF sends.</summary>
    private sealed class SlotQueryCapture : DbCommandInterceptor
    {
        public sealed record Captured(string Text, IReadOnlyList<(string Name, object? Value)> Parameters);

        public Captured? Last { get; set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"Slots\"", StringComparison.Ordinal) && command.CommandText.Contains("LIMIT", StringComparison.Ordinal))
            {
                Last = new Captured(command.CommandText, command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList());
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
