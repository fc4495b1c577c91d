using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
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
        var port = ForwardProcess.FreePort();
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
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException or IOException or System.Net.Sockets.SocketException)
                    {
                        // The server died mid-request, or mid-way through a response body (the socket error then comes
                        // straight from the read): the client never read a booking id, so there is nothing to check it for.
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

        await using var db = database.OpenContext();
        var ids = confirmed.ToList();
        var found = await db.Appointments.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => a.Status).ToListAsync();
        Assert.Equal(ids.Count, found.Count);
        Assert.All(found, status => Assert.Equal(AppointmentStatus.Booked, status)); // and whole, as every booking below

        // A booking can commit and lose its 201 to the kill, so every booking in the database is checked whole.
        var booked = await BookingIntegrity.AssertEveryBookingWholeAsync(db);
        Assert.Equal(await db.Appointments.CountAsync(), booked.Count); // this test cancels nothing and seeds no history
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

    private Process Start(int port) => ForwardProcess.Start(port, new Dictionary<string, string>
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["Forward__DataDirectory"] = dataDirectory,
        ["Forward__Database__Provider"] = database.Provider,
        ["ConnectionStrings__Forward"] = database.ConnectionString,
        ["Forward__Demo__SeedUsers"] = "true",
        ["Forward__Demo__Password"] = Password,
        ["Forward__Demo__HistoryMonths"] = "0",
        ["Forward__Slots__HorizonDays"] = "14", // the longest booking window: a shorter horizon stops the start
        ["Forward__RateLimits__SignInPerMinute"] = "10000",
        ["Forward__Notifications__DispatchInBackground"] = "false",
    });

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
}
