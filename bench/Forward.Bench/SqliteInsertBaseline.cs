using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Forward.Bench;

/// <summary>
/// The SQLite baseline for booking throughput: the fastest a client of Microsoft.Data.Sqlite can commit one-row write
/// transactions into a file in the same folder, with the journal mode (WAL), synchronous setting (left at SQLite's
/// default, as Forward leaves it), busy timeout and BEGIN IMMEDIATE transactions that Forward's own connections use.
/// Measured with as many concurrent writers as the booking load has clients, and with one writer for comparison.
/// </summary>
internal static class SqliteInsertBaseline
{
    public static async Task<int> RunAsync(Args args)
    {
        var file = args.Text("file");
        var writers = args.Int("writers", 32);
        var seconds = args.Int("seconds", 20);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, DefaultTimeout = 30, Pooling = true }.ToString();
        string synchronous;
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS bench_insert (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL, at TEXT NOT NULL, payload TEXT NOT NULL);";
            await command.ExecuteNonQueryAsync();
            command.CommandText = "PRAGMA synchronous";
            synchronous = Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) switch
            {
                "0" => "OFF",
                "1" => "NORMAL",
                "2" => "FULL",
                "3" => "EXTRA",
                var other => other ?? "?",
            };
        }

        var single = await MeasureAsync(connectionString, 1, Math.Max(5, seconds / 2));
        var concurrent = await MeasureAsync(connectionString, writers, seconds);
        Console.WriteLine($"insert_baseline_sqlite_1_writer: {Stats.F(single, 0)}/s (journal_mode=WAL, synchronous={synchronous}, one INSERT per transaction)");
        Console.WriteLine($"insert_baseline_sqlite: {Stats.F(concurrent, 0)}/s ({writers.ToString(System.Globalization.CultureInfo.InvariantCulture)} concurrent writers; the booking target compares against this)");
        return 0;
    }

    private static async Task<double> MeasureAsync(string connectionString, int writers, int seconds)
    {
        var stopwatch = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        var counts = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var done = 0;
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO bench_insert (writer, at, payload) VALUES ($w, $at, $p)";
            var at = command.Parameters.Add("$at", SqliteType.Text);
            command.Parameters.AddWithValue("$w", w);
            command.Parameters.AddWithValue("$p", "one booking-sized row of text, about a hundred bytes long, to stand in for an appointment");
            while (stopwatch.Elapsed < until)
            {
                await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
                command.Transaction = transaction;
                at.Value = DateTime.UtcNow;
                await command.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
                done++;
            }

            return done;
        })));
        return counts.Sum() / stopwatch.Elapsed.TotalSeconds;
    }
}
