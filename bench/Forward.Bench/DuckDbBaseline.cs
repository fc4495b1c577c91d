using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Microsoft.EntityFrameworkCore;

namespace Forward.Bench;

/// <summary>The appointment counts of one CCG's patients, as DuckDB works them out from the exported rows.</summary>
internal sealed record DuckCcgCounts(int CcgId, long Population, int[] Counts);

/// <summary>What DuckDB makes of the ICS's year, and how long the query took.</summary>
internal sealed record DuckResult(IReadOnlyList<DuckCcgCounts> Ccgs, decimal ExtendedMinutes, long OfferedSlots, double Milliseconds);

/// <summary>
/// Benchmark 3's baseline: the same ICS access-compliance figures worked out by DuckDB's SQL straight from the raw rows
/// (slots, appointments, the slots they hold, patients, practices), exported from Forward's database to CSV and turned
/// into Parquet before the clock starts. London dates come from a UTC-hour → London-date table made from Forward's
/// calendar (an hour never straddles a London midnight: the offset is always a whole hour), and extended hours from a
/// London-day table (where each day's extended hours begin). The figures compared: each CCG's appointment counts and
/// population, and the ICS's offered extended-hours minutes and slots.
/// </summary>
internal static class DuckDbBaseline
{
    /// <summary>Writes the tables the baseline reads as CSV into <paramref name="directory"/>, then converts them to Parquet.</summary>
    public static async Task<TimeSpan> ExportAsync(ForwardDbContext db, string directory, DateRange range)
    {
        var started = Stopwatch.StartNew();
        await CopyAsync(db, directory, "practices", ["id", "list_size", "ccg_id", "system_id"],
            "SELECT p.\"Id\", p.\"ListSize\", n.\"CcgId\", c.\"CareSystemId\" FROM \"Practices\" p JOIN \"Networks\" n ON n.\"Id\" = p.\"NetworkId\" JOIN \"Ccgs\" c ON c.\"Id\" = n.\"CcgId\"");
        await CopyAsync(db, directory, "hub_practices", ["hub_id", "practice_id"], "SELECT \"HubId\", \"PracticeId\" FROM \"HubPractices\"");
        await CopyAsync(db, directory, "patients", ["id", "practice_id"], "SELECT \"Id\", \"RegisteredPracticeId\" FROM \"Patients\"");
        await CopyAsync(db, directory, "slots", ["id", "hub_id", "session_id", "start_utc", "end_utc", "mode", "status"],
            "SELECT \"Id\", \"HubId\", \"SessionId\", \"StartUtc\", \"EndUtc\", \"Mode\", \"Status\" FROM \"Slots\"");
        await CopyAsync(db, directory, "appointments", ["id", "patient_id", "hub_id", "start_utc", "created_utc", "status", "channel"],
            "SELECT \"Id\", \"PatientId\", \"HubId\", \"StartUtc\", \"CreatedUtc\", \"Status\", \"Channel\" FROM \"Appointments\"");
        await CopyAsync(db, directory, "appointment_slots", ["appointment_id", "slot_id"], "SELECT \"AppointmentId\", \"SlotId\" FROM \"AppointmentSlots\"");
        WriteCalendar(directory, range);

        using var duck = Open();
        foreach (var table in new[] { "practices", "hub_practices", "patients", "slots", "appointments", "appointment_slots", "london_hours", "london_days" })
        {
            Execute(duck, $"COPY (SELECT * FROM read_csv('{Path.Combine(directory, table + ".csv")}', header = true)) TO '{Path.Combine(directory, table + ".parquet")}' (FORMAT parquet)");
            File.Delete(Path.Combine(directory, table + ".csv"));
        }

        return started.Elapsed;
    }

    /// <summary>Runs the baseline's SQL over the Parquet files; the time is the two queries, best of <paramref name="runs"/>.</summary>
    public static DuckResult Query(string directory, DateRange range, int systemId, int runs)
    {
        using var duck = Open();
        foreach (var table in new[] { "practices", "hub_practices", "patients", "slots", "appointments", "appointment_slots", "london_hours", "london_days" })
        {
            Execute(duck, $"CREATE VIEW {table} AS SELECT * FROM read_parquet('{Path.Combine(directory, table + ".parquet")}')");
        }

        var from = range.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = range.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var system = systemId.ToString(CultureInfo.InvariantCulture);
        var appointmentsSql = $"""
            WITH held AS (
                SELECT h.appointment_id, count(*) AS slot_count, arg_min(s.mode, h.slot_id) AS mode
                FROM appointment_slots h JOIN slots s ON s.id = h.slot_id
                GROUP BY h.appointment_id),
            a AS (
                SELECT p.ccg_id, ap.status, ap.channel, held.slot_count, held.mode, hs.london_date AS start_date, hc.london_date AS created_date
                FROM appointments ap
                JOIN patients pt ON pt.id = ap.patient_id
                JOIN practices p ON p.id = pt.practice_id AND p.system_id = {system}
                JOIN held ON held.appointment_id = ap.id
                JOIN london_hours hs ON hs.utc_hour = date_trunc('hour', ap.start_utc)
                JOIN london_hours hc ON hc.utc_hour = date_trunc('hour', ap.created_utc)
                WHERE hs.london_date BETWEEN DATE '{from}' AND DATE '{to}')
            SELECT ccg_id, -- then the counts in the order of ComplianceDayStore.AppointmentCounts
                sum(CASE WHEN status <> 'Cancelled' THEN slot_count ELSE 0 END),
                count(*) FILTER (WHERE status = 'Booked'),
                count(*) FILTER (WHERE status = 'Attended'),
                count(*) FILTER (WHERE status = 'DidNotAttend'),
                count(*) FILTER (WHERE status = 'Cancelled'),
                count(*) FILTER (WHERE created_date >= start_date),
                count(*) FILTER (WHERE created_date < start_date),
                count(*) FILTER (WHERE status <> 'Cancelled' AND mode IN ('Telephone', 'Video')),
                count(*) FILTER (WHERE status <> 'Cancelled' AND mode NOT IN ('Telephone', 'Video')),
                count(*) FILTER (WHERE channel = 'Practice'),
                count(*) FILTER (WHERE channel = 'Nhs111'),
                count(*) FILTER (WHERE channel = 'Hub'),
                count(*) FILTER (WHERE channel = 'Online')
            FROM a GROUP BY ccg_id ORDER BY ccg_id
            """;
        var populationSql = $"SELECT ccg_id, sum(list_size) FROM practices WHERE system_id = {system} GROUP BY ccg_id ORDER BY ccg_id";

        // A slot lies on one London date or, across midnight, two; each part counts from where extended hours begin.
        var slotsSql = $"""
            WITH offered AS (
                SELECT s.start_utc, s.end_utc, h1.london_date AS first_date, h2.london_date AS last_date
                FROM slots s
                JOIN (SELECT DISTINCT hp.hub_id FROM hub_practices hp JOIN practices p ON p.id = hp.practice_id WHERE p.system_id = {system}) hubs ON hubs.hub_id = s.hub_id
                JOIN london_hours h1 ON h1.utc_hour = date_trunc('hour', s.start_utc)
                JOIN london_hours h2 ON h2.utc_hour = date_trunc('hour', CASE WHEN s.end_utc > s.start_utc THEN s.end_utc - INTERVAL 1 MICROSECOND ELSE s.start_utc END)
                WHERE s.status <> 'Withdrawn'),
            parts AS (
                SELECT o.start_utc, o.end_utc, o.first_date AS date FROM offered o
                UNION ALL
                SELECT o.start_utc, o.end_utc, o.last_date FROM offered o WHERE o.last_date > o.first_date)
            SELECT
                (SELECT count(*) FROM offered WHERE first_date BETWEEN DATE '{from}' AND DATE '{to}'),
                (SELECT coalesce(sum(greatest(0, epoch_us(least(parts.end_utc, d.day_end)) - epoch_us(greatest(parts.start_utc, d.extended_start)))), 0)
                 FROM parts JOIN london_days d ON d.date = parts.date
                 WHERE parts.date BETWEEN DATE '{from}' AND DATE '{to}')
            """;

        var times = new List<double>();
        DuckResult? result = null;
        for (var run = 0; run <= runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            var counts = new List<(int CcgId, int[] Counts)>();
            using (var reader = Reader(duck, appointmentsSql))
            {
                while (reader.Read())
                {
                    counts.Add((reader.GetInt32(0), Enumerable.Range(1, ComplianceDayStore.AppointmentCounts.Count).Select(i => (int)Whole(reader.GetValue(i))).ToArray()));
                }
            }

            long offeredSlots;
            decimal extendedMinutes;
            using (var reader = Reader(duck, slotsSql))
            {
                reader.Read();
                offeredSlots = Whole(reader.GetValue(0));
                extendedMinutes = Whole(reader.GetValue(1)) / 60_000_000m;
            }

            var populations = new Dictionary<int, long>();
            using (var reader = Reader(duck, populationSql))
            {
                while (reader.Read())
                {
                    populations[reader.GetInt32(0)] = Whole(reader.GetValue(1));
                }
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (run > 0)
            {
                times.Add(elapsed);
            }

            var byCcg = counts.ToDictionary(c => c.CcgId, c => c.Counts);
            result = new DuckResult(
                populations.Select(p => new DuckCcgCounts(p.Key, p.Value, byCcg.GetValueOrDefault(p.Key) ?? new int[ComplianceDayStore.AppointmentCounts.Count])).ToList(),
                extendedMinutes,
                offeredSlots,
                0);
        }

        return result! with { Milliseconds = times.Min() };
    }

    /// <summary>The DuckDB library's version, for the result line.</summary>
    public static string Version
    {
        get
        {
            using var duck = Open();
            using var reader = Reader(duck, "SELECT version()");
            reader.Read();
            return reader.GetString(0);
        }
    }

    /// <summary>DuckDB's sum is a 128-bit HUGEINT; every total here fits a long.</summary>
    private static long Whole(object value) => value is System.Numerics.BigInteger big ? (long)big : Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();

        // The same two cores Forward has.
        Execute(connection, "SET threads TO 2");
        return connection;
    }

#pragma warning disable CA2100 // the SQL is built from constants, dates and ids formatted above, never from input
    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static DuckDBDataReader Reader(DuckDBConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteReader();
    }

    private static async Task CopyAsync(ForwardDbContext db, string directory, string name, string[] header, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            // Every value is a number, a timestamp or an enum name: nothing needs quoting.
            await using var writer = new StreamWriter(Path.Combine(directory, name + ".csv"));
            await writer.WriteLineAsync(string.Join(',', header));
            var isInstant = header.Select(h => h.EndsWith("_utc", StringComparison.Ordinal)).ToArray();
            var fields = new string?[header.Length];
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < header.Length; i++)
                {
                    fields[i] = isInstant[i]
                        ? reader.GetDateTime(i).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)
                        : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                }

                await writer.WriteLineAsync(string.Join(',', fields));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
#pragma warning restore CA2100

    /// <summary>London dates by UTC hour, and each London day's bounds and where its extended hours begin, from Forward's calendar.</summary>
    private static void WriteCalendar(string directory, DateRange range)
    {
        var first = range.From.AddDays(-400);
        var last = range.To.AddDays(2);
        using (var hours = new StreamWriter(Path.Combine(directory, "london_hours.csv")))
        {
            hours.WriteLine("utc_hour,london_date");
            for (var hour = London.StartOfDayUtc(first); hour < London.StartOfDayUtc(last); hour = hour.AddHours(1))
            {
                hours.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hour:yyyy-MM-dd HH:mm:ss},{DateOnly.FromDateTime(London.ToLocal(hour)):yyyy-MM-dd}"));
            }
        }

        using var days = new StreamWriter(Path.Combine(directory, "london_days.csv"));
        days.WriteLine("date,day_end,extended_start");
        for (var date = first; date < last; date = date.AddDays(1))
        {
            var kind = ExtendedHours.KindOf(date, Forward.Domain.Calendar.BankHolidayCalendar.England);
            var start = kind == DayKind.Weekday ? London.ToUtc(date, ExtendedHours.DefaultEveningStart)!.Value : London.StartOfDayUtc(date);
            days.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},{London.StartOfDayUtc(date.AddDays(1)):yyyy-MM-dd HH:mm:ss},{start:yyyy-MM-dd HH:mm:ss}"));
        }
    }
}
