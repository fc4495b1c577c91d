using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Patients;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Forward.Bench;

/// <summary>
/// Drives concurrent clients booking through the real HTTP API of a Forward started as a separate process, then checks
/// the database directly for double bookings. Every client books as the NHS 111 demo user (NHS 111 may book for a patient
/// of any practice, so the clients can spread over every hub); each booking is for a new patient registered at a practice
/// the slot's hub serves. Most bookings are uncontested (each client has slots of its own); one in five is contested: the
/// four clients of a group all try the same slot, so exactly one gets 201 and the others 409.
/// </summary>
internal static class BookingLoad
{
    private const int GroupSize = 4;
    private const int ContestedEvery = 5;
    private static readonly TimeZoneInfo LondonZone = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static int nextPatient = 999_500_000;

    private sealed record SlotRef(long Id, int HubId, string PracticeOds, DateTime StartUtc);

    private sealed record Attempt(long SlotId, bool Contested, int Status, double Milliseconds, bool Measured);

    public static async Task<int> RunAsync(Args args)
    {
        var url = args.Text("url");
        var provider = args.Text("provider");
        var connectionString = args.Text("connection");
        var clients = args.Int("clients", 32);
        var seconds = args.Int("seconds", 20);

        // A server runs for days: its first seconds (tiered JIT recompiling the hot paths, pools and caches filling) are
        // booked but not timed, so the figures are the steady state. Every booking still counts in the database checks.
        var warmup = args.Int("warmup", 10);
        var days = args.Int("days", 27);
        var pid = args.Int("pid", 0);
        var baseline = args.Double("baseline");
        var user = args.Text("user", "nhs111");
        var password = args.Text("password", "forward-demo");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };

        // Every client signs in for its own bearer token, as separate callers would.
        var tokens = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => TokenAsync(http, user, password)));
        var pool = await FindFreeSlotsAsync(http, tokens[0], days);
        Console.Error.WriteLine($"found {pool.Count} free slots through GET /api/v1/slots");

        // Deal the slots: one share per group for contested bookings, the rest one share per client.
        var random = new Random(7);
        var shuffled = pool.OrderBy(_ => random.Next()).ToList();
        var groups = Math.Max(1, clients / GroupSize);
        var contestedCount = shuffled.Count / ((GroupSize * (ContestedEvery - 1)) + 1);
        var contested = Enumerable.Range(0, groups).Select(g => shuffled.Take(contestedCount).Where((_, i) => i % groups == g).ToList()).ToArray();
        var own = Enumerable.Range(0, clients).Select(c => shuffled.Skip(contestedCount).Where((_, i) => i % clients == c).ToList()).ToArray();

        var attempts = new ConcurrentBag<Attempt>();
        var failures = new ConcurrentDictionary<int, string>();
        long rssBeforeKb = pid > 0 ? RssSampler.ReadKb(pid) ?? 0 : 0;
        var sampler = pid > 0 ? new RssSampler(pid) : null;
        var stopwatch = Stopwatch.StartNew();
        var warm = TimeSpan.FromSeconds(warmup);
        var until = warm + TimeSpan.FromSeconds(seconds);
        var cpuAtWarm = CpuAfterAsync(warm, pid);
        var ranOut = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = own[c];
            var shared = contested[c / GroupSize % groups];
            int next = 0, nextShared = 0;
            for (var op = 0; stopwatch.Elapsed < until; op++)
            {
                SlotRef slot;
                var isContested = op % ContestedEvery == ContestedEvery - 1 && nextShared < shared.Count;
                if (isContested)
                {
                    slot = shared[nextShared++];
                }
                else if (next < mine.Count)
                {
                    slot = mine[next++];
                }
                else
                {
                    Interlocked.Increment(ref ranOut);
                    break;
                }

                var measured = stopwatch.Elapsed >= warm;
                var started = Stopwatch.GetTimestamp();
                var status = await BookAsync(http, tokens[c], slot, failures);
                attempts.Add(new Attempt(slot.Id, isContested, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds, measured));
            }
        })));
        var elapsed = (stopwatch.Elapsed - warm).TotalSeconds;
        var atWarm = await cpuAtWarm;
        var serverCpu = pid > 0 ? (RssSampler.ReadCpuSeconds(pid) ?? 0) - atWarm.Server : 0;
        var clientCpu = Environment.CpuUsage.TotalTime.TotalSeconds - atWarm.Client;
        long peakKb = 0;
        if (sampler is not null)
        {
            peakKb = sampler.PeakKb;
            await sampler.DisposeAsync();
        }

        var every = attempts.ToList();
        var all = every.Where(a => a.Measured).ToList();
        var created = all.Count(a => a.Status == 201);
        var conflicts = all.Count(a => a.Status == 409);
        var other = all.Count - created - conflicts;
        var latencies = all.Select(a => a.Milliseconds).Order().ToList();
        var throughput = created / elapsed;
        var db = provider.ToLowerInvariant();

        Console.WriteLine($"booking_throughput_{db}: {Stats.F(throughput, 0)}/s {Stats.Ratio(throughput, baseline, "baseline")}; {clients} clients, {Stats.F(elapsed, 1)} s timed after {warmup} s of warm-up, {Stats.F(all.Count / elapsed, 0)} requests/s");
        Console.WriteLine($"booking_latency_{db}: p50 {Stats.F(Stats.Percentile(latencies, 50))} ms, p95 {Stats.F(Stats.Percentile(latencies, 95))} ms, p99 {Stats.F(Stats.Percentile(latencies, 99))} ms (every booking request, 201 and 409)");
        Console.WriteLine($"booking_responses_{db}: 201={created} 409={conflicts} other={other}" + (ranOut > 0 ? $" ({ranOut} clients ran out of slots before the time was up)" : string.Empty));
        foreach (var (code, body) in failures)
        {
            Console.Error.WriteLine($"  first response with status {code}: {body}");
        }

        // Contested slots: every slot all four clients tried must have exactly one 201.
        var raced = every.Where(a => a.Contested).GroupBy(a => a.SlotId).ToList();
        var fullyRaced = raced.Where(g => g.Count() == GroupSize).ToList();
        var twoWinners = raced.Count(g => g.Count(a => a.Status == 201) > 1);
        var exactlyOne = fullyRaced.Count(g => g.Count(a => a.Status == 201) == 1 && g.Count(a => a.Status == 409) == GroupSize - 1);
        Console.WriteLine($"booking_contested_{db}: {fullyRaced.Count} slots tried by {GroupSize} clients each, {exactlyOne} with exactly one 201 and {GroupSize - 1} 409s; slots with two 201s: {twoWinners}");

        // The database must hold exactly the bookings confirmed in the whole run, warm-up included.
        var confirmed = every.Count(a => a.Status == 201);
        var unexpected = every.Count(a => a.Status is not (201 or 409));
        var check = await CheckDatabaseAsync(provider, connectionString);
        Console.WriteLine($"double_bookings_{db}: {check.DoubleHeld + check.DoubleBooked} (slots with two active holds: {check.DoubleHeld}; with two booked appointments: {check.DoubleBooked}; booked slots without a hold: {check.BookedWithoutHold}; booked appointments {check.BookedAppointments} = 201s {confirmed} in the whole run: {(check.BookedAppointments == confirmed ? "yes" : "NO")}; responses other than 201/409 in the whole run: {unexpected})");
        if (pid > 0)
        {
            Console.WriteLine($"booking_server_cpu_{db}: {Stats.F(serverCpu / elapsed, 2)} cores busy on average, {Stats.F(serverCpu * 1000 / Math.Max(1, all.Count), 2)} ms CPU per booking request; the load generator {Stats.F(clientCpu / elapsed, 2)} cores, {Stats.F(clientCpu * 1000 / Math.Max(1, all.Count), 2)} ms per request");
            Console.WriteLine($"rss_peak_{db}: {peakKb / 1024} MB ({Stats.F(peakKb / 1024.0 / 300, 2)} of the 300 MB target; {rssBeforeKb / 1024} MB before the load)");
        }

        // The ceiling any booking rate sits under on this machine: the same clients and tokens reading one slot each by
        // key (authorisation, one indexed read, JSON), no write at all. Booking at 0.5x the insert baseline needs this
        // ceiling to be well above that.
        var readSeconds = Math.Min(seconds, 10);
        var read = await ReadCeilingAsync(http, tokens, own, warmup: 3, seconds: readSeconds, pid);
        var readRate = read.Count / read.Seconds;
        Console.WriteLine($"api_read_ceiling_{db}: {Stats.F(readRate, 0)}/s {Stats.Ratio(readRate, baseline, "baseline")}; GET /api/v1/slots/{{id}} by the same {clients} clients, {readSeconds} s timed after 3 s; bookings were {Stats.F(throughput / readRate, 2)} of it"
            + (pid > 0 ? $"; server {Stats.F(read.ServerCpu / read.Seconds, 2)} cores busy, {Stats.F(read.ServerCpu * 1000 / Math.Max(1, read.Count), 2)} ms CPU per request; the load generator {Stats.F(read.ClientCpu / read.Seconds, 2)} cores" : string.Empty));

        return check.DoubleHeld + check.DoubleBooked == 0 && twoWinners == 0 && check.BookedAppointments == confirmed && unexpected == 0 ? 0 : 1;
    }

    /// <summary>The server's and this process's CPU seconds so far, read once the warm-up is over.</summary>
    private static async Task<(double Server, double Client)> CpuAfterAsync(TimeSpan warm, int pid)
    {
        await Task.Delay(warm);
        return (pid > 0 ? RssSampler.ReadCpuSeconds(pid) ?? 0 : 0, Environment.CpuUsage.TotalTime.TotalSeconds);
    }

    /// <summary>Authorised one-row reads per second (200s only) by every client over its own slots, after a warm-up.</summary>
    private static async Task<(long Count, double Seconds, double ServerCpu, double ClientCpu)> ReadCeilingAsync(
        HttpClient http, string[] tokens, List<SlotRef>[] slots, int warmup, int seconds, int pid)
    {
        Console.Error.WriteLine($"reading slots for {warmup} s untimed, then {seconds} s timed");
        var stopwatch = Stopwatch.StartNew();
        var warm = TimeSpan.FromSeconds(warmup);
        var until = warm + TimeSpan.FromSeconds(seconds);
        long counted = 0;
        var cpuAtWarm = CpuAfterAsync(warm, pid);
        await Task.WhenAll(Enumerable.Range(0, tokens.Length).Select(c => Task.Run(async () =>
        {
            var mine = slots[c];
            for (var i = 0; stopwatch.Elapsed < until && mine.Count > 0; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/slots/{mine[i % mine.Count].Id.ToString(CultureInfo.InvariantCulture)}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[c]);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new HttpRequestException($"GET slot: {(int)response.StatusCode}");
                }

                if (stopwatch.Elapsed >= warm)
                {
                    Interlocked.Increment(ref counted);
                }
            }
        })));
        var elapsed = (stopwatch.Elapsed - warm).TotalSeconds;
        var atWarm = await cpuAtWarm;
        return (counted, elapsed, pid > 0 ? (RssSampler.ReadCpuSeconds(pid) ?? 0) - atWarm.Server : 0, Environment.CpuUsage.TotalTime.TotalSeconds - atWarm.Client);
    }

    private static async Task<string> TokenAsync(HttpClient http, string user, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { userName = user, password });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("accessToken").GetString()!;
    }

    private static async Task<JsonDocument> GetAsync(HttpClient http, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonDocument.Parse(body) : throw new HttpRequestException($"GET {path}: {(int)response.StatusCode} {body}");
    }

    /// <summary>Free slots at every hub, day by day, through the same search bookers use; each with a practice that hub serves.</summary>
    private static async Task<List<SlotRef>> FindFreeSlotsAsync(HttpClient http, string token, int days)
    {
        using var hubsJson = await GetAsync(http, token, "/api/v1/hubs");
        var hubIds = hubsJson.RootElement.EnumerateArray().Select(h => h.GetProperty("id").GetInt32()).ToList();
        var practices = new Dictionary<int, string>();
        foreach (var id in hubIds)
        {
            using var detail = await GetAsync(http, token, $"/api/v1/hubs/{id.ToString(CultureInfo.InvariantCulture)}");
            if (detail.RootElement.GetProperty("practicesServed").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } practice)
            {
                practices[id] = practice.GetProperty("odsCode").GetString()!;
            }
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, LondonZone));
        var earliest = DateTime.UtcNow.AddMinutes(10);
        var found = new ConcurrentBag<SlotRef>();
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(practices.SelectMany(p => Enumerable.Range(0, days).Select(d => (Hub: p.Key, Ods: p.Value, Day: today.AddDays(d)))).Select(async q =>
        {
            await gate.WaitAsync();
            try
            {
                var day = q.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                using var json = await GetAsync(http, token, $"/api/v1/slots?practice={q.Ods}&hub={q.Hub.ToString(CultureInfo.InvariantCulture)}&from={day}&to={day}");
                foreach (var s in json.RootElement.GetProperty("slots").EnumerateArray())
                {
                    var start = s.GetProperty("startUtc").GetDateTime().ToUniversalTime();
                    if (start > earliest)
                    {
                        found.Add(new SlotRef(s.GetProperty("id").GetInt64(), q.Hub, q.Ods, start));
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        return [.. found.OrderBy(s => s.Id)];
    }

    private static async Task<int> BookAsync(HttpClient http, string token, SlotRef slot, ConcurrentDictionary<int, string> failures)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = JsonContent.Create(new
        {
            slotIds = new[] { slot.Id },
            patient = new { nhsNumber = NewNhsNumber(), givenName = "Alex", familyName = "Benchperson", dateOfBirth = "1980-05-17", phone = "07700 900123" },
            registeredPracticeOds = slot.PracticeOds,
            reason = "Benchmark booking",
            consent = "Granted",
        });
        try
        {
            using var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            if (status is not (201 or 409))
            {
                failures.TryAdd(status, await response.Content.ReadAsStringAsync());
            }

            return status;
        }
        catch (HttpRequestException ex)
        {
            failures.TryAdd(0, ex.Message);
            return 0;
        }
    }

    /// <summary>A fresh valid NHS number in the 999 test range, above the demo patients' 9994xxxxx.</summary>
    private static string NewNhsNumber()
    {
        while (true)
        {
            var nine = Interlocked.Increment(ref nextPatient).ToString(CultureInfo.InvariantCulture);
            if (NhsNumber.FromNineDigits(nine) is { } n)
            {
                return n.Value;
            }
        }
    }

    private sealed record DatabaseCheck(long DoubleHeld, long DoubleBooked, long BookedWithoutHold, long BookedAppointments);

    /// <summary>Straight to the database, not through Forward: no slot may be held by two active appointments.</summary>
    private static async Task<DatabaseCheck> CheckDatabaseAsync(string provider, string connectionString)
    {
        await using DbConnection connection = provider.Equals("postgres", StringComparison.OrdinalIgnoreCase)
            ? new NpgsqlConnection(connectionString)
            : new SqliteConnection(connectionString);
        await connection.OpenAsync();

        async Task<long> CountAsync(string sql)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // constant SQL
            command.CommandText = sql;
#pragma warning restore CA2100
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        return new DatabaseCheck(
            await CountAsync("""SELECT COUNT(*) FROM (SELECT "SlotId" FROM "AppointmentSlots" WHERE "IsActive" GROUP BY "SlotId" HAVING COUNT(*) > 1) x"""),
            await CountAsync("""SELECT COUNT(*) FROM (SELECT h."SlotId" FROM "AppointmentSlots" h JOIN "Appointments" a ON a."Id" = h."AppointmentId" WHERE a."Status" = 'Booked' GROUP BY h."SlotId" HAVING COUNT(*) > 1) x"""),
            await CountAsync("""SELECT COUNT(*) FROM "Slots" s WHERE s."Status" = 'Booked' AND NOT EXISTS (SELECT 1 FROM "AppointmentSlots" h WHERE h."SlotId" = s."Id" AND h."IsActive")"""),
            await CountAsync("""SELECT COUNT(*) FROM "Appointments" WHERE "Status" = 'Booked'"""));
    }
}
