using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// PostgreSQL goes away under load (every session terminated, new connections refused — what a restart looks like
/// from the app) and comes back. While it is away, bookings get a 503 ProblemDetails with Retry-After, never a 500;
/// afterwards booking works again without restarting Forward, and nothing confirmed before the outage is lost.
/// Only PostgreSQL has a server to lose: on SQLite (test.sh runs the suite on both) this test checks the 503 mapping
/// of a locked database instead.
/// </summary>
public sealed class DatabaseOutageTests(DatabaseOutageTests.ShortBusyTimeoutFactory factory) : IClassFixture<DatabaseOutageTests.ShortBusyTimeoutFactory>
{
    /// <summary>On SQLite a locked database answers 503 after the busy timeout: two seconds here rather than thirty.</summary>
    public sealed class ShortBusyTimeoutFactory : ForwardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Forward:Database:SqliteBusyTimeoutSeconds", "2");
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

        await using (var outage = await OutageAsync())
        {
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
        var sqlite = new Microsoft.Data.Sqlite.SqliteConnection(factory.Database.ConnectionString);
        await sqlite.OpenAsync();
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
