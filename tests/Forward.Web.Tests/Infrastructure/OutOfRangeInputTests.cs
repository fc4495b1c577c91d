using System.Net;
using System.Net.Http.Json;
using Forward.Domain.Booking;
using Forward.Web.Tests.Pages;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Values the sweeps did not reach, each of which once answered 500: dates at the ends of the calendar given with every
/// other parameter valid (so they get past the "missing parameter" checks), control characters in free text that
/// PostgreSQL refuses, and a search word with a NUL in it.
/// </summary>
public sealed class OutOfRangeInputTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] FarDates = ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"];

    private const string OutOfRange = "Enter a date between 1 January 2000 and 31 December 2099";

    [Fact]
    public async Task Dates_outside_the_service_years_are_refused_with_a_message_by_every_api_and_fhir_search()
    {
        var world = await TestWorld.CreateAsync(factory);
        var appointment = await PageTestData.BookAsync(world, world.PracticeStaffA, (await world.FreeSlotsAsync())[0].Id, "Fardates");
        var patientId = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == appointment).Select(a => a.PatientId).SingleAsync());
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, Fhir.FhirTestKit.AllScopes);
        using var practice = await world.ClientAsync(world.PracticeStaffA);
        using var clinician = await world.ClientAsync(world.HubClinician);

        foreach (var far in FarDates)
        {
            var a = world.PracticeA.Id;
            var requests = new List<(HttpClient Client, string Url, bool Fhir)>
            {
                (practice, $"/api/v1/compliance?level=practice&id={a}&from={far}&to={far}", false),
                (practice, $"/api/v1/compliance?level=practice&id={a}&from=2026-06-01&to={far}", false),
                (practice, $"/api/v1/compliance/weeks?level=practice&id={a}&from={far}&to={far}", false),
                (practice, $"/api/v1/compliance/months?level=practice&id={a}&from={far}&to={far}", false),
                (practice, $"/api/v1/compliance/reminders?level=practice&id={a}&from={far}&to={far}", false),
                (clinician, $"/api/v1/hubs/{world.HubId}/day-list?date={far}", false),
                (practice, $"/fhir/Slot?start=ge2026-06-08&end=le{far}&status=free&_include=Slot:schedule", true),
                (practice, $"/fhir/Slot?start=ge{far}&end=le2026-06-10&status=free&_include=Slot:schedule", true),
                (practice, $"/fhir/Patient/{patientId}/Appointment?start=ge2026-06-08&start=le{far}", true),
                (practice, $"/fhir/Patient/{patientId}/Appointment?start=ge{far}&start=le2026-06-30", true),
            };
            foreach (var (client, url, fhir) in requests)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (fhir)
                {
                    request.Headers.Add("Ssp-TraceID", Guid.NewGuid().ToString());
                }

                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"GET {url} → {(int)response.StatusCode} {body}");
                Assert.Contains(fhir ? "between 2000-01-01 and 2099-12-31" : OutOfRange, body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Dates_outside_the_service_years_are_shown_as_field_errors_on_every_page_that_takes_a_date()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        foreach (var far in FarDates)
        {
            var pages = new List<(PageClient Client, string Url)>
            {
                (staff, $"/Compliance?From={far}&To={far}"),
                (staff, $"/Compliance?From=2026-06-01&To={far}"),
                (staff, $"/Compliance/Bookings?Scope=practice:{world.PracticeA.Id}&From={far}&To={far}"),
                (staff, $"/Booking/Find?From={far}"),
                (staff, $"/Booking/Find?From=2026-06-08&To={far}"),
                (staff, $"/Consultation/Measures?From={far}&To={far}"),
                (clinician, $"/Hubs/DayList?date={far}"),
                (commissioner, $"/Audit?To={far}"),
                (commissioner, $"/Audit?From={far}"),
                (commissioner, $"/Audit?handler=Csv&To={far}"),
            };
            foreach (var (client, url) in pages)
            {
                var (status, html) = await client.GetAsync(url);
                Assert.True(status == HttpStatusCode.OK, $"GET {url} → {(int)status}");
                Assert.Contains(OutOfRange, html, StringComparison.Ordinal);
            }
        }

        // Only the date that is wrong is reported: an end before an impossible start is not an error of its own.
        var audit = (await commissioner.GetAsync("/Audit?From=9999-12-31&To=2026-01-01")).Html;
        Assert.Contains(OutOfRange, audit, StringComparison.Ordinal);
        Assert.DoesNotContain("must be the same as or after", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancellation_reason_with_a_control_character_is_refused_and_the_appointment_stays_booked()
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await PageTestData.BookAsync(world, world.PracticeStaffA, (await world.FreeSlotsAsync())[0].Id, "Nulreason");
        using var api = await world.ClientAsync(world.PracticeStaffA);

        foreach (var reason in new[] { "no\u0000", "bell\u0007", "esc\u001b[2J" })
        {
            using var response = await api.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // a field's rule, as the booking's fields are
            Assert.Contains("must not contain control characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = $"/Appointments/Details/{id}";
        var form = await staff.PostFormAsync(page, new Dictionary<string, string> { ["CancelReason"] = "a\u0007b" }, formPage: page);
        var formHtml = await form.Content.ReadAsStringAsync();
        Assert.True(form.StatusCode == HttpStatusCode.OK, $"{form.StatusCode} {formHtml}");
        Assert.Contains("must not contain control characters", formHtml, StringComparison.Ordinal);

        // A NUL in a form post never reaches the page: ASP.NET Core refuses the request (400, the friendly error page).
        var nul = await staff.PostFormAsync(page, new Dictionary<string, string> { ["CancelReason"] = "a\u0000b" }, formPage: page);
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Equal(AppointmentStatus.Booked, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));

        // A reason with line breaks and tabs is still fine.
        using var fine = await api.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Feeling better.\r\n\tThanks" });
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task A_directory_search_with_control_characters_treats_them_as_spaces()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        foreach (var query in new[] { "a\u0000b", "\u0000", "cough\tcold" })
        {
            var (status, _) = await staff.GetAsync($"/Navigation?Q={Uri.EscapeDataString(query)}");
            Assert.Equal(HttpStatusCode.OK, status);
        }

        Assert.Equal(["cough", "cold"], Forward.Web.Navigation.NavigationService.Words("Cough\u0000cold\tcough"));
    }
}
