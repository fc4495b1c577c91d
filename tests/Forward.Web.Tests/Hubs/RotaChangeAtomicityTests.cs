using System.Data.Common;
using Forward.Data.Compliance;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Hubs;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// A rota change is the session edit, its audit record, the slots the planner adds or withdraws, the free slots reshaped
/// to the session's new role, mode or length, and the compliance days of those slots. If any step fails, none of it may
/// stay: a session saved as "nurse" whose slots still say "GP" would mislead every booker until the next edit.
/// </summary>
public sealed class RotaChangeAtomicityTests(RotaChangeAtomicityTests.FailingFactory factory) : IClassFixture<RotaChangeAtomicityTests.FailingFactory>
{
    /// <summary>Fails the statement that reshapes free slots (the step after the session, audit and new slots are written), once armed.</summary>
    public sealed class FailReshape : DbCommandInterceptor
    {
        private int armed;
        private int fired;

        public int Fired => Volatile.Read(ref fired);

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("UPDATE \"Slots\"", StringComparison.Ordinal)
                && command.CommandText.Contains("\"Role\" =", StringComparison.Ordinal)
                && Interlocked.Exchange(ref armed, 0) == 1)
            {
                Interlocked.Increment(ref fired);
                throw new InvalidOperationException("Simulated failure while reshaping slots");
            }

            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    public sealed class FailingFactory : InterceptingFactory<FailReshape>;

    private sealed record Snapshot(string Name, ClinicianRole Role, int Clinicians, int Slots, int FreeGpSlots, int SessionDays, int StartingSlots, int Audits);

    [Fact]
    public async Task A_session_change_that_fails_part_way_leaves_nothing_behind_and_can_be_made_again()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, null);

        // A third clinician (the planner adds slots) who is a nurse practitioner (the existing free slots are reshaped).
        var input = new SessionInput("Evening ANP clinic", SessionDays.Weekdays, new TimeOnly(18, 30), new TimeOnly(20, 0), ClinicianRole.AdvancedNursePractitioner, DeliveryMode.FaceToFace, 15, 3, new DateOnly(2026, 1, 1), null);
        var before = await SnapshotAsync(world);

        factory.Interceptor.Arm();
        using (var scope = factory.Services.CreateScope())
        {
            var rota = scope.ServiceProvider.GetRequiredService<RotaService>();
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => rota.UpdateSessionAsync(world.SessionId, input, expectedVersion: 0, commissioner));
            Assert.Contains("Simulated", failure.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, factory.Interceptor.Fired);
        Assert.Equal(before, await SnapshotAsync(world));

        RotaChange change;
        using (var scope = factory.Services.CreateScope())
        {
            change = await scope.ServiceProvider.GetRequiredService<RotaService>().UpdateSessionAsync(world.SessionId, input, expectedVersion: 0, commissioner);
        }

        var after = await SnapshotAsync(world);
        Assert.True(change.Slots.Added > 0, "the third clinician's slots are added");
        Assert.True(change.Slots.Reshaped > 0, "the free GP slots become nurse practitioner slots");
        Assert.Equal(("Evening ANP clinic", ClinicianRole.AdvancedNursePractitioner, 3), (after.Name, after.Role, after.Clinicians));
        Assert.Equal(before.Slots + change.Slots.Added, after.Slots);
        Assert.Equal(before.FreeGpSlots - change.Slots.Reshaped, after.FreeGpSlots); // within the slot horizon
        Assert.True(after.StartingSlots > before.StartingSlots, "the compliance days count the new slots");
        Assert.Equal(before.Audits + 1, after.Audits);
    }

    private static Task<Snapshot> SnapshotAsync(TestWorld world) => world.WithDbAsync(async db =>
    {
        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId);
        var slots = db.Slots.Where(s => s.SessionId == world.SessionId);
        var days = db.Set<SessionDayRow>().Where(d => d.SessionId == world.SessionId);
        return new Snapshot(
            session.Name,
            session.Role,
            session.Clinicians,
            await slots.CountAsync(),
            await slots.CountAsync(s => s.Status == SlotStatus.Free && s.Role == ClinicianRole.GeneralPractitioner),
            await days.CountAsync(),
            await days.SumAsync(d => d.StartingSlots),
            await db.AuditEvents.CountAsync(e => e.Action == AuditActions.SessionChange && e.Actor == world.Commissioner));
    });
}
