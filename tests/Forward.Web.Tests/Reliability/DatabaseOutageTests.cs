using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// PostgreSQL goes away under load (every session terminated, new connections refused — what a restart looks like
/// from the app) and comes back. While it is away, bookings get a 503 ProblemDetails with Retry-After, never a 500;
/// afterwards booking works again without restarting Forward, and nothing confirmed before the outage is lost.
/// Only PostgreSQL has a server to lose: on SQLite (test.sh runs the suite on both) this test checks the 503 mapping
/// of a locked database instead.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.OutageFactory factory) : IClassFixture<DatabaseOutageTests.OutageFactory>
{
    /// <summary>On SQLite a locked database answers 503 after the busy timeout: two seconds here rather than thirty.</summary>
    public sealed class OutageFactory : InterceptingFactory<AnswerLostInOutage>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Forward:Database:SqliteBusyTimeoutSeconds", "2");
        }
    }

    /// <summary>
    /// The worst moment for PostgreSQL to go: a group of bookings has committed and the answer is lost with the
    /// connection. Armed, the next commit to finish waits for the outage to begin, then throws what a dropped connection
    /// throws, so EF's retries run into the outage and the group's bookers hear 503 for bookings that are in fact made.
    /// </summary>
    public sealed class AnswerLostInOutage : DbTransactionInterceptor
    {
        private readonly TaskCompletionSource outageBegun = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;
        private int fired;

        public int Fired => Volatile.Read(ref fired);

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public void OutageBegun() => outageBegun.TrySetResult();

        public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref armed, 0) == 1)
            {
                Interlocked.Increment(ref fired);
                await outageBegun.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
                throw new NpgsqlException("Simulated: connection lost after commit", new IOException("connection reset"));
            }
        }
    }

    [Fact]
    public async Task While_the_database_is_away_bookings_get_503_and_afterwards_nothing_confirmed_is_lost()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var before = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        var confirmedId = (await before.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var (fhir, fhirResponses) = await Fhir.FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var fhirPatient = await Fhir.FhirTestKit.PatientAsync(world);

        await using (var outage = await OutageAsync())
        {
            // A FHIR booking hears the same, as an OperationOutcome.
            await Assert.ThrowsAsync<Hl7.Fhir.Rest.FhirOperationException>(() => fhir.CreateAsync(Fhir.FhirTestKit.Booking(slots[6], fhirPatient.Id!, world.PracticeA.OdsCode)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, fhirResponses.LastResponse!.StatusCode);
            Assert.NotNull(fhirResponses.LastResponse.Headers.RetryAfter);
            Assert.Contains("OperationOutcome", fhirResponses.LastBody, StringComparison.Ordinal);

            for (var i = 1; i <= (factory.Database.IsPostgres ? 4 : 2); i++)
            {
                var response = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[i].Id, world.PracticeA.OdsCode));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"attempt {i}: {(int)response.StatusCode} {body}");
                Assert.Equal("database-unavailable", JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Headers.RetryAfter);
            }

            // The health check tells a load balancer the same: an unreachable PostgreSQL is 503. SQLite's readers carry on
            // past a held write lock, so there the database is still there to read.
            using var health = await practice.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(factory.Database.IsPostgres ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, health.StatusCode);
        }

        // Back: a client retrying as told gets its booking within a few attempts (stale pooled connections are dropped).
        HttpResponseMessage? after = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            after = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[5].Id, world.PracticeA.OdsCode));
            if (after.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.Created, after!.StatusCode);
        using (var healthAfter = await practice.GetAsync(new Uri("/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, healthAfter.StatusCode);
        }

        var read = await practice.GetAsync(new Uri($"/api/v1/appointments/{confirmedId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("Booked", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        var held = await world.WithDbAsync(db => Task.FromResult(db.AppointmentSlots.Count(h => h.IsActive && (h.SlotId == slots[1].Id || h.SlotId == slots[2].Id || h.SlotId == slots[3].Id || h.SlotId == slots[4].Id))));
        Assert.Equal(0, held); // refused requests wrote nothing
    }

    /// <summary>
    /// Eight clients book without pause while the database goes away and comes back. Each booking carries an
    /// Idempotency-Key, and a client that hears 503 retries it once the database is back (sooner than the Retry-After's
    /// five seconds, to keep the test short) until it is answered 201 or 409. Nothing but 201, 409 and the 503 problem is ever answered; once the
    /// database is back every booking is decided, each slot booked exactly once, every booking in the database is one a
    /// client was told about, and each is whole. On PostgreSQL one group of bookings commits just as the connection is
    /// cut (<see cref="AnswerLostInOutage"/>): its bookers hear 503, and their retries must be answered with those bookings.
    /// </summary>
    [Fact]
    public async Task Under_load_an_outage_loses_no_booking_and_books_none_twice()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        // Only slots practice staff may book (14 days ahead), and the clients may take only so many bookings in each
        // phase (the budget below), so they never run out of slots however fast the machine is.
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var slots = (await world.FreeSlotsAsync()).Where(s => s.StartUtc < now.AddDays(14)).ToList();
        Assert.True(slots.Count >= 80, $"only {slots.Count} free slots in the booking window");
        var budget = 40;

        var outcomes = new ConcurrentDictionary<int, (long SlotId, HttpStatusCode Status, long? Id, int Refusals, bool Replayed)>();
        var unexpected = new ConcurrentQueue<string>();
        var clientsRefused = new ConcurrentDictionary<int, bool>();
        var next = -1;
        var databaseBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        async Task ClientAsync(int client)
        {
            while (!stop.IsCancellationRequested)
            {
                if (Volatile.Read(ref next) + 1 >= Volatile.Read(ref budget))
                {
                    await Task.Delay(5);
                    continue;
                }

                var index = Interlocked.Increment(ref next);
                if (index / 2 >= slots.Count)
                {
                    unexpected.Enqueue($"booking {index}: the clients ran out of slots");
                    return;
                }

                var slotId = slots[index / 2].Id; // two clients per slot: one must win, the other hear 409
                var body = TestPatients.Booking(slotId, world.PracticeA.OdsCode);
                var key = $"{world.Prefix}-outage-{index}";
                var refused = 0;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(body) };
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await practice.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        var code = JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                        if (code != "database-unavailable" || response.Headers.RetryAfter is null || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                        {
                            unexpected.Enqueue($"booking {index}: 503 without the problem or Retry-After: {text}");
                        }

                        refused++;
                        clientsRefused[client] = true;
                        if (DateTime.UtcNow > deadline)
                        {
                            unexpected.Enqueue($"booking {index}: still 503 after a minute");
                            return;
                        }

                        // As a client honouring Retry-After would, it tries again once the database is back: so the
                        // retry of a booking whose answer was lost meets a working database and must find that booking.
                        await databaseBack.Task;
                        await Task.Delay(100);
                        continue;
                    }

                    // A retry of a booking that was made gets it back: 200 and Idempotent-Replayed rather than 201.
                    var replayed = response.StatusCode == HttpStatusCode.OK && response.Headers.TryGetValues("Idempotent-Replayed", out var flag) && flag.Single() == "true";
                    if (response.StatusCode == HttpStatusCode.Conflict && !text.Contains("\"slot-not-free\"", StringComparison.Ordinal))
                    {
                        unexpected.Enqueue($"booking {index}: 409 for another reason than the slot: {text}");
                        break;
                    }

                    if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict || replayed)
                    {
                        long? id = response.StatusCode == HttpStatusCode.Conflict ? null : JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
                        outcomes[index] = (slotId, id is null ? HttpStatusCode.Conflict : HttpStatusCode.Created, id, refused, replayed);
                    }
                    else
                    {
                        unexpected.Enqueue($"booking {index}: {(int)response.StatusCode} {text}");
                    }

                    break;
                }
            }
        }

        async Task WaitForAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!condition())
            {
                Assert.True(DateTime.UtcNow < deadline && unexpected.IsEmpty, $"waiting for {what}: {string.Join("; ", unexpected)}");
                await Task.Delay(20);
            }
        }

        int Booked() => outcomes.Values.Count(o => o.Status == HttpStatusCode.Created);

        var clients = Enumerable.Range(0, 8).Select(c => Task.Run(() => ClientAsync(c))).ToList();
        try
        {
            // Each phase lets every client take a couple more bookings than it needs.
            void AllowMore(int bookings) => Interlocked.Exchange(ref budget, Volatile.Read(ref next) + 1 + bookings);

            await WaitForAsync(() => Booked() >= 10, "ten bookings before the outage");
            if (factory.Database.IsPostgres)
            {
                AllowMore(16);
                factory.Interceptor.Arm();
                await WaitForAsync(() => factory.Interceptor.Fired == 1, "a commit whose answer the outage will take");
            }

            await using (await OutageAsync())
            {
                factory.Interceptor.OutageBegun();
                AllowMore(16);

                // Long enough for every client to have been turned away at least once.
                await WaitForAsync(() => clientsRefused.Count == clients.Count, "every client to hear 503");
            }

            databaseBack.SetResult();
            AllowMore(40);

            var bookedBefore = Booked();
            await WaitForAsync(() => Booked() >= bookedBefore + 10, "ten bookings after the outage");
        }
        finally
        {
            databaseBack.TrySetResult();
            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.Empty(unexpected);
        Assert.Equal(factory.Database.IsPostgres ? 1 : 0, factory.Interceptor.Fired);
        if (factory.Database.IsPostgres)
        {
            Assert.Contains(outcomes.Values, o => o.Replayed && o.Refusals > 0); // the booking whose answer was lost
        }

        Assert.Contains(outcomes.Values, o => o.Refusals > 0 && o.Status == HttpStatusCode.Created); // retried and booked
        Assert.Equal(Math.Min(next + 1, 2 * slots.Count), outcomes.Count); // every booking taken was decided
        foreach (var slot in outcomes.Values.GroupBy(o => o.SlotId))
        {
            Assert.Equal(1, slot.Count(o => o.Status == HttpStatusCode.Created));
        }

        var confirmed = outcomes.Values.Where(o => o.Id is not null).Select(o => o.Id!.Value).Order().ToList();
        Assert.Equal(confirmed.Count, confirmed.Distinct().Count());
        var inDatabase = await world.WithDbAsync(db => BookingIntegrity.AssertEveryBookingWholeAsync(db, world.HubId));
        Assert.Equal(confirmed, inDatabase.Order().ToList()); // none lost, none booked unannounced
    }

    /// <summary>PostgreSQL: refuse new connections to the test database and end its sessions. SQLite: hold the write lock.</summary>
    private async Task<IAsyncDisposable> OutageAsync()
    {
        if (factory.Database.IsPostgres)
        {
            var admin = new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString) { Database = "postgres", Pooling = false };
            var name = new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString).Database!;
            var connection = new NpgsqlConnection(admin.ToString());
            await connection.OpenAsync();
            await Execute(connection, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
            await Execute(connection, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
            return new Restore(async () =>
            {
                await Execute(connection, $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
                await connection.DisposeAsync();
            });
        }

        // SQLite has no server to lose; the nearest thing is another process holding the write lock past the busy timeout.
        // It takes the lock in Forward's own write turn: under load, SQLite's polling busy handler would otherwise leave
        // it waiting while Forward's writers follow each other without a gap.
        var sqlite = new Microsoft.Data.Sqlite.SqliteConnection(factory.Database.ConnectionString);
        await sqlite.OpenAsync();
        using (var scope = factory.Services.CreateScope())
        using (await scope.ServiceProvider.GetRequiredService<SqliteWriteGate>().EnterAsync(scope.ServiceProvider.GetRequiredService<ForwardDbContext>(), CancellationToken.None))
        await using (var begin = sqlite.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync();
        }

        return new Restore(async () =>
        {
            await using (var rollback = sqlite.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK";
                await rollback.ExecuteNonQueryAsync();
            }

            await sqlite.DisposeAsync();
        });
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
