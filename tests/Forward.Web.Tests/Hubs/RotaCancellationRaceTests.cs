using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// A booking is kept when its date is closed, and cancelling it later withdraws its slot rather than offering it on a
/// closed day. That decision must be taken against the rota as it is when the cancellation commits: a cancellation
/// that read the rota while a closure was being planned, and freed the slot after the closure committed, would put the
/// slot on offer at a closed clinic.
/// </summary>
public sealed class RotaCancellationRaceTests(RotaBookingRaceTests.PausingFactory factory) : IClassFixture<RotaBookingRaceTests.PausingFactory>
{
    [Fact]
    public async Task A_cancellation_while_the_date_is_being_closed_withdraws_the_slot()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tomorrow = London.Today(factory.Clock).AddDays(1); // inside the test host's two-day horizon
        var slot = (await world.FreeSlotsAsync()).First(s => DateOnly.FromDateTime(London.ToLocal(s.StartUtc)) == tomorrow);
        var practice = await world.ClientAsync(world.PracticeStaffA); // signing in writes: before the planner holds SQLite's lock
        using var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, $"T{world.Prefix}");
        factory.Interceptor.Arm();
        var closing = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<RotaService>()
                .AddOverrideAsync(world.SessionId, new OverrideInput(tomorrow, SessionOverrideKind.Closed, "Flooded"), commissioner);
        });
        await factory.Interceptor.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        // The closure is planned but not committed: the cancellation starts now and must finish after it.
        Task<HttpResponseMessage> cancelling;
        try
        {
            cancelling = practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "No longer needed" });
            await world.UntilWaitingOrDoneAsync(cancelling, sqliteGrace: TimeSpan.FromSeconds(3));
            Assert.False(cancelling.IsCompleted, "the cancellation did not wait for the rota change at its hub");
        }
        finally
        {
            factory.Interceptor.Release();
        }

        Assert.Single((await closing.WaitAsync(TimeSpan.FromSeconds(60))).BookedOutsideRota);
        using var cancelled = await cancelling.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal(SlotStatus.Withdrawn, await world.WithDbAsync(db => db.Slots.Where(s => s.Id == slot.Id).Select(s => s.Status).SingleAsync()));
        Assert.DoesNotContain(await world.FreeSlotsAsync(), s => DateOnly.FromDateTime(London.ToLocal(s.StartUtc)) == tomorrow);
    }
}
