using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Forward.Domain.Audit;
using Forward.Domain.Notifications;
using Forward.Web.Notifications;
using Forward.Web.Tests.Infrastructure;
using Forward.Web.Tests.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// A rota change keeps a booked appointment its session no longer has (a closed date): the change names it, the hub's day
/// list and the appointment page mark it for someone who can contact the patient, and no reminder sends them to it.
/// </summary>
public sealed class OffRotaTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static DateTime Utc(int day, int hour, int minute) => new(2026, 6, day, hour, minute, 0, DateTimeKind.Utc);

    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

    [Fact]
    public async Task A_booking_on_a_closed_date_is_named_marked_for_the_hub_and_not_reminded_until_the_date_reopens()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tuesday = (await world.FreeSlotsAsync(Utc(9, 0, 0)))[0];
        var wednesday = (await world.FreeSlotsAsync(Utc(10, 0, 0)))[0];
        Assert.Equal(Utc(9, 17, 30), tuesday.StartUtc);
        var closed = await PageTestData.BookAsync(world, world.PracticeStaffA, tuesday.Id, "Closedtuesday");
        var kept = await PageTestData.BookAsync(world, world.PracticeStaffA, wednesday.Id, "Keptwednesday");
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";

        var close = await commissioner.PostFormAsync(
            $"{page}?handler=AddDate",
            new Dictionary<string, string> { ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = "Flooded" }.WithDate("NewDate.Date", "2026-06-09"),
            formPage: page);

        // The commissioner is told which appointment, and that the hub will see it; the audit names it too.
        Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        var message = System.Net.WebUtility.HtmlDecode((await commissioner.GetAsync(page)).Html);
        Assert.Contains($"the hub's day list marks it for its clinicians to contact the patient and rebook or cancel; no reminder is sent for it while the rota leaves it out. Appointment {closed}.", message, StringComparison.Ordinal);
        var audited = await world.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.SessionChange && e.EntityType == "Appointment").ToListAsync());
        var entry = Assert.Single(audited, e => e.EntityId == closed.ToString(CultureInfo.InvariantCulture)); // under the appointment and its patient
        Assert.NotNull(entry.PatientId);
        Assert.DoesNotContain(audited, e => e.EntityId == kept.ToString(CultureInfo.InvariantCulture));

        // The hub's clinician sees it marked, with the way to the patient's phone number; the next day's is not marked.
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var tuesdayList = (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-09")).Html;
        Assert.Contains("data-off-rota-count=\"1\"", tuesdayList, StringComparison.Ordinal);
        Assert.Matches($"data-appointment=\"{closed}\">(?:(?!</tr>).)*data-off-rota>Not on the rota(?:(?!</tr>).)*href=\"/Appointments/Details/{closed}\">Contact the patient", tuesdayList.ReplaceLineEndings(" "));
        Assert.DoesNotContain("data-off-rota", (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-10")).Html, StringComparison.Ordinal);
        using var practice = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var closedPage = (await practice.GetAsync($"/Appointments/Details/{closed}")).Html;
        Assert.Contains("data-off-rota", closedPage, StringComparison.Ordinal);
        Assert.Contains("its slot is not offered again: the hub's rota no longer runs at that time", closedPage, StringComparison.Ordinal); // old code: "frees the slot at once"
        Assert.DoesNotContain("data-off-rota", (await practice.GetAsync($"/Appointments/Details/{kept}")).Html, StringComparison.Ordinal);

        // The booking's own confirmation page, opened again, says so too and promises no reminder (old code: "Appointment
        // booked", "Tell the patient the hub, the date and time", "They get a reminder").
        var confirmation = (await practice.GetAsync($"/Booking/Confirmation/{closed}")).Html;
        Assert.Contains("data-off-rota", confirmation, StringComparison.Ordinal);
        Assert.DoesNotContain("Tell the patient", confirmation, StringComparison.Ordinal);
        Assert.DoesNotContain("They get a reminder", confirmation, StringComparison.Ordinal);
        Assert.Contains("They get a reminder", (await practice.GetAsync($"/Booking/Confirmation/{kept}")).Html, StringComparison.Ordinal);

        // Found again in a search (the patient rings back), it is marked there too (old code: plain "Booked").
        var found = (await practice.GetAsync("/Appointments?From=2026-06-08&To=2026-06-12")).Html.ReplaceLineEndings(" ");
        Assert.Matches($"data-appointment=\"{closed}\"[^>]*>(?:(?!</tr>).)*data-off-rota>Not on the rota", found);
        Assert.DoesNotMatch($"data-appointment=\"{kept}\"[^>]*>(?:(?!</tr>).)*data-off-rota", found);

        // Another system reading it through the API is told as well (old code: no such field, only the pages said so).
        using var staffApi = await world.ClientAsync(world.PracticeStaffA);
        async Task<bool> OffRotaFieldAsync(HttpClient api, string url, long id)
        {
            var json = await api.GetFromJsonAsync<System.Text.Json.JsonElement>(url);
            var items = json.ValueKind == System.Text.Json.JsonValueKind.Array ? json.EnumerateArray()
                : json.TryGetProperty("appointments", out var list) ? list.EnumerateArray() : new[] { json }.AsEnumerable();
            return items.Single(a => a.GetProperty("id").GetInt64() == id).GetProperty("offRota").GetBoolean();
        }

        Assert.True(await OffRotaFieldAsync(staffApi, $"/api/v1/appointments/{closed}", closed));
        Assert.False(await OffRotaFieldAsync(staffApi, $"/api/v1/appointments/{kept}", kept));
        Assert.True(await OffRotaFieldAsync(staffApi, "/api/v1/appointments?from=2026-06-08&to=2026-06-12", closed));
        Assert.False(await OffRotaFieldAsync(staffApi, "/api/v1/appointments?from=2026-06-08&to=2026-06-12", kept));
        using var clinicianApi = await world.ClientAsync(world.HubClinician);
        Assert.True(await OffRotaFieldAsync(clinicianApi, $"/api/v1/hubs/{world.HubId}/day-list?date=2026-06-09", closed));

        // When the reminder falls due, it is not sent (old code: sent for a clinic that will not run); it waits.
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        Task<OutboxMessage> ReminderAsync(long appointmentId) =>
            world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == appointmentId && m.Kind == NotificationKind.Reminder));
        using (factory.Clock.TravelTo(Utc(8, 17, 31)))
        {
            await dispatcher.DispatchDueAsync();
        }

        var waiting = await ReminderAsync(closed);
        Assert.Equal((OutboxStatus.Pending, "appointment-off-rota"), (waiting.Status, waiting.LastError));
        Assert.Equal(Utc(8, 17, 31) + OutboxDispatcher.OffRotaRecheck, waiting.DueUtc);

        // So is its confirmation, not yet sent when the date closed (old code: sent, naming a session that will not run).
        Task<OutboxMessage> ConfirmationAsync(long appointmentId) =>
            world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == appointmentId && m.Kind == NotificationKind.BookingConfirmation));
        Assert.Equal((OutboxStatus.Pending, "appointment-off-rota"), ((await ConfirmationAsync(closed)).Status, (await ConfirmationAsync(closed)).LastError));
        Assert.Equal(OutboxStatus.Sent, (await ConfirmationAsync(kept)).Status);

        // The patient who opens their cancel link is told the clinic will not run as booked (old code: nothing said).
        async Task<string> CancelPageAsync(long appointmentId)
        {
            var url = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>((await ReminderAsync(appointmentId)).Personalisation)!["cancel_url"];
            using var patient = new PageClient(factory);
            return (await patient.GetAsync(new Uri(url).PathAndQuery)).Html;
        }

        Assert.Contains("data-off-rota", await CancelPageAsync(closed), StringComparison.Ordinal);
        Assert.DoesNotContain("data-off-rota", await CancelPageAsync(kept), StringComparison.Ordinal);

        // Reopened before the start, the date's booking is on the rota again, no longer marked, and reminded after all.
        var overrideId = await world.WithDbAsync(db => db.SessionOverrides.Where(o => o.SessionId == world.SessionId).Select(o => o.Id).SingleAsync());
        var reopen = await commissioner.PostFormAsync($"{page}?handler=RemoveDate", new Dictionary<string, string> { ["overrideId"] = overrideId.ToString(CultureInfo.InvariantCulture) }, formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, reopen.StatusCode);
        Assert.DoesNotContain("data-off-rota", (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-09")).Html, StringComparison.Ordinal);
        using (factory.Clock.TravelTo(Utc(8, 18, 40)))
        {
            await dispatcher.DispatchDueAsync();
        }

        Assert.Equal(OutboxStatus.Sent, (await ReminderAsync(closed)).Status);
        Assert.Equal(OutboxStatus.Sent, (await ConfirmationAsync(closed)).Status);
    }

    [Fact]
    public async Task An_appointment_that_has_started_is_not_marked_when_its_session_changes_afterwards()
    {
        // The rota is checked as it is now: stopping the session today must not mark last evening's bookings, which await
        // their attended or did-not-attend, as ones to rebook.
        var world = await TestWorld.CreateAsync(factory);
        var tonight = (await world.FreeSlotsAsync(Utc(8, 0, 0))).First(s => s.SessionId == world.SessionId);
        Assert.Equal(Utc(8, 17, 30), tonight.StartUtc);
        var appointment = await PageTestData.BookAsync(world, world.PracticeStaffA, tonight.Id, "Bookedlastnight");

        using (factory.Clock.TravelTo(Utc(9, 8, 0)))
        {
            using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
            var page = $"/Admin/Session/{world.SessionId}";
            Assert.Equal(HttpStatusCode.Redirect, (await commissioner.PostFormAsync($"{page}?handler=Deactivate", new Dictionary<string, string>(), formPage: page)).StatusCode);

            using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
            var list = (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-08")).Html;
            Assert.Contains($"data-appointment=\"{appointment}\"", list, StringComparison.Ordinal);
            Assert.DoesNotContain("data-off-rota", list, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Two 15-minute slots booked as one 30-minute appointment, then the session's slots made 30 minutes long: neither slot
    /// is a slot of the new rota, but the appointment's time is one, so the patient keeps their reminder and the hub is not
    /// told to ring them (old code: marked "Not on the rota").
    /// </summary>
    [Fact]
    public async Task An_appointment_of_two_slots_stays_on_the_rota_when_the_slot_length_becomes_its_length()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = await world.FreeSlotsAsync(Utc(9, 0, 0));
        var first = free[0];
        var second = free.First(s => s.ClinicianIndex == first.ClinicianIndex && s.StartUtc == first.EndUtc);
        using var api = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await api.PostAsJsonAsync("/api/v1/appointments", new { slotIds = new[] { first.Id, second.Id }, patient = TestPatients.Patient(null), consent = "Granted" });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await booked.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var form = (await commissioner.GetAsync(page)).Html;
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Input.Name", session.Name),
            new("Input.StartTime", "18:30"),
            new("Input.EndTime", "20:00"),
            new("Input.Role", session.Role.ToString()),
            new("Input.Mode", session.Mode.ToString()),
            new("Input.SlotMinutes", "30"),
            new("Input.Clinicians", session.Clinicians.ToString(CultureInfo.InvariantCulture)),
            new("Input.Version", PageClient.VersionOnForm(form).ToString(CultureInfo.InvariantCulture)),
        };
        fields.AddRange(PageTestData.DateBoxes("Input.ValidFrom", session.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        fields.AddRange(PageTestData.DateBoxes("Input.ValidUntil", string.Empty));
        fields.AddRange(Weekdays.Select(d => new KeyValuePair<string, string>("Input.Days", d)));
        var saved = await PageTestData.PostAsync(commissioner, page, fields, page);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.DoesNotContain("no longer match", (await commissioner.GetAsync(saved.Headers.Location!.OriginalString)).Html, StringComparison.Ordinal);
        Assert.False((await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/appointments/{id}")).GetProperty("offRota").GetBoolean());
    }
}
