using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
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
/// A slot the planner has read as free must not be booked before the plan is written: a plan that lays the session out
/// anew (a new slot length) around that slot as free would put new free slots over the booked one, and the clinician
/// could be booked twice for the same minutes. On PostgreSQL, where bookings do not take the hub, the planner holds the
/// slots it reads until it commits.
/// </summary>
public sealed class RotaBookingRaceTests(RotaBookingRaceTests.PausingFactory factory) : IClassFixture<RotaBookingRaceTests.PausingFactory>
{
    /// <summary>Holds the planner's read of the stored slots.</summary>
    public sealed class PauseAfterStoredSlotsRead : PauseAfterRead
    {
        protected override string Marker => SlotPlanner.StoredSlotsTag;
    }

    public sealed class PausingFactory : InterceptingFactory<PauseAfterStoredSlotsRead>;

    [Theory]
    [InlineData(15, 20, 1)] // the first clinician's 18:45 slot: 20-minute slots from 18:30 would run across it
    [InlineData(30, 15, 0)] // the 18:30 slot keeps its start: a new 18:45 slot would run into it if it stayed 30 minutes
    public async Task A_slot_booked_while_the_session_is_laid_out_anew_keeps_its_clinician_booked_once(int fromMinutes, int toMinutes, int slotIndex)
    {
        var world = await TestWorld.CreateAsync(factory);
        var tomorrow = London.Today(factory.Clock).AddDays(1); // inside the test host's two-day horizon
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, $"T{world.Prefix}");
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        SessionInput Input(int minutes) => new(session.Name, session.Days, session.StartTime, session.EndTime, session.Role, session.Mode, minutes, session.Clinicians, session.ValidFrom, session.ValidUntil);
        if (session.SlotMinutes != fromMinutes)
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RotaService>().UpdateSessionAsync(world.SessionId, Input(fromMinutes), session.Version, commissioner);
            session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        }

        var slot = await world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.SessionId == world.SessionId && s.ClinicianIndex == 0 && s.Status == SlotStatus.Free
                && s.StartUtc >= London.StartOfDayUtc(tomorrow) && s.StartUtc < London.StartOfDayUtc(tomorrow.AddDays(1)))
            .OrderBy(s => s.StartUtc).Skip(slotIndex).FirstAsync());
        Assert.Equal(fromMinutes, (slot.EndUtc - slot.StartUtc).TotalMinutes);

        var client = await world.ClientAsync(world.PracticeStaffA); // signing in writes: before the planner holds SQLite's lock
        factory.Interceptor.Arm();
        var changing = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RotaService>().UpdateSessionAsync(world.SessionId, Input(toMinutes), session.Version, commissioner);
        });
        await factory.Interceptor.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        // While the plan is held the booking waits for it (PostgreSQL: its read of the slots waits for the planner's hold
        // on them; SQLite: the write lock); were it not held up, it would book the slot the plan is being made around.
        Task<HttpResponseMessage> booking;
        try
        {
            booking = client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
            await world.UntilWaitingOrDoneAsync(booking, sqliteGrace: TimeSpan.FromSeconds(3), waitingStatementContains: "FOR NO KEY UPDATE OF s");

            if (booking.IsCompleted)
            {
                var early = await booking;
                Assert.Fail($"the booking did not wait for the planner: {(int)early.StatusCode} {await early.Content.ReadAsStringAsync()}");
            }
        }
        finally
        {
            factory.Interceptor.Release();
        }

        await changing.WaitAsync(TimeSpan.FromSeconds(60));
        var response = await booking.WaitAsync(TimeSpan.FromSeconds(60));

        // A booking made after the change has the slot's new length.
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var appointment = await world.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.Slots.Any(h => h.SlotId == slot.Id && h.IsActive)));
            var held = await world.WithDbAsync(db => db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id));
            Assert.Equal((held.StartUtc, held.EndUtc), (appointment.StartUtc, appointment.EndUtc));
            Assert.Equal(toMinutes, (appointment.EndUtc - appointment.StartUtc).TotalMinutes);
        }

        var slots = await world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.SessionId == world.SessionId && (s.Status == SlotStatus.Free || s.Status == SlotStatus.Booked))
            .Select(s => new { s.Id, s.ClinicianIndex, s.StartUtc, s.EndUtc, s.Status })
            .ToListAsync());
        var booked = slots.Where(s => s.Status == SlotStatus.Booked).ToList();
        var clashes = booked.SelectMany(b => slots.Where(f => f.Status == SlotStatus.Free && f.ClinicianIndex == b.ClinicianIndex && f.StartUtc < b.EndUtc && b.StartUtc < f.EndUtc)).ToList();
        Assert.Empty(clashes);
        Assert.Equal(response.StatusCode == HttpStatusCode.Created, booked.Any(b => b.Id == slot.Id));
    }
}
