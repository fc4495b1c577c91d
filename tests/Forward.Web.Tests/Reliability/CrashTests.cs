using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Forward.Data;
using Forward.Domain.Booking;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// Forward as a real separate process, killed with SIGKILL in the middle of concurrent bookings, then started again on
/// the same database: every booking a client got a 201 for is there, whole (its slot held, its slot marked booked, its
/// confirmation queued), and no slot is held twice. Runs on SQLite and PostgreSQL like the rest of the suite.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const string Password = "Crash-Test-Passw0rd!";
    private readonly TestDatabase database = new();
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("forward-crash-").FullName;

    [Fact]
    public async Task Bookings_confirmed_before_a_kill_9_survive_it_whole_and_no_slot_is_held_twice()
    {
        var port = FreePort();
        var server = Start(port);
        var confirmed = new ConcurrentBag<long>();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };
            await WaitHealthyAsync(http, server);
            var token = await TokenAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
            var search = await http.GetFromJsonAsync<JsonElement>($"/api/v1/slots?practice=C84901&from={from:yyyy-MM-dd}&to={from.AddDays(10):yyyy-MM-dd}");
            var slotIds = search.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()).ToList();
            Assert.True(slotIds.Count >= 40, $"only {slotIds.Count} free slots to book");

            // 16 clients book different slots (and race for some of the same) until the server is killed under them.
            using var killed = new CancellationTokenSource();
            var next = -1;
            var clients = Enumerable.Range(0, 16).Select(async client =>
            {
                while (!killed.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref next);
                    var slotId = slotIds[(index / 2) % slotIds.Count]; // two clients per slot: one 201, one 409
                    try
                    {
                        using var response = await http.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slotId, "C84901"), killed.Token);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            confirmed.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64());
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
                    {
                        // The server died mid-request: the client never got a 201, so nothing is owed to it.
                    }
                }
            }).ToList();

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (confirmed.Count < 10 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            server.Kill(entireProcessTree: true); // SIGKILL: no shutdown hooks, no flush
            await server.WaitForExitAsync();
            await killed.CancelAsync();
            await Task.WhenAll(clients);
            Assert.True(confirmed.Count >= 10, $"only {confirmed.Count} bookings were confirmed before the kill");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }

            server.Dispose();
        }

        // Start again on the same database: it must come up healthy, then hold everything it confirmed.
        var restarted = Start(port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitHealthyAsync(http, restarted);
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }

        await using var db = OpenDatabase();
        var ids = confirmed.ToList();
        var found = await db.Appointments.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Status, Held = a.Slots.Count(s => s.IsActive), Booked = a.Slots.Count(s => s.Slot!.Status == Forward.Domain.Hubs.SlotStatus.Booked), Confirmations = db.OutboxMessages.Count(m => m.AppointmentId == a.Id) })
            .ToListAsync();
        Assert.Equal(ids.Count, found.Count);
        Assert.All(found, a =>
        {
            Assert.Equal(AppointmentStatus.Booked, a.Status);
            Assert.True(a.Held >= 1, $"appointment {a.Id} holds no slot");
            Assert.Equal(a.Held, a.Booked);
            Assert.True(a.Confirmations >= 1, $"appointment {a.Id} has no queued confirmation");
        });
        Assert.Equal(0, await db.AppointmentSlots.Where(h => h.IsActive).GroupBy(h => h.SlotId).CountAsync(g => g.Count() > 1));
        Assert.Equal(0, await db.Appointments.CountAsync(a => !a.Slots.Any()));
    }

    public void Dispose()
    {
        database.Dispose();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app as built next to the tests (same configuration), run from its project folder as `dotnet run` would.</summary>
    private Process Start(int port)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Forward.slnx")))
        {
            root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Cannot find the repository root.");
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var project = Path.Combine(root, "src", "Forward.Web");
        var info = new ProcessStartInfo("dotnet", [Path.Combine(project, "bin", configuration, "net10.0", "Forward.Web.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Forward__DataDirectory"] = dataDirectory;
        info.Environment["Forward__Database__Provider"] = database.Provider;
        info.Environment["ConnectionStrings__Forward"] = database.ConnectionString;
        info.Environment["Forward__Demo__SeedUsers"] = "true";
        info.Environment["Forward__Demo__Password"] = Password;
        info.Environment["Forward__Demo__HistoryMonths"] = "0";
        info.Environment["Forward__Slots__HorizonDays"] = "12";
        info.Environment["Forward__RateLimits__SignInPerMinute"] = "10000";
        info.Environment["Forward__Notifications__DispatchInBackground"] = "false";
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start Forward.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process server)
    {
        for (var i = 0; i < 1200; i++)
        {
            Assert.False(server.HasExited, $"Forward exited with code {(server.HasExited ? server.ExitCode : 0)} before it was healthy");
            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail("Forward did not become healthy within two minutes");
    }

    private static async Task<string> TokenAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { userName = "practice", password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private ForwardDbContext OpenDatabase() => database.IsPostgres
        ? new PostgresForwardDbContext(new DbContextOptionsBuilder<PostgresForwardDbContext>().UseNpgsql(database.ConnectionString).Options)
        : new SqliteForwardDbContext(new DbContextOptionsBuilder<SqliteForwardDbContext>().UseSqlite(database.ConnectionString).Options);
}
