using System.Net;
using System.Net.Http.Json;
using Forward.Data.Compliance;
using Forward.Domain.Time;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// On PostgreSQL a rota change locks its hub's row while it rewrites the hub's compliance days, so two changes at one
/// hub take turns. Bookings at that hub must not wait for it: their inserts check the hub exists (a foreign key, which
/// takes a key-share lock on the hub's row), and a full row lock would hold every booking at the hub until the rota
/// change commits. SQLite writes one transaction at a time, so there the question does not arise.
/// </summary>
public sealed class RotaChangeLockTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task A_rota_change_in_progress_holds_up_another_at_its_hub_but_not_a_booking()
    {
        if (!factory.Database.IsPostgres)
        {
            return;
        }

        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var client = await world.ClientAsync(world.PracticeStaffA);
        var today = London.Today(factory.Clock);

        // Contexts of their own (no retrying strategy), each holding its transaction open.
        await using var first = factory.Database.OpenContext();
        await using var firstChange = await first.Database.BeginTransactionAsync();
        await ComplianceDayStore.RefreshSessionDaysAsync(first, [world.HubId], today, today.AddDays(7), CancellationToken.None);

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            var booked = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id), timeout.Token);
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        }

        await using var second = factory.Database.OpenContext();
        await using var secondChange = await second.Database.BeginTransactionAsync();
        var secondRefresh = ComplianceDayStore.RefreshSessionDaysAsync(second, [world.HubId], today, today.AddDays(7), CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(secondRefresh.IsCompleted, "a second rota change at the hub waits for the first");

        // Had it not waited for the hub, its delete would have missed the days the first one wrote, and its insert of the
        // same days would now fail on their key.
        await firstChange.CommitAsync();
        await secondRefresh.WaitAsync(TimeSpan.FromSeconds(20));
        await secondChange.CommitAsync();
    }
}
