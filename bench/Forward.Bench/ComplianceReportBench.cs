using System.Diagnostics;
using System.Globalization;
using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Access;
using Forward.Domain.Compliance;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Forward.Bench;

/// <summary>
/// Benchmark 3, first part: how Forward's own access-compliance report (<see cref="ComplianceQueries.ReportAsync"/>, the
/// code behind /api/v1/compliance and the dashboard) grows with the appointments behind it. For each size a fresh
/// database with the seeded organisations and the deterministic synthetic history (<see cref="DemoHistory"/>, 1 to 36
/// months); then the ICS report over the last year of that history, timed best of N after one untimed run, with the
/// memory it allocates. The DuckDB comparison over the same data (the issue's baseline) is not written yet.
/// </summary>
internal static class ComplianceReportBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Text("provider", "sqlite");
        var isPostgres = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase);
        var sizes = args.Text("months", "3,12,36").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        var runs = args.Int("runs", 3);
        var suffix = isPostgres ? "_postgres" : string.Empty;
        foreach (var months in sizes)
        {
            var workDirectory = Directory.CreateTempSubdirectory("forward-compliance-").FullName;
            var connectionString = isPostgres
                ? new NpgsqlConnectionStringBuilder(args.Text("connection")) { Database = $"forward_compliance_{months.ToString(CultureInfo.InvariantCulture)}" }.ToString()
                : $"Data Source={Path.Combine(workDirectory, "forward.db")}";
            if (isPostgres)
            {
                await ScratchPostgres.DropAsync(new NpgsqlConnectionStringBuilder(connectionString));
            }

            await using (var services = BuildServices(isPostgres ? "Postgres" : "Sqlite", connectionString, workDirectory))
            {
                var build = Stopwatch.StartNew();
                DemoHistoryResult history;
                using (var scope = services.CreateScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
                    await DatabaseInitializer.InitialiseAsync(db, new ReferenceDataSeeder());
                    history = await scope.ServiceProvider.GetRequiredService<DemoHistory>().GenerateAsync(months);
                }

                Console.Error.WriteLine($"{months} months: {history.Appointments:N0} appointments, {history.Slots:N0} slots, {history.Patients:N0} patients written in {build.Elapsed.TotalSeconds:F0} s");

                var (system, actor) = await LargestCareSystemAsync(services);
                var range = new DateRange(history.To.AddDays(-365) > history.From ? history.To.AddDays(-365) : history.From, history.To);
                var times = new List<double>();
                long allocated = 0;
                ComplianceReport? report = null;
                for (var run = 0; run <= runs; run++)
                {
                    using var scope = services.CreateScope();
                    var queries = scope.ServiceProvider.GetRequiredService<ComplianceQueries>();
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var started = Stopwatch.GetTimestamp();
                    report = await queries.ReportAsync(ComplianceLevel.Ics, system, range, actor, CancellationToken.None);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (run > 0)
                    {
                        times.Add(elapsed);
                        allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    }
                }

                var best = times.Min();
                var figures = report!.Figures.Totals;
                Console.WriteLine(
                    $"compliance_report_ics_{months}months{suffix}: {Stats.F(best, 0)} ms best of {runs} (median {Stats.F(Stats.Percentile([.. times.Order()], 50), 0)} ms); "
                    + $"{report.Range.From:yyyy-MM-dd}..{report.Range.To:yyyy-MM-dd} of {report.Entity.Name}, {figures.Appointments:N0} appointments in the report of {history.Appointments:N0} in the table, "
                    + $"{report.Children.Count} CCGs; {allocated / 1024 / 1024:N0} MB allocated per report");
            }

            if (isPostgres)
            {
                NpgsqlConnection.ClearAllPools();
                await ScratchPostgres.DropAsync(new NpgsqlConnectionStringBuilder(connectionString));
            }
            else
            {
                SqliteConnection.ClearAllPools();
            }

            Directory.Delete(workDirectory, recursive: true);
        }

        Console.WriteLine("compliance_report_vs_duckdb: not measured yet (the DuckDB side of benchmark 3 is still to be written)");
        return 0;
    }

    /// <summary>The ICS with the most registered patients, and a commissioner of one of its CCGs (who may see the ICS report).</summary>
    private static async Task<(int System, Actor Actor)> LargestCareSystemAsync(ServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var largest = await db.Practices.AsNoTracking()
            .GroupBy(p => new { p.Network!.Ccg!.CareSystemId, p.Network.CcgId, p.Network.Ccg.OdsCode })
            .Select(g => new { g.Key.CareSystemId, g.Key.CcgId, g.Key.OdsCode, Patients = g.Sum(p => (long)p.ListSize) })
            .ToListAsync();
        var system = largest.GroupBy(x => x.CareSystemId).OrderByDescending(g => g.Sum(x => x.Patients)).First();
        var ccg = system.OrderByDescending(x => x.Patients).First();
        return (system.Key, new Actor("bench-commissioner", Roles.Commissioner, null, null, ccg.CcgId, ccg.OdsCode));
    }

    private static ServiceProvider BuildServices(string provider, string connectionString, string dataDirectory)
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
        services.AddScoped<DemoHistory>();
        services.AddScoped<ComplianceQueries>();
        return services.BuildServiceProvider();
    }
}
