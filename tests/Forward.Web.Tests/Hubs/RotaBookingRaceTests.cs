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
/// Bookings do not wait for the slot planner, so on PostgreSQL a slot the planner has read as free can be booked before
/// the plan is written. A plan that lays the session out anew (a new slot length) and was made around that slot as free
/// would put new free slots over the booked one, and the clinician could be booked twice for the same minutes.
/// </summary>
public sealed class RotaBookingRaceTests(RotaBookingRaceTests.PausingFactory factory) : IClassFixture<RotaBookingRaceTests.PausingFactory>
{
    /// <summary>Armed, holds the planner's next read of the stored slots, just after it ran, until released.</summary>
    public sealed class PauseAfterStoredSlotsRead : DbCommandInterceptor
    {
        private readonly TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;

        public Task Paused => paused.Task;

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public void Release() => released.TrySetResult();

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(SlotPlanner.StoredSlotsTag, StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                paused.TrySetResult();
                await released.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            }

            return result;
        }
    }

    public sealed class PausingFactory : InterceptingFactory<PauseAfterStoredSlotsRead>;

    [Fact]
    public async Task A_slot_booked_while_the_session_is_laid_out_anew_keeps_its_clinician_booked_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tomorrow = London.Today(factory.Clock).AddDays(1); // inside the test host's two-day horizon
        var commissioner = new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, $"T{world.Prefix}");
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal(15, session.SlotMinutes);

        // The first clinician's second slot tomorrow (18:45–19:00): 20-minute slots from 18:30 would run across it.
        var slot = await world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.SessionId == world.SessionId && s.ClinicianIndex == 0 && s.Status == SlotStatus.Free
                && s.StartUtc >= London.StartOfDayUtc(tomorrow) && s.StartUtc < London.StartOfDayUtc(tomorrow.AddDays(1)))
            .OrderBy(s => s.StartUtc).Skip(1).FirstAsync());
        var input = new SessionInput(session.Name, session.Days, session.StartTime, session.EndTime, session.Role, session.Mode, 20, session.Clinicians, session.ValidFrom, session.ValidUntil);

        var client = await world.ClientAsync(world.PracticeStaffA); // signing in writes: before the planner holds SQLite's lock
        factory.Interceptor.Arm();
        var changing = Task.Run(async () =>
        {
            using var scope = factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RotaService>().UpdateSessionAsync(world.SessionId, input, session.Version, commissioner);
        });
        await factory.Interceptor.Paused.WaitAsync(TimeSpan.FromSeconds(30));

        var booking = client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        await world.UntilWaitingOrDoneAsync(booking, sqliteGrace: TimeSpan.FromSeconds(3));
        var bookedWhilePlanning = booking.IsCompleted;
        factory.Interceptor.Release();
        await changing.WaitAsync(TimeSpan.FromSeconds(60));
        var response = await booking.WaitAsync(TimeSpan.FromSeconds(60));

        if (factory.Database.IsPostgres)
        {
            // The race this test is about: the booking committed while the plan was held.
            Assert.True(bookedWhilePlanning, "the booking waited for the planner");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
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
