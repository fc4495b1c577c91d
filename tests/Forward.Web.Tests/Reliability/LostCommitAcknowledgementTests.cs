using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// On PostgreSQL a dropped connection retries the whole booking or change (EF's retrying execution strategy). The worst
/// moment to lose it is just as the commit goes through: the change is made but the app never hears so. The retry must
/// then answer with what was made (a booking 201, not 409 for the slot it now holds; a cancellation 200, not 409
/// "someone else changed it" against its own version), and do nothing twice.
/// SQLite has no connection to lose and no retrying strategy, so there the tests check the plain change.
/// </summary>
public sealed class LostCommitAcknowledgementTests(LostCommitAcknowledgementTests.DroppingFactory factory) : IClassFixture<LostCommitAcknowledgementTests.DroppingFactory>
{
    /// <summary>
    /// Throws what a dropped connection throws, once, right after a transaction has committed: the next one, or the next
    /// whose context <see cref="Arm"/>'s filter picks.
    /// </summary>
    public sealed class DropAfterCommit : DbTransactionInterceptor
    {
        private int armed;
        private int fired;
        private Func<DbContext, bool> which = _ => true;

        public int Fired => Volatile.Read(ref fired);

        public void Arm(Func<DbContext, bool>? commitOf = null)
        {
            Interlocked.Exchange(ref fired, 0);
            Volatile.Write(ref which, commitOf ?? (_ => true));
            Interlocked.Exchange(ref armed, 1);
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is { } context && Volatile.Read(ref which)(context) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                Interlocked.Increment(ref fired);
                throw new NpgsqlException("Simulated: connection lost after commit", new IOException("connection reset"));
            }

            return Task.CompletedTask;
        }
    }

    public sealed class DroppingFactory : InterceptingFactory<DropAfterCommit>;

    [Fact]
    public async Task A_booking_whose_commit_acknowledgement_was_lost_is_answered_201_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];

        if (factory.Database.IsPostgres)
        {
            factory.Interceptor.Arm();
        }

        var response = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {body}");
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();

        var held = await world.WithDbAsync(db => db.AppointmentSlots.Where(s => s.SlotId == slot.Id).Select(s => s.AppointmentId).ToListAsync());
        Assert.Equal([id], held);
        Assert.Equal(factory.Database.IsPostgres ? 1 : 0, factory.Interceptor.Fired);
    }

    [Fact]
    public async Task A_refusal_audited_under_its_patient_is_audited_once_when_its_commit_acknowledgement_was_lost()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhs = (await Fhir.FhirTestKit.PatientAsync(world, world.PracticeB.Id)).Identifier[0].Value; // registered at practice B
        var practiceA = await world.ClientAsync(world.PracticeStaffA);
        if (factory.Database.IsPostgres)
        {
            factory.Interceptor.Arm();
        }

        var response = await practiceA.PostAsJsonAsync("/api/v1/appointments", new { slotIds = new[] { slot.Id }, patient = TestPatients.Patient(nhs), consent = "Granted" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.Book && e.Outcome == "denied" && e.Actor == world.PracticeStaffA)));
        Assert.Equal(factory.Database.IsPostgres ? 1 : 0, factory.Interceptor.Fired);
    }

    [Fact]
    public async Task A_cancellation_whose_commit_acknowledgement_was_lost_is_answered_as_made()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking((await world.FreeSlotsAsync())[0].Id));
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        if (factory.Database.IsPostgres)
        {
            factory.Interceptor.Arm(commitOf: context => context.ChangeTracker.Entries<Appointment>().Any(e => e.Entity.Status == AppointmentStatus.Cancelled));
        }

        using var cancelled = await client.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" });

        Assert.True(cancelled.StatusCode == HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
        Assert.Equal(factory.Database.IsPostgres ? 1 : 0, factory.Interceptor.Fired);
        var body = JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Cancelled", 2), (body.GetProperty("status").GetString(), body.GetProperty("version").GetInt32()));
        var stored = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => new { a.Status, a.Version }).SingleAsync());
        Assert.Equal((AppointmentStatus.Cancelled, 2), (stored.Status, stored.Version));
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.Cancel && e.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}
