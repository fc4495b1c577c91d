using System.Data.Common;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// The slot planner (the six-hourly horizon refresh, "Generate slots now", every rota change) reads a hub's sessions,
/// then its stored slots, then writes the difference. A commissioner closing a date in between must not have that
/// date's withdrawn slots restored as free by a plan made from the sessions as they were: the planner takes the hub
/// before it reads, so the closure waits for it (PostgreSQL) or its transaction already holds the write lock (SQLite).
/// </summary>
public sealed class RotaPlanRaceTests(RotaPlanRaceTests.PausingFactory factory) : IClassFixture<RotaPlanRaceTests.PausingFactory>
{
    /// <summary>Holds the planner's read of the sessions.</summary>
    public sealed class PauseAfterSessionsRead : PauseAfterRead
    {
        protected override string Marker => "FROM \"Sessions\"";
    }

    public sealed class PausingFactory : InterceptingFactory<PauseAfterSessionsRead>;

    [Fact]
    public async Task A_date_closed_while_the_planner_is_planning_stays_closed()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tomorrow = London.Today(factory.Clock).AddDays(1); // inside the test host's two-day horizon
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, $"T{world.Prefix}");
        Task<int> FreeTomorrowAsync() => world.WithDbAsync(db => db.Slots.CountAsync(s =>
            s.SessionId == world.SessionId && s.Status == SlotStatus.Free && s.StartUtc >= London.StartOfDayUtc(tomorrow) && s.StartUtc < London.StartOfDayUtc(tomorrow.AddDays(1))));
        Assert.True(await FreeTomorrowAsync() > 0);

        factory.Interceptor.Arm();
        var planning = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<SlotPlanner>().RefreshAsync(world.HubId);
        });
        await factory.Interceptor.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        var closing = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RotaService>().AddOverrideAsync(world.SessionId, new OverrideInput(tomorrow, SessionOverrideKind.Closed, "Staff training"), commissioner);
        });

        // Let the closure go as far as it can while the plan is held: all the way, were the planner not holding the hub.
        await world.UntilWaitingOrDoneAsync(closing, sqliteGrace: TimeSpan.FromSeconds(3));
        factory.Interceptor.Release();
        await planning.WaitAsync(TimeSpan.FromSeconds(60));
        await closing.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, await FreeTomorrowAsync());
    }
}
