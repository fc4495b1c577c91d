using System.Globalization;

namespace Forward.Bench;

/// <summary>"--name value" pairs.</summary>
internal sealed class Args(Dictionary<string, string> values)
{
    public static Args Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                name = a[2..];
                values[name] = "true";
            }
            else if (name is not null)
            {
                values[name] = a;
                name = null;
            }
        }

        return new Args(values);
    }

    public string Text(string name, string? fallback = null) =>
        values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required.");

    public string? Optional(string name) => values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double? Double(string name) => values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : null;
}

internal static class Stats
{
    /// <summary>Nearest-rank percentile of an ascending list.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string F(double value, int decimals = 1) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>"(0.62 of baseline)" or "(no baseline)".</summary>
    public static string Ratio(double value, double? baseline, string what) =>
        baseline is > 0 ? $"({F(value / baseline.Value, 2)} of {what})" : "(no baseline)";
}

/// <summary>Reads a process's resident set size from /proc while a load runs.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int pid;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public RssSampler(int pid)
    {
        this.pid = pid;
        loop = Task.Run(SampleAsync);
    }

    public long PeakKb { get; private set; }

    public long FirstKb { get; private set; }

    public int Samples { get; private set; }

    /// <summary>CPU seconds (user + system) the process has used so far, from /proc/PID/stat.</summary>
    public static double? ReadCpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

            // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name, in clock ticks of 1/100 s.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static long? ReadKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    private async Task SampleAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            if (ReadKb(pid) is { } kb)
            {
                if (Samples++ == 0)
                {
                    FirstKb = kb;
                }

                PeakKb = Math.Max(PeakKb, kb);
            }

            try
            {
                await Task.Delay(200, stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}

/// <summary>The benchmarks' throw-away PostgreSQL databases.</summary>
internal static class ScratchPostgres
{
    public static async Task DropAsync(Npgsql.NpgsqlConnectionStringBuilder target)
    {
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(target.ToString()) { Database = "postgres", Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(admin.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // the database name is built by the benchmark from a number
        command.CommandText = $"DROP DATABASE IF EXISTS \"{target.Database}\" WITH (FORCE)";
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}

internal static class ScratchDatabase
{
    /// <summary>Lets go of a benchmark's scratch database: its pooled connections, the PostgreSQL database, the work folder.</summary>
    public static async Task RemoveAsync(bool isPostgres, string connectionString, string workDirectory)
    {
        if (isPostgres)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await ScratchPostgres.DropAsync(new Npgsql.NpgsqlConnectionStringBuilder(connectionString));
        }
        else
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        Directory.Delete(workDirectory, recursive: true);
    }
}
