using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// Reading an appointment (on every GET, cancel, change and day list) must find its rows through keys
/// and indexes, never by scanning a table: a scan makes every read slower as the appointments pile up. Checked on
/// SQLite's plans of the SQL the read really sends; PostgreSQL's planner scans tiny test tables whatever the indexes.
/// </summary>
public sealed class AppointmentReadPlanTests
{
    [Fact]
    public async Task Reading_an_appointment_searches_by_key_and_scans_no_table()
    {
        using var factory = new UncachedDiagnosticsFactory();
        if (factory.Database.IsPostgres)
        {
            return;
        }

        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        foreach (var slot in slots.Skip(1).Take(3))
        {
            (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).EnsureSuccessStatusCode();
        }

        var booked = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        var database = new SqliteConnectionStringBuilder(factory.Database.ConnectionString).DataSource;
        var reads = new ConcurrentQueue<(string Sql, (string Name, object? Value)[] Parameters)>();
        using (SqlCapture.Start(database, reads))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative))).StatusCode);
        }

        await AssertNoScansAsync(factory, reads.Where(r => r.Sql.Contains("\"Appointment", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Searching_appointments_by_dates_alone_scans_no_table_for_any_role_that_searches()
    {
        // Old code: NHS 111's search compared upper(BookingOrganisationOds), which no index serves, so every search by
        // dates read every appointment in the database.
        using var factory = new UncachedDiagnosticsFactory();
        if (factory.Database.IsPostgres)
        {
            return;
        }

        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var bookers = new[] { world.PracticeStaffA, world.Nhs111, world.HubClinician };
        for (var i = 0; i < bookers.Length; i++)
        {
            var client = await world.ClientAsync(bookers[i]);
            (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[i].Id, practiceOds: bookers[i] == world.PracticeStaffA ? null : world.PracticeA.OdsCode))).EnsureSuccessStatusCode();
        }

        var database = new SqliteConnectionStringBuilder(factory.Database.ConnectionString).DataSource;
        foreach (var booker in bookers)
        {
            var client = await world.ClientAsync(booker);
            var reads = new ConcurrentQueue<(string Sql, (string Name, object? Value)[] Parameters)>();
            using (SqlCapture.Start(database, reads))
            {
                using var found = await client.GetAsync(new Uri("/api/v1/appointments?from=2026-06-08&to=2026-06-14", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, found.StatusCode);
                Assert.Single(JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.GetProperty("appointments").EnumerateArray(), a => a.GetProperty("bookedBy").GetString() == booker);
            }

            await AssertNoScansAsync(factory, reads.Where(r => r.Sql.Contains("FROM \"Appointments\"", StringComparison.Ordinal)));
        }
    }

    private static async Task AssertNoScansAsync(ForwardFactory factory, IEnumerable<(string Sql, (string Name, object? Value)[] Parameters)> reads)
    {
        var checkedAny = false;
        await using var connection = new SqliteConnection(factory.Database.ConnectionString);
        await connection.OpenAsync();
        foreach (var (sql, parameters) in reads)
        {
            checkedAny = true;
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var (name, value) in parameters)
            {
                explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(3));
                }
            }

            var scans = plan.Where(line => line.StartsWith("SCAN ", StringComparison.Ordinal) || line.StartsWith("MATERIALIZE", StringComparison.Ordinal)).ToList();
            Assert.True(scans.Count == 0, $"The read scans a table:\n{sql}\nPlan:\n{string.Join('\n', plan)}");
        }

        Assert.True(checkedAny, "No appointment read was seen.");
    }

    /// <summary>
    /// EF asks who listens to its diagnostics at most once a second per context, and contexts are pooled: without this
    /// the capture below could start too late for the read it is meant to see.
    /// </summary>
    private sealed class UncachedDiagnosticsFactory : ForwardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureDbContext<SqliteForwardDbContext>(o => o.ConfigureLoggingCacheTime(TimeSpan.Zero)));
        }
    }

    /// <summary>Collects the SQL (and its parameters) EF sends to one database file while in use.</summary>
    private sealed class SqlCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string dataSource;
        private readonly ConcurrentQueue<(string, (string, object?)[])> sink;
        private readonly List<IDisposable> subscriptions = [];

        private SqlCapture(string dataSource, ConcurrentQueue<(string, (string, object?)[])> sink)
        {
            this.dataSource = dataSource;
            this.sink = sink;
        }

        public static SqlCapture Start(string dataSource, ConcurrentQueue<(string, (string, object?)[])> sink)
        {
            var capture = new SqlCapture(dataSource, sink);
            capture.subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(capture));
            return capture;
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (subscriptions)
                {
                    subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name
                && value.Value is CommandExecutedEventData data
                && data.Command.Connection is SqliteConnection connection
                && string.Equals(connection.DataSource, dataSource, StringComparison.Ordinal))
            {
                var parameters = data.Command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToArray();
                sink.Enqueue((data.Command.CommandText, parameters));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (subscriptions)
            {
                subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
