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
/// A booked slot keeps its shape through a change of slot length, role or mode, and keeps the slots of the new layout
/// that would overlap it off the clinician's time. When that booking is cancelled its slot must come back in the new
/// shape, with the slots it kept off laid beside it: in the old shape it would overlap them once they were laid, and
/// the clinician could be booked twice for the same minutes.
/// </summary>
public sealed class SlotReshapeTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task A_booking_kept_through_a_change_of_slot_length_frees_its_slot_in_the_new_length()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, null);
        await ChangeSlotLengthAsync(world, commissioner, 30);
        var slot = (await world.FreeSlotsAsync()).First(s => London.ToLocal(s.StartUtc).TimeOfDay == new TimeSpan(19, 0, 0));
        Assert.Equal(TimeSpan.FromMinutes(30), slot.EndUtc - slot.StartUtc);

        var practice = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        // Back to 15 minutes: 19:00–19:30 stays booked, so this clinician gets no 19:15 slot.
        await ChangeSlotLengthAsync(world, commissioner, 15);
        Assert.DoesNotContain(await OfferedAsync(world, slot), s => s.StartUtc == slot.StartUtc.AddMinutes(15));

        using var cancelled = await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        var offered = await OfferedAsync(world, slot);
        var freed = Assert.Single(offered, s => s.Id == slot.Id);
        Assert.Equal((SlotStatus.Free, slot.StartUtc.AddMinutes(15)), (freed.Status, freed.EndUtc));
        Assert.Contains(offered, s => s.StartUtc == slot.StartUtc.AddMinutes(15));
        AssertLaidEndToEnd(offered);

        // The next horizon refresh finds the slots as the rota has them, and lays nothing across them.
        using (var scope = factory.Services.CreateScope())
        {
            Assert.Equal(SlotPlanResult.None, await scope.ServiceProvider.GetRequiredService<SlotPlanner>().RefreshAsync(world.HubId));
        }

        AssertLaidEndToEnd(await OfferedAsync(world, slot));
    }

    [Fact]
    public async Task A_cancelled_appointment_still_shows_who_it_was_booked_with_after_its_slot_takes_the_new_role()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, null);
        var slot = (await world.FreeSlotsAsync()).First(s => London.ToLocal(s.StartUtc).TimeOfDay == new TimeSpan(19, 0, 0));
        var practice = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        // The clinic becomes a nurse's telephone clinic; the booking keeps its GP until it is cancelled.
        await ChangeSessionAsync(world, commissioner, 15, ClinicianRole.PracticeNurse, DeliveryMode.Telephone);
        using var cancelled = await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" });
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        // The freed slot is offered as the nurse's; the cancelled appointment was, and still reads as, with the GP.
        var freed = Assert.Single(await OfferedAsync(world, slot), s => s.Id == slot.Id);
        Assert.Equal((ClinicianRole.PracticeNurse, DeliveryMode.Telephone), (freed.Role, freed.Mode));
        var read = JsonDocument.Parse(await practice.GetStringAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative))).RootElement;
        Assert.Equal(("Cancelled", "GeneralPractitioner", "FaceToFace"), (read.GetProperty("status").GetString(), read.GetProperty("role").GetString(), read.GetProperty("mode").GetString()));
    }

    /// <summary>The clinician's slots on that evening: 18:30 to 20:00 in 15-minute slots, none overlapping another.</summary>
    private static void AssertLaidEndToEnd(List<Slot> offered)
    {
        Assert.Equal(6, offered.Count);
        Assert.All(offered, s => Assert.Equal(TimeSpan.FromMinutes(15), s.EndUtc - s.StartUtc));
        Assert.All(offered.Zip(offered.Skip(1)), pair => Assert.Equal(pair.First.EndUtc, pair.Second.StartUtc));
    }

    private static Task<List<Slot>> OfferedAsync(TestWorld world, Slot of) => world.WithDbAsync(db =>
    {
        var (from, to) = (of.StartUtc.Date, of.StartUtc.Date.AddDays(1));
        return db.Slots.AsNoTracking()
            .Where(s => s.SessionId == of.SessionId && s.ClinicianIndex == of.ClinicianIndex && s.StartUtc >= from && s.StartUtc < to && s.Status != SlotStatus.Withdrawn)
            .OrderBy(s => s.StartUtc).ToListAsync();
    });

    private Task ChangeSlotLengthAsync(TestWorld world, Actor commissioner, int minutes) =>
        ChangeSessionAsync(world, commissioner, minutes, ClinicianRole.GeneralPractitioner, DeliveryMode.FaceToFace);

    private async Task ChangeSessionAsync(TestWorld world, Actor commissioner, int minutes, ClinicianRole role, DeliveryMode mode)
    {
        using var scope = factory.Services.CreateScope();
        var rota = scope.ServiceProvider.GetRequiredService<RotaService>();
        var input = new SessionInput("Evening GP clinic", SessionDays.Weekdays, new TimeOnly(18, 30), new TimeOnly(20, 0), role, mode, minutes, 2, new DateOnly(2026, 1, 1), null);
        var version = await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == world.SessionId).Select(s => s.Version).SingleAsync());
        await rota.UpdateSessionAsync(world.SessionId, input, version, commissioner);
    }
}
