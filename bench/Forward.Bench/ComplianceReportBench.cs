using System.Diagnostics;
using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Data.Seeding;
using Forward.Domain.Access;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Forward.Bench;

/// <summary>
/// Benchmark 3: an ICS-year of synthetic appointments (<see cref="IcsYear"/>, ten million by default), the ICS's report
/// over that year through Forward's own code path (<see cref="ComplianceQueries.ReportAsync"/>, the code behind
/// /api/v1/compliance and the dashboard, which reads the compliance day summaries), and DuckDB's SQL over the same rows
/// exported to Parquet (<see cref="DuckDbBaseline"/>), each timed best of N after one untimed run, with the figures
/// compared: each CCG's appointment counts and population, and the ICS's offered extended-hours minutes and slots. Exit
/// code 1 if any differ.
/// </summary>
internal static class ComplianceReportBench
{
    public static Task<int> RunAsync(Args args) =>
        IcsYearAsync(args, long.Parse(args.Text("appointments", "10000000"), CultureInfo.InvariantCulture));

    private static async Task<int> IcsYearAsync(Args args, long wanted)
    {
        var provider = args.Text("provider", "sqlite");
        var isPostgres = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase);
        var runs = args.Int("runs", 3);
        var suffix = isPostgres ? "_postgres" : string.Empty;
        var workDirectory = Directory.CreateTempSubdirectory("forward-ics-year-").FullName;
        var connectionString = isPostgres
            ? new NpgsqlConnectionStringBuilder(args.Text("connection")) { Database = args.Text("database", "forward_ics_year"), CommandTimeout = 3600 }.ToString()
            : $"Data Source={Path.Combine(workDirectory, "forward.db")};Default Timeout=3600";
        if (isPostgres)
        {
            await ScratchPostgres.DropAsync(new NpgsqlConnectionStringBuilder(connectionString));
        }

        var failed = false;
        await using (var services = BuildServices(isPostgres ? "Postgres" : "Sqlite", connectionString, workDirectory))
        {
            using (var scope = services.CreateScope())
            {
                await DatabaseInitializer.InitialiseAsync(scope.ServiceProvider.GetRequiredService<ForwardDbContext>(), new ReferenceDataSeeder());
            }

            var (system, actor) = await LargestCareSystemAsync(services);
            IcsYearData data;
            TimeSpan rebuild;
            using (var scope = services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
                db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
                data = await IcsYear.GenerateAsync(db, system, wanted, London.Today(TimeProvider.System).AddDays(-1));
                Console.Error.WriteLine($"{data.Appointments:N0} appointments, {data.Slots:N0} slots, {data.Patients:N0} patients at {data.Hubs} hubs ({data.Clinicians} clinicians per session) written in {data.Elapsed.TotalSeconds:F0} s");
                var started = Stopwatch.StartNew();
                await db.InTransactionAsync(ct => ComplianceDayStore.RebuildAsync(db, ct));
                rebuild = started.Elapsed;
            }

            var times = new List<double>();
            ComplianceReport? report = null;
            long allocated = 0;
            for (var run = 0; run <= runs; run++)
            {
                using var scope = services.CreateScope();
                var queries = scope.ServiceProvider.GetRequiredService<ComplianceQueries>();
                var before = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                report = await queries.ReportAsync(ComplianceLevel.Ics, system, data.Range, actor, CancellationToken.None);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (run > 0)
                {
                    times.Add(elapsed);
                    allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                }
            }

            // The dashboard's read of the same year: the report, its week-by-week series (read by day) and the reminder table.
            var dashboardTimes = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                using var scope = services.CreateScope();
                var queries = scope.ServiceProvider.GetRequiredService<ComplianceQueries>();
                var started = Stopwatch.GetTimestamp();
                await queries.DashboardAsync(ComplianceLevel.Ics, system, data.Range, TrendPeriod.Week, actor, CancellationToken.None);
                if (run > 0)
                {
                    dashboardTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            TimeSpan exported;
            using (var scope = services.CreateScope())
            {
                exported = await DuckDbBaseline.ExportAsync(scope.ServiceProvider.GetRequiredService<ForwardDbContext>(), workDirectory, data.Range);
            }

            var duck = DuckDbBaseline.Query(workDirectory, data.Range, system, runs);
            var forward = times.Min();
            var differences = Compare(report!, duck);
            failed = differences.Count > 0;
            Console.WriteLine(
                $"compliance_report_ics_year{suffix}: {Stats.F(forward, 0)} ms best of {runs} (median {Stats.F(Stats.Percentile([.. times.Order()], 50), 0)} ms); "
                + $"{report!.Range.From:yyyy-MM-dd}..{report.Range.To:yyyy-MM-dd} of {report.Entity.Name}, {report.Figures.Totals.Appointments:N0} appointments in the report, "
                + $"{data.Slots:N0} slots; {allocated / 1024 / 1024:N0} MB allocated per report");
            Console.WriteLine($"compliance_dashboard_ics_year{suffix}: {Stats.F(dashboardTimes.Min(), 0)} ms best of {runs} (report, 52 weeks with each CCG, hubs' reminder effect; no baseline)");
            Console.WriteLine($"compliance_report_duckdb{suffix}: {Stats.F(duck.Milliseconds, 0)} ms best of {runs} (DuckDB {DuckDbBaseline.Version}, 2 threads, Parquet exported in {exported.TotalSeconds:F0} s)");
            Console.WriteLine($"compliance_report_vs_duckdb{suffix}: {Stats.F(forward, 0)} ms ({Stats.F(forward / duck.Milliseconds, 2)}x DuckDB; target at most 2x)");
            Console.WriteLine($"compliance_day_summaries_rebuilt{suffix}: {rebuild.TotalSeconds:F1} s (once, after the bulk load; bookings keep them up to date as they go)");
            Console.WriteLine(failed
                ? $"compliance_results_identical{suffix}: NO — {string.Join("; ", differences)}"
                : $"compliance_results_identical{suffix}: yes ({duck.Ccgs.Count} CCGs' {ComplianceDayStore.AppointmentCounts.Count} appointment counts and populations, the ICS's {duck.ExtendedMinutes:N0} extended-hours minutes and {duck.OfferedSlots:N0} offered slots)");
        }

        await ScratchDatabase.RemoveAsync(isPostgres, connectionString, workDirectory);
        return failed ? 1 : 0;
    }

    private static List<string> Compare(ComplianceReport report, DuckResult duck)
    {
        var differences = new List<string>();
        var totals = report.Figures.Totals;
        if (totals.ExtendedMinutes != duck.ExtendedMinutes)
        {
            differences.Add($"extended minutes: Forward {totals.ExtendedMinutes}, DuckDB {duck.ExtendedMinutes}");
        }

        if (totals.OfferedSlots != duck.OfferedSlots)
        {
            differences.Add($"offered slots: Forward {totals.OfferedSlots}, DuckDB {duck.OfferedSlots}");
        }

        var children = report.Children.ToDictionary(c => c.Entity.Id);
        foreach (var ccg in duck.Ccgs)
        {
            if (!children.TryGetValue(ccg.CcgId, out var child))
            {
                differences.Add($"CCG {ccg.CcgId} is not in Forward's report");
                continue;
            }

            if (child.Figures.Totals.Population != ccg.Population)
            {
                differences.Add($"{child.Entity.Code} population: Forward {child.Figures.Totals.Population}, DuckDB {ccg.Population}");
            }

            var counts = ComplianceDayStore.Counts(child.Figures.Totals);
            differences.AddRange(Enumerable.Range(0, counts.Length)
                .Where(i => counts[i] != ccg.Counts[i])
                .Select(i => $"{child.Entity.Code} {ComplianceDayStore.AppointmentCounts[i].Column}: Forward {counts[i]}, DuckDB {ccg.Counts[i]}"));
        }

        if (report.Children.Count != duck.Ccgs.Count)
        {
            differences.Add($"Forward reports {report.Children.Count} CCGs, DuckDB {duck.Ccgs.Count}");
        }

        return differences;
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
        services.AddScoped<ComplianceQueries>();
        return services.BuildServiceProvider();
    }
}
