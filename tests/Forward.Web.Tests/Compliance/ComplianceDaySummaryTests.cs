using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Compliance;

/// <summary>
/// The day summaries the compliance report reads are kept by the code that writes slots and appointments. After a
/// journey through the real API (bookings in two sessions, a cancellation, an outcome, a withdrawn slot) the stored
/// summaries must equal the summaries made afresh from the slots and appointments themselves, and a rebuild must
/// change nothing.
/// </summary>
public sealed class ComplianceDaySummaryTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Stored_day_summaries_match_the_slots_and_appointments_after_booking_cancelling_and_outcomes()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var gpSlots = await world.FreeSlotsAsync();
        var phoneSlot = await world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.HubId == world.HubId && s.SessionId != world.SessionId && s.Status == SlotStatus.Free)
            .OrderBy(s => s.StartUtc).FirstAsync());

        var ids = new List<long>();
        foreach (var slotId in new[] { gpSlots[0].Id, gpSlots[1].Id, gpSlots[5].Id, phoneSlot.Id })
        {
            var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slotId));
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            ids.Add(JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64());
        }

        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{ids[1]}/cancel", UriKind.Relative), new { reason = "Better" })).StatusCode);
        using (factory.Clock.TravelTo(gpSlots[0].StartUtc.AddMinutes(5)))
        {
            var hub = await world.ClientAsync(world.HubClinician);
            Assert.Equal(HttpStatusCode.OK, (await hub.PostAsync(new Uri($"/api/v1/appointments/{ids[0]}/attended", UriKind.Relative), null)).StatusCode);
        }

        // A slot withdrawn and the planner run again: the hub's offered minutes on that day change.
        await world.WithDbAsync(db => db.Slots.Where(s => s.Id == gpSlots[3].Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Withdrawn)));
        var date = DateOnly.FromDateTime(Forward.Domain.Time.London.ToLocal(gpSlots[3].StartUtc));
        await world.WithDbAsync(db => db.InTransactionAsync(ct => ComplianceDayStore.RefreshSessionDaysAsync(db, [world.HubId], date, date, ct)));

        var (storedSessions, storedAppointments) = await StoredAsync(world);
        var (expectedSessions, expectedAppointments) = await FromRowsAsync(world);

        Assert.NotEmpty(expectedSessions);
        Assert.Equal(3, expectedAppointments.Sum(d => d.Parts.Held));
        Assert.Equal(1, expectedAppointments.Sum(d => d.Parts.Cancelled));
        Assert.Equal(1, expectedAppointments.Sum(d => d.Parts.Attended));
        Assert.Equal(1, expectedAppointments.Sum(d => d.Parts.Remote));
        Assert.Equal(expectedSessions.Select(Describe), storedSessions.Select(Describe));
        Assert.Equal(expectedAppointments.Select(Describe), storedAppointments.Select(Describe));

        // Rebuilding from scratch gives what was kept.
        await world.WithDbAsync(db => db.InTransactionAsync(ct => ComplianceDayStore.RebuildAsync(db, ct)));
        var (rebuiltSessions, rebuiltAppointments) = await StoredAsync(world);
        Assert.Equal(storedSessions.Select(Describe), rebuiltSessions.Select(Describe));
        Assert.Equal(storedAppointments.Select(Describe), rebuiltAppointments.Select(Describe));
    }

    /// <summary>
    /// Two clinicians recording different outcomes for one appointment at once: one wins, the other is told it changed,
    /// and the day summaries count the appointment once, as what it ended up as.
    /// </summary>
    [Fact]
    public async Task Outcomes_recorded_at_once_leave_one_outcome_counted_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(5)))
        {
            var hubs = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => world.ClientAsync(world.HubClinician)));
            var responses = await Task.WhenAll(hubs.Select((hub, i) =>
                hub.PostAsync(new Uri($"/api/v1/appointments/{id}/{(i % 2 == 0 ? "attended" : "did-not-attend")}", UriKind.Relative), null)));

            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        }

        var (storedSessions, storedAppointments) = await StoredAsync(world);
        var (expectedSessions, expectedAppointments) = await FromRowsAsync(world);
        Assert.Equal(1, expectedAppointments.Sum(d => d.Parts.Attended + d.Parts.DidNotAttend));
        Assert.Equal(expectedSessions.Select(Describe), storedSessions.Select(Describe));
        Assert.Equal(expectedAppointments.Select(Describe), storedAppointments.Select(Describe));
    }

    /// <summary>
    /// A booking is kept when its date is closed (the patient is contacted instead). Cancelling it must not put its slot
    /// back on offer on a day the hub is closed: the slot is withdrawn, and the day summaries stay what the slots say.
    /// </summary>
    [Fact]
    public async Task Cancelling_a_booking_kept_on_a_closed_date_withdraws_its_slot_instead_of_offering_it()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tomorrow = Forward.Domain.Time.London.Today(factory.Clock).AddDays(1);
        var slot = (await world.FreeSlotsAsync()).First(s => DateOnly.FromDateTime(Forward.Domain.Time.London.ToLocal(s.StartUtc)) == tomorrow);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        using (var scope = factory.Services.CreateScope())
        {
            var commissioner = new Forward.Web.Access.Actor(world.Commissioner, Forward.Domain.Access.Roles.Commissioner, null, null, world.CcgId, null);
            var change = await scope.ServiceProvider.GetRequiredService<Forward.Web.Hubs.RotaService>()
                .AddOverrideAsync(world.SessionId, new Forward.Web.Hubs.OverrideInput(tomorrow, SessionOverrideKind.Closed, "Flooded"), commissioner);
            Assert.Equal([id], change.BookedOutsideRota);
        }

        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Hub closed" })).StatusCode);

        Assert.Equal(SlotStatus.Withdrawn, await world.WithDbAsync(db => db.Slots.Where(s => s.Id == slot.Id).Select(s => s.Status).SingleAsync()));
        var (storedSessions, _) = await StoredAsync(world);
        var (expectedSessions, _) = await FromRowsAsync(world);
        Assert.Equal(expectedSessions.Select(Describe), storedSessions.Select(Describe));
    }

    [Fact]
    public async Task The_rebuild_command_makes_lost_summaries_again_from_the_slots_and_appointments()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        foreach (var slot in (await world.FreeSlotsAsync()).Take(2))
        {
            Assert.Equal(HttpStatusCode.Created, (await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).StatusCode);
        }

        var (sessions, appointments) = await StoredAsync(world);
        Assert.Equal(2, appointments.Sum(d => d.Parts.Held));
        await world.WithDbAsync(async db =>
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"ComplianceAppointmentDays\"") + await db.Database.ExecuteSqlRawAsync("DELETE FROM \"ComplianceSessionDays\""));
        Assert.Empty((await StoredAsync(world)).Appointments);

        var exitCode = await Forward.Web.Compliance.ComplianceRebuildCommand.RunAsync(
            ["compliance-rebuild", $"--Forward:Database:Provider={factory.Database.Provider}", $"--ConnectionStrings:Forward={factory.Database.ConnectionString}"]);

        Assert.Equal(0, exitCode);
        var (rebuiltSessions, rebuiltAppointments) = await StoredAsync(world);
        Assert.Equal(sessions.Select(Describe), rebuiltSessions.Select(Describe));
        Assert.Equal(appointments.Select(Describe), rebuiltAppointments.Select(Describe));
    }

    private static string Describe(SessionDay d) =>
        $"{d.HubId}/{d.SessionId}/{d.Date:yyyy-MM-dd}: {d.StartingSlots} starting, {d.ExtendedMinutes:0.####} min, {d.TouchingSlots} touching, evening {string.Join(",", d.EveningCover.Select(c => $"{c.StartUtc:O}-{c.EndUtc:O}"))}";

    internal static string Describe(AppointmentDay d) => $"{d.PracticeId}/{d.HubId}/{d.SessionId}/{d.Date:yyyy-MM-dd}: {d.Parts}";

    internal static Task<(List<SessionDay> Sessions, List<AppointmentDay> Appointments)> StoredAsync(TestWorld world) =>
        world.WithDbAsync(async db =>
        {
            var hubIds = new[] { world.HubId, world.OtherHubId };
            var all = new DateRange(new DateOnly(2026, 1, 1), new DateOnly(2027, 12, 31));
            var sessions = await ComplianceDayStore.SessionDaysAsync(db, db.Hubs.Where(h => hubIds.Contains(h.Id)).Select(h => h.Id), all, default);
            var practices = new[] { world.PracticeA.Id, world.PracticeB.Id };
            var appointments = await ComplianceDayStore.AppointmentDaysAsync(db, db.Practices.Where(p => practices.Contains(p.Id)).Select(p => p.Id), null, all, default);
            return (Order(sessions), Order(appointments));
        });

    internal static Task<(List<SessionDay> Sessions, List<AppointmentDay> Appointments)> FromRowsAsync(TestWorld world) =>
        world.WithDbAsync(async db =>
        {
            var hubIds = new[] { world.HubId, world.OtherHubId };
            var slots = await db.Slots.AsNoTracking().Where(s => hubIds.Contains(s.HubId))
                .Select(s => new OfferedSlot(s.HubId, s.SessionId, s.StartUtc, s.EndUtc, s.Mode, s.Role, s.Status)).ToListAsync();
            var appointments = await ComplianceDayStore.Facts(db.Appointments.AsNoTracking().Where(a => hubIds.Contains(a.HubId))).ToListAsync();
            return (
                Order(ComplianceDaySummaries.Sessions(slots, BankHolidayCalendar.England)),
                Order(ComplianceDaySummaries.Appointments(appointments, BankHolidayCalendar.England)));
        });

    private static List<SessionDay> Order(IEnumerable<SessionDay> days) => [.. days.OrderBy(d => d.HubId).ThenBy(d => d.SessionId).ThenBy(d => d.Date)];

    private static List<AppointmentDay> Order(IEnumerable<AppointmentDay> days) =>
        [.. days.Where(d => d.Parts != ComplianceTotals.Zero).OrderBy(d => d.PracticeId).ThenBy(d => d.HubId).ThenBy(d => d.SessionId).ThenBy(d => d.Date)];
}
