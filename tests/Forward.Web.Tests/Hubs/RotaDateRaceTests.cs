using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// Two changes to one session at once: an extra date, and new dates for the session that would leave it out. Each is
/// checked against the session as the other left it, so one of them is refused; on PostgreSQL both used to commit (the
/// extra date adds no row to the session, so its version did not catch it), leaving an extra date the rota never plans.
/// </summary>
public sealed class RotaDateRaceTests(RotaDateRaceTests.PausingFactory factory) : IClassFixture<RotaDateRaceTests.PausingFactory>
{
    /// <summary>Holds a rota change's read of its session.</summary>
    public sealed class PauseAfterSessionRead : PauseAfterRead
    {
        protected override string Marker => RotaService.SessionForChangeTag;
    }

    public sealed class PausingFactory : InterceptingFactory<PauseAfterSessionRead>;

    [Fact]
    public async Task An_extra_date_added_while_the_sessions_end_is_brought_forward_is_not_left_outside_it()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, $"T{world.Prefix}");
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        var extra = new DateOnly(2026, 6, 20); // a Saturday, when the weekday session does not run
        var endsEarlier = new SessionInput(session.Name, session.Days, session.StartTime, session.EndTime, session.Role, session.Mode, session.SlotMinutes, session.Clinicians, session.ValidFrom, new DateOnly(2026, 6, 15));

        factory.Interceptor.Arm();
        var adding = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RotaService>().AddOverrideAsync(world.SessionId, new OverrideInput(extra, SessionOverrideKind.Extra, "Catch-up clinic"), commissioner);
        });
        await factory.Interceptor.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        var cutting = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RotaService>().UpdateSessionAsync(world.SessionId, endsEarlier, session.Version, commissioner);
        });

        // Let the second change go as far as it can while the first is held: all the way, were they not taking turns.
        await world.UntilWaitingOrDoneAsync(cutting, sqliteGrace: TimeSpan.FromSeconds(3));
        factory.Interceptor.Release();
        await adding.WaitAsync(TimeSpan.FromSeconds(60));
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => cutting.WaitAsync(TimeSpan.FromSeconds(60))); // old code (PostgreSQL): saved
        Assert.Contains("The session has an extra date on 20 June 2026, outside these dates", refused.Errors.Values.Single(), StringComparison.Ordinal);

        var stored = await world.WithDbAsync(db => db.Sessions.AsNoTracking().Include(s => s.Overrides).SingleAsync(s => s.Id == world.SessionId));
        Assert.Null(stored.ValidUntil);
        Assert.Equal(extra, Assert.Single(stored.Overrides).Date);
    }

    /// <summary>
    /// Two changes at once that each leave the same booking off the rota: it is named, and audited, by the one that
    /// committed first only. Old code (PostgreSQL): the second read what was off the rota before waiting for the hub, so
    /// it named the booking again.
    /// </summary>
    [Fact]
    public async Task A_booking_two_changes_at_once_leave_off_the_rota_is_named_by_the_first_only()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, $"T{world.Prefix}");
        var tomorrow = Domain.Time.London.Today(factory.Clock).AddDays(1);
        var slot = (await world.FreeSlotsAsync()).First(s => s.SessionId == world.SessionId && DateOnly.FromDateTime(Domain.Time.London.ToLocal(s.StartUtc)) == tomorrow);
        var id = await Pages.PageTestData.BookAsync(world, world.PracticeStaffA, slot.Id, "Twice");

        factory.Interceptor.Arm();
        var closing = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RotaService>().AddOverrideAsync(world.SessionId, new OverrideInput(tomorrow, SessionOverrideKind.Closed, "Flooded"), commissioner);
        });
        await factory.Interceptor.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RotaService>().SetSessionActiveAsync(world.SessionId, false, commissioner);
        });
        await world.UntilWaitingOrDoneAsync(stopping, sqliteGrace: TimeSpan.FromSeconds(3));
        factory.Interceptor.Release();

        Assert.Equal([id], (await closing.WaitAsync(TimeSpan.FromSeconds(60))).BookedOutsideRota);
        Assert.Empty((await stopping.WaitAsync(TimeSpan.FromSeconds(60))).BookedOutsideRota);
        var idText = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.EntityType == "Appointment" && e.EntityId == idText && e.Action == Domain.Audit.AuditActions.SessionChange)));
    }
}
