using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Booking;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// PostgreSQL's connection drops just as a cancellation commits: the commit stands but its answer is lost, and EF's
/// retrying strategy runs the whole change again, which finds the version it expected gone. That is this request's own
/// change, not someone else's: it must be answered as made, not with 409 "someone else changed this appointment".
/// (SQLite is embedded: a commit's answer cannot be lost on the way back.)
/// </summary>
public sealed class ChangeAnswerLostTests(ChangeAnswerLostTests.LosingFactory factory) : IClassFixture<ChangeAnswerLostTests.LosingFactory>
{
    /// <summary>Once armed, the next commit of a cancellation throws what a dropped connection throws, after committing.</summary>
    public sealed class LoseCancellationAnswer : DbTransactionInterceptor
    {
        private int armed;
        private int fired;

        public int Fired => Volatile.Read(ref fired);

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<Appointment>().Any(e => e.Entity.Status == AppointmentStatus.Cancelled) == true
                && Interlocked.Exchange(ref armed, 0) == 1)
            {
                Interlocked.Increment(ref fired);
                throw new NpgsqlException("Simulated: connection lost after commit", new IOException("connection reset"));
            }

            return Task.CompletedTask;
        }
    }

    public sealed class LosingFactory : InterceptingFactory<LoseCancellationAnswer>;

    [Fact]
    public async Task A_cancellation_whose_commit_answer_was_lost_is_answered_as_made()
    {
        if (!factory.Database.IsPostgres)
        {
            return;
        }

        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        using var booked = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        factory.Interceptor.Arm();
        using var cancelled = await client.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" });

        Assert.Equal(1, factory.Interceptor.Fired);
        Assert.True(cancelled.StatusCode == HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
        var body = JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Cancelled", 2), (body.GetProperty("status").GetString(), body.GetProperty("version").GetInt32()));
        var stored = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => new { a.Status, a.Version }).SingleAsync());
        Assert.Equal((AppointmentStatus.Cancelled, 2), (stored.Status, stored.Version));
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == Forward.Domain.Audit.AuditActions.Cancel && e.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}
