using System.Diagnostics;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Bench;

/// <summary>
/// The benchmark commands are run by hand (bench/*.sh), so nothing else notices when a change breaks one: the search
/// benchmark failed at start once the booking batcher's constructor took a writer count. This runs it at its
/// smallest, on the suite's database, and checks that free-slot search is still served by the partial index of free
/// slots. On SQLite that also catches a search whose status became a parameter instead of a constant (SQLite plans
/// before it sees the value, so the partial index would silently stop applying); PostgreSQL plans such a query with the
/// value bound and would still use the index.
/// </summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task The_search_benchmark_runs_and_its_plan_uses_the_free_slot_index()
    {
        var stdout = await RunBenchAsync("search", "--hubs", "2", "--queries", "20");

        Assert.Matches(@"slot_search_p95_2hubs(_postgres)?: [0-9.]+ ms \(", stdout);

        // SQLite: "SEARCH s USING INDEX IX_Slots_Free_HubId_StartUtc (HubId=? AND StartUtc>? ...)"; PostgreSQL: "Index Scan
        // using "IX_Slots_Free_HubId_StartUtc" on "Slots" s" (or a bitmap scan of it, on a table this small).
        Assert.Contains("IX_Slots_Free_HubId_StartUtc", stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// The compliance benchmark at its smallest (one clinician per session, about 135,000 appointments) checks Forward's
    /// report against DuckDB's SQL over the same rows exported to Parquet, and fails on any difference.
    /// </summary>
    [Fact]
    public async Task The_compliance_benchmark_runs_and_its_report_equals_duckdbs()
    {
        var stdout = await RunBenchAsync("compliance", "--appointments", "20000", "--runs", "1");

        Assert.Matches("compliance_results_identical(_postgres)?: yes", stdout);
    }

    /// <summary>Runs the benchmark command on the suite's database; returns what it printed, failing on a non-zero exit.</summary>
    private static async Task<string> RunBenchAsync(params string[] command)
    {
        using var database = new TestDatabase();
        var bench = ForwardProcess.Built(Path.Combine(ForwardProcess.RepositoryRoot, "bench", "Forward.Bench"), "Forward.Bench.dll");
        Assert.True(File.Exists(bench), $"{bench} is not built: build the solution first.");

        // On PostgreSQL a database name of the test's own, not the benchmark's fixed one, which a bench/*.sh run or
        // another suite on the same server could be using.
        List<string> arguments = [bench, .. command];
        arguments.AddRange(database.IsPostgres
            ? ["--provider", "postgres", "--connection", Environment.GetEnvironmentVariable("FORWARD_TEST_PG")!, "--database", new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database!]
            : ["--provider", "sqlite"]);
        var info = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var stdout = await output;
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{stdout}\n{await errors}");
        return stdout;
    }
}
