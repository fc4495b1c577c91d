using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Hubs;
using Forward.Web.Booking;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

public sealed class ConcurrencyTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Thirty_two_clients_contesting_ten_slots_make_exactly_ten_bookings()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = (await world.FreeSlotsAsync()).Take(10).Select(s => s.Id).ToList();
        var clients = new List<HttpClient>();
        for (var i = 0; i < 32; i++)
        {
            clients.Add(await world.ClientAsync(i % 2 == 0 ? world.PracticeStaffA : world.HubClinician));
        }

        using var start = new SemaphoreSlim(0);
        var tasks = clients.Select(async (client, i) =>
        {
            await start.WaitAsync();
            var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[i % slots.Count], world.PracticeA.OdsCode));
            var body = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, body);
        }).ToList();
        start.Release(clients.Count);
        var results = await Task.WhenAll(tasks);

        var created = results.Count(r => r.StatusCode == HttpStatusCode.Created);
        var conflicts = results.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
        Assert.True(created == 10, "created " + created + ": " + string.Join(" | ", results.Where(r => r.StatusCode != HttpStatusCode.Created && r.StatusCode != HttpStatusCode.Conflict).Select(r => $"{r.StatusCode} {r.body}")));
        Assert.Equal(22, conflicts.Count);
        Assert.All(conflicts, c => Assert.Equal("slot-not-free", JsonDocument.Parse(c.body).RootElement.GetProperty("code").GetString()));

        var (activeHolds, distinctSlots, appointments) = await world.WithDbAsync(async db => (
            await db.AppointmentSlots.CountAsync(h => h.IsActive && slots.Contains(h.SlotId)),
            await db.AppointmentSlots.Where(h => h.IsActive && slots.Contains(h.SlotId)).Select(h => h.SlotId).Distinct().CountAsync(),
            await db.Appointments.CountAsync(a => a.HubId == world.HubId)));
        Assert.Equal(10, activeHolds);
        Assert.Equal(10, distinctSlots);
        Assert.Equal(10, appointments);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task One_patient_booked_into_overlapping_slots_at_once_gets_exactly_one()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs = TestPatients.NewNhsNumber();
        var first = (await world.FreeSlotsAsync())[0];
        var client = await world.ClientAsync(world.PracticeStaffA);

        // Register the patient first, so the race is between bookings of a known patient.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(first.Id, nhsNumber: nhs))).StatusCode);
        var tomorrow = await world.FreeSlotsAsync(first.EndUtc.AddHours(20));
        var later = tomorrow.Where(s => s.StartUtc == tomorrow[0].StartUtc).ToList();
        Assert.Equal(2, later.Count); // two GPs at the same time

        var clients = new[] { await world.ClientAsync(world.PracticeStaffA), await world.ClientAsync(world.HubClinician) };
        var results = await Task.WhenAll(later.Select((slot, i) => clients[i].PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode, nhs))));

        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(2, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == nhs && a.Status == Forward.Domain.Booking.AppointmentStatus.Booked)));
    }

    /// <summary>
    /// A new patient booked twice at once, at different times (slots of both parities, so on PostgreSQL the two can go to
    /// different writers): whichever registers the patient second must not be told its slot was taken; it books for the
    /// patient the other registered.
    /// </summary>
    [Fact]
    public async Task A_new_patient_booked_twice_at_once_at_different_times_gets_both_bookings()
    {
        var world = await TestWorld.CreateAsync(factory);
        var clients = new[] { await world.ClientAsync(world.PracticeStaffA), await world.ClientAsync(world.HubClinician) };
        var days = (await world.FreeSlotsAsync()).GroupBy(s => DateOnly.FromDateTime(s.StartUtc)).Select(g => g.ToList()).ToList();
        for (var round = 0; round < 4; round++)
        {
            var nhs = TestPatients.NewNhsNumber();
            var even = days[2 * round].First(s => s.Id % 2 == 0);
            var odd = days[(2 * round) + 1].First(s => s.Id % 2 == 1);
            var results = await Task.WhenAll(new[] { even, odd }.Select((slot, i) => clients[i].PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode, nhs))));
            var bodies = await Task.WhenAll(results.Select(r => r.Content.ReadAsStringAsync()));
            Assert.True(results.All(r => r.StatusCode == HttpStatusCode.Created), $"round {round}: {string.Join(" | ", results.Select((r, i) => $"{(int)r.StatusCode} {bodies[i]}"))}");
            Assert.Equal(1, await world.WithDbAsync(db => db.Patients.CountAsync(p => p.NhsNumber == nhs)));
        }
    }

    [Fact]
    public async Task Two_bookings_sharing_a_slot_but_not_their_first_made_at_once_give_the_shared_slot_to_one()
    {
        // On PostgreSQL bookings queue by their first (lowest) slot, one writer per queue, two writers: these two start
        // at an odd and an even slot, so they are written by different writers at once, and either the later group's
        // own check or the database (one active hold per slot) decides between them. On SQLite one writer takes both.
        var world = await TestWorld.CreateAsync(factory);
        var free = (await world.FreeSlotsAsync()).Where(s => s.ClinicianIndex == 0).OrderBy(s => s.StartUtc).ToList();
        var triples = new List<(Slot A, Slot B, Slot C)>();
        for (var i = 0; i + 2 < free.Count && triples.Count < 4; i++)
        {
            var (a, b, c) = (free[i], free[i + 1], free[i + 2]);
            if (a.EndUtc == b.StartUtc && b.EndUtc == c.StartUtc && Math.Min(a.Id, b.Id) % 2 != Math.Min(b.Id, c.Id) % 2)
            {
                triples.Add((a, b, c));
                i += 2;
            }
        }

        Assert.NotEmpty(triples);
        Assert.Equal(factory.Database.IsPostgres ? 2 : 1, factory.Services.GetRequiredService<BookingBatcher>().Writers);
        var clients = new[] { await world.ClientAsync(world.PracticeStaffA), await world.ClientAsync(world.HubClinician) };

        foreach (var (a, b, c) in triples)
        {
            object Booking(params long[] slotIds) => new { slotIds, patient = TestPatients.Patient(null), registeredPracticeOds = world.PracticeA.OdsCode, reason = "Back pain", consent = "Granted" };
            var results = await Task.WhenAll(
                clients[0].PostAsJsonAsync("/api/v1/appointments", Booking(a.Id, b.Id)),
                clients[1].PostAsJsonAsync("/api/v1/appointments", Booking(b.Id, c.Id)));

            var statuses = results.Select(r => r.StatusCode).Order().ToList();
            Assert.True(statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]), string.Join(", ", await Task.WhenAll(results.Select(async r => $"{r.StatusCode} {await r.Content.ReadAsStringAsync()}"))));
            Assert.Equal(1, await world.WithDbAsync(db => db.AppointmentSlots.CountAsync(h => h.IsActive && h.SlotId == b.Id)));
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_active_hold_on_a_slot()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var id = JsonDocument.Parse(await (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).Content.ReadAsStringAsync())
            .RootElement.GetProperty("id").GetInt64();

        // Bypass every C# rule: insert a second appointment holding the same slot straight into the database.
        var failure = await Record.ExceptionAsync(() => world.WithDbAsync(async db =>
        {
            var original = await db.Appointments.AsNoTracking().FirstAsync(a => a.Id == id);
            var copy = new Forward.Domain.Booking.Appointment
            {
                PatientId = original.PatientId,
                HubId = original.HubId,
                StartUtc = original.StartUtc,
                EndUtc = original.EndUtc,
                BookedBy = "sneaky",
                Status = Forward.Domain.Booking.AppointmentStatus.Booked,
                CreatedUtc = original.CreatedUtc,
            };
            copy.Slots.Add(new Forward.Domain.Booking.AppointmentSlot { SlotId = slot.Id, IsActive = true });
            db.Appointments.Add(copy);
            return await db.SaveChangesAsync();
        }));

        var dbError = Assert.IsType<DbUpdateException>(failure);
        Assert.True(Forward.Data.DbErrors.IsUniqueViolation(dbError));
    }

    [Fact]
    public async Task The_audit_log_cannot_be_changed_or_deleted()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).StatusCode);

        var update = await Record.ExceptionAsync(() => world.WithDbAsync(db => db.AuditEvents.ExecuteUpdateAsync(u => u.SetProperty(a => a.Actor, "someone-else"))));
        var delete = await Record.ExceptionAsync(() => world.WithDbAsync(db => db.AuditEvents.ExecuteDeleteAsync()));

        Assert.NotNull(update);
        Assert.NotNull(delete);
        Assert.Contains("append-only", update.Message + update.InnerException?.Message, StringComparison.Ordinal);
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(a => a.Actor == world.PracticeStaffA)));
    }

    [Fact]
    public async Task Cancels_of_one_appointment_at_once_answer_ok_or_conflict_never_500()
    {
        // Old code, on PostgreSQL: the later cancellations hit the unique key of the first one's cancellation notice
        // before the version check, and answered 500 though the appointment was cancelled. (On SQLite the writers take
        // turns, so this guards PostgreSQL's run of the suite.)
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => world.ClientAsync(world.PracticeStaffA)));
        var statuses = new List<HttpStatusCode>();
        var ids = new List<long>();
        foreach (var slot in (await world.FreeSlotsAsync()).Take(6))
        {
            using var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
            var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
            ids.Add(id);
            var responses = await Task.WhenAll(clients.Select(c => c.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" })));
            statuses.AddRange(responses.Select(r => r.StatusCode));
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        Assert.Equal(ids.Count, await world.WithDbAsync(db => db.Appointments.CountAsync(a => ids.Contains(a.Id) && a.Status == Forward.Domain.Booking.AppointmentStatus.Cancelled)));
    }
}
