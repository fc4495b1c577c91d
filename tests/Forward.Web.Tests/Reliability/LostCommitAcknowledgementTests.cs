using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// On PostgreSQL a dropped connection retries the whole booking (EF's retrying execution strategy). The worst moment to
/// lose it is just as the commit goes through: the booking is made but the app never hears so. The retry must then
/// answer with that booking (201), not 409 for the slot the booking itself now holds, and book nothing twice.
/// SQLite has no connection to lose and no retrying strategy, so there the test checks the plain booking.
/// </summary>
public sealed class LostCommitAcknowledgementTests(LostCommitAcknowledgementTests.DroppingFactory factory) : IClassFixture<LostCommitAcknowledgementTests.DroppingFactory>
{
    /// <summary>Throws what a dropped connection throws, once, right after a booking's transaction has committed.</summary>
    public sealed class DropAfterCommit : DbTransactionInterceptor
    {
        private int armed;
        private int fired;

        public int Fired => Volatile.Read(ref fired);

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref armed, 0) == 1)
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
}
