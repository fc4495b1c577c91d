using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Forward.Data;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Consultation;
using Forward.Web.Pages.Audit;
using Forward.Web.Tests.Consultation;
using Forward.Web.Tests.Fhir;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Patient = Hl7.Fhir.Model.Patient;
using SearchParams = Hl7.Fhir.Rest.SearchParams;

namespace Forward.Web.Tests.Pages;

public sealed partial class AuditPageTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static int Rows(string html) => EventRow().Count(html);

    private static void AssertAccessDenied(HttpResponseMessage response) =>
        Assert.True(
            response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
            $"Expected access denied, got {response.StatusCode} {response.Headers.Location}");

    /// <summary>A booking (appointment.book) and a record view (record.view) of it, both at the world's hub.</summary>
    private async Task<long> BookAndViewAsync(TestWorld world)
    {
        var slot = (await world.FreeSlotsAsync())[0];
        var id = await PageTestData.BookAsync(world, world.PracticeStaffA, slot.Id, "Audited");
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/Hubs/Record/{id}")).Status);
        return id;
    }

    [Fact]
    public async Task The_audit_log_filters_by_action_appointment_and_date()
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await BookAndViewAsync(world);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, all) = await commissioner.GetAsync($"/Audit?AppointmentId={id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("2 events found", all, StringComparison.Ordinal);
        Assert.Contains("data-action=\"appointment.book\"", all, StringComparison.Ordinal);
        Assert.Contains("data-action=\"record.view\"", all, StringComparison.Ordinal);
        Assert.True(all.IndexOf("data-action=\"record.view\"", StringComparison.Ordinal) < all.IndexOf("data-action=\"appointment.book\"", StringComparison.Ordinal), "newest first");

        var booked = (await commissioner.GetAsync($"/Audit?EventAction=appointment.book&AppointmentId={id}")).Html;
        Assert.Contains("1 event found", booked, StringComparison.Ordinal);
        Assert.Equal(1, Rows(booked));
        Assert.Contains("data-action=\"appointment.book\"", booked, StringComparison.Ordinal);
        Assert.DoesNotContain("data-action=\"record.view\"", booked, StringComparison.Ordinal);
        Assert.Contains(world.PracticeStaffA, booked, StringComparison.Ordinal);
        Assert.Contains("8 Jun 2026 09:00", booked, StringComparison.Ordinal); // 08:00 UTC shown as UK time

        var viewsByUser = (await commissioner.GetAsync($"/Audit?EventAction=record.view&UserName={world.HubClinician.ToUpperInvariant()}")).Html;
        Assert.Equal(1, Rows(viewsByUser));
        Assert.Contains($"Appointment {id}", viewsByUser, StringComparison.Ordinal);

        Assert.Contains("No events found", (await commissioner.GetAsync($"/Audit?AppointmentId={id}&From=2026-06-09")).Html, StringComparison.Ordinal);
        Assert.Contains("2 events found", (await commissioner.GetAsync($"/Audit?AppointmentId={id}&From=2026-06-08&To=2026-06-08")).Html, StringComparison.Ordinal);

        // Dates the wrong way round and unknown actions are field errors.
        var wrong = (await commissioner.GetAsync("/Audit?From=2026-06-09&To=2026-06-08&EventAction=nonsense")).Html;
        Assert.Contains("href=\"#To\">", wrong, StringComparison.Ordinal);
        Assert.Contains("href=\"#EventAction\">Choose an action from the list", wrong, StringComparison.Ordinal);
        Assert.Equal(0, Rows(wrong));

        // A control character (a NUL would fail PostgreSQL's query) is a field error, not a fault.
        var (nulStatus, nul) = await commissioner.GetAsync("/Audit?UserName=a%00b");
        Assert.Equal(HttpStatusCode.OK, nulStatus);
        Assert.Contains("User name cannot contain control characters", nul, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commissioners_do_not_see_the_events_of_another_ccgs_hubs()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var id = await BookAndViewAsync(world);

        using var outsider = await PageClient.SignedInAsync(factory, elsewhere.Commissioner);
        var html = (await outsider.GetAsync($"/Audit?AppointmentId={id}")).Html;
        Assert.Contains("No events found", html, StringComparison.Ordinal);
        Assert.Equal(0, Rows(html));

        // A commissioner's own sign-in belongs to their CCG.
        Assert.True(Rows((await outsider.GetAsync($"/Audit?EventAction=account.sign-in&UserName={elsewhere.Commissioner}")).Html) >= 1);
        Assert.Equal(0, Rows((await outsider.GetAsync($"/Audit?EventAction=account.sign-in&UserName={world.Commissioner}")).Html));
    }

    [Fact]
    public async Task Events_at_no_hub_are_seen_only_by_the_commissioners_of_their_practice_or_user()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);

        // Sign-ins of a practice user and a hub clinician; an NHS 111 handler's FHIR patient search, which names no hub.
        (await PageClient.SignedInAsync(factory, world.PracticeStaffA)).Dispose();
        (await PageClient.SignedInAsync(factory, world.HubClinician)).Dispose();
        var patient = await FhirTestKit.PatientAsync(world);
        var patientId = int.Parse(patient.Id!, CultureInfo.InvariantCulture);
        var (fhir, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);
        Assert.Single((await fhir.SearchAsync<Patient>(new SearchParams().Add("identifier", $"{FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}")))!.Entry);

        // An online request sent through the public form by a patient Forward knows (the form's date of birth).
        await ConsultJourney.SetPracticeAsync(factory, world.PracticeA);
        var nhs = TestPatients.NewNhsNumber();
        var submitter = await world.WithDbAsync(async db =>
        {
            var known = new Forward.Domain.Patients.Patient { NhsNumber = nhs, GivenName = "Ada", FamilyName = "Online", DateOfBirth = new DateOnly(1980, 1, 2), RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(known);
            await db.SaveChangesAsync();
            return known.Id;
        });
        using (var journey = new ConsultJourney(factory))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, nhs)).StatusCode);
        }

        // A practice user's triage view, as the triage service writes it (the acting user's practice).
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<AuditLog>().Write(new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, null), AuditActions.ConsultationView, "success", "ConsultationRequest", "1", patientId);
            await scope.ServiceProvider.GetRequiredService<ForwardDbContext>().SaveChangesAsync();
        }

        string[] searches =
        [
            $"/Audit?EventAction=account.sign-in&UserName={world.PracticeStaffA}",
            $"/Audit?EventAction=account.sign-in&UserName={world.HubClinician}",
            $"/Audit?EventAction=fhir.patient.search&PatientId={patientId}",
            $"/Audit?EventAction=consultation.submit&PatientId={submitter}",
            $"/Audit?EventAction=consultation.view&PatientId={patientId}",
        ];
        using var own = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var outsider = await PageClient.SignedInAsync(factory, elsewhere.Commissioner);
        foreach (var search in searches)
        {
            Assert.True(Rows((await own.GetAsync(search)).Html) >= 1, search);
            Assert.Equal(0, Rows((await outsider.GetAsync(search)).Html));
            var csv = await outsider.Http.GetStringAsync(new Uri(search + "&handler=Csv", UriKind.Relative));
            Assert.Single(csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)); // the header alone
        }

        // An NHS 111 handler belongs to no CCG: their sign-in is in no commissioner's log.
        Assert.Equal(0, Rows((await own.GetAsync($"/Audit?EventAction=account.sign-in&UserName={world.Nhs111}")).Html));
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SignIn && e.Actor == world.Nhs111)));

        // A practice user probing another CCG's patient: both CCGs see it, the patient's and the user's.
        var theirs = await FhirTestKit.PatientAsync(elsewhere);
        var (prober, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        await Assert.ThrowsAsync<Hl7.Fhir.Rest.FhirOperationException>(() => prober.GetAsync($"Patient/{theirs.Id}/Appointment?start=ge2026-06-08&start=le2026-06-14"));
        var probe = $"/Audit?EventAction=fhir.appointment.search&UserName={world.PracticeStaffA}";
        Assert.Equal(1, Rows((await own.GetAsync(probe)).Html));
        Assert.Equal(1, Rows((await outsider.GetAsync(probe)).Html));

        // By NHS number too, though the caller is told nobody was found.
        var byNumber = await prober.SearchAsync<Patient>(new SearchParams().Add("identifier", $"{FhirTestKit.NhsNumberSystem}|{theirs.Identifier[0].Value}"));
        Assert.Empty(byNumber!.Entry);
        var numberProbe = $"/Audit?EventAction=fhir.patient.search&UserName={world.PracticeStaffA}";
        Assert.Equal(1, Rows((await own.GetAsync(numberProbe)).Html));
        Assert.Equal(1, Rows((await outsider.GetAsync(numberProbe)).Html));

        // Each of the outsider's downloads is in their own log, with its search.
        var exports = (await outsider.GetAsync($"/Audit?EventAction=audit.export&UserName={elsewhere.Commissioner}")).Html;
        Assert.Equal(searches.Length, Rows(exports));
        Assert.Contains($"PatientId={patientId}", exports, StringComparison.Ordinal);
        Assert.Equal(0, Rows((await own.GetAsync($"/Audit?EventAction=audit.export&UserName={elsewhere.Commissioner}")).Html));
    }

    [Fact]
    public async Task A_commissioner_account_linked_to_no_ccg_searches_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var name = await world.AddCommissionerWithoutCcgAsync();
        (await PageClient.SignedInAsync(factory, world.PracticeStaffA)).Dispose(); // an event with no CCG of its own but the practice's

        using var nowhere = await PageClient.SignedInAsync(factory, name);
        AssertAccessDenied(await nowhere.Http.GetAsync(new Uri("/Audit?EventAction=account.sign-in", UriKind.Relative)));
        AssertAccessDenied(await nowhere.Http.GetAsync(new Uri("/Audit?handler=Csv", UriKind.Relative)));
    }

    [Fact]
    public async Task The_audit_log_is_forbidden_to_practice_staff_and_hub_clinicians()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var practice = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        AssertAccessDenied(await practice.Http.GetAsync(new Uri("/Audit", UriKind.Relative)));
        AssertAccessDenied(await practice.Http.GetAsync(new Uri("/Audit?handler=Csv", UriKind.Relative)));

        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        AssertAccessDenied(await clinician.Http.GetAsync(new Uri("/Audit", UriKind.Relative)));

        using var anonymous = new PageClient(factory);
        var signIn = await anonymous.Http.GetAsync(new Uri("/Audit", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("/Account/SignIn", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csv_download_has_a_header_row_and_the_rows_of_the_search()
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await BookAndViewAsync(world);
        await world.WithDbAsync(db =>
        {
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredUtc = factory.Clock.GetUtcNow().UtcDateTime,
                Actor = $"=HYPERLINK(\"x\") planted-{world.Prefix}-x",
                ActorRole = "Commissioner",
                Action = AuditActions.SessionChange,
                Outcome = "success",
                HubId = world.HubId,
                Detail = "planted to test formula escaping",
            });
            return db.SaveChangesAsync();
        });
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var page = (await commissioner.GetAsync($"/Audit?AppointmentId={id}")).Html;
        Assert.Contains($"href=\"/Audit?AppointmentId={id}&amp;handler=Csv\"", page, StringComparison.Ordinal);

        var response = await commissioner.Http.GetAsync(new Uri($"/Audit?AppointmentId={id}&handler=Csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Id,OccurredUtc,OccurredLondon,Actor,Role,Action,EntityType,EntityId,PatientId,HubId,PracticeId,Outcome,Detail,TraceId", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains($",{world.HubClinician},HubClinician,record.view,Appointment,{id},", lines[1], StringComparison.Ordinal);
        Assert.Contains($",{world.PracticeStaffA},PracticeStaff,appointment.book,Appointment,{id},", lines[2], StringComparison.Ordinal);
        Assert.Contains(",2026-06-08T08:00:00.000Z,2026-06-08 09:00:00+01:00,", lines[2], StringComparison.Ordinal);

        // A value a spreadsheet would run as a formula is escaped.
        var planted = await commissioner.Http.GetStringAsync(new Uri($"/Audit?handler=Csv&EventAction=session.change&UserName=planted-{world.Prefix}-x", UriKind.Relative));
        var row = Assert.Single(planted.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
        Assert.Contains("'=HYPERLINK", row, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_outcome_forward_records_can_be_searched_for_a_probe_of_no_such_appointment_among_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var clinician = await world.ClientAsync(world.HubClinician);
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync(new Uri("/api/v1/appointments/987654321/record", UriKind.Relative))).StatusCode);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync($"/Audit?Outcome=not-found&UserName={world.HubClinician}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("Choose an outcome from the list", html, StringComparison.Ordinal);
        Assert.Contains("987654321", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"outcome=SelfCare\">", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"nhs-number-limit\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_csv_tells_the_repeated_october_hour_apart_by_its_offset()
    {
        // 25 October 2026: 01:30 London time happens twice, first in BST (00:30 UTC), then in GMT (01:30 UTC).
        var first = AuditCsvRow.From(new AuditEvent { OccurredUtc = new DateTime(2026, 10, 25, 0, 30, 0, DateTimeKind.Utc), Actor = "a", ActorRole = "Commissioner", Action = AuditActions.SignIn, Outcome = "success" });
        var second = AuditCsvRow.From(new AuditEvent { OccurredUtc = new DateTime(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc), Actor = "a", ActorRole = "Commissioner", Action = AuditActions.SignIn, Outcome = "success" });

        Assert.Equal("2026-10-25 01:30:00+01:00", first.OccurredLondon);
        Assert.Equal("2026-10-25 01:30:00+00:00", second.OccurredLondon);
    }

    [Fact]
    public async Task Results_come_fifty_to_a_page_newest_first()
    {
        var world = await TestWorld.CreateAsync(factory);
        var actor = $"{world.Prefix}-bulk";
        var start = factory.Clock.GetUtcNow().UtcDateTime;
        await world.WithDbAsync(db =>
        {
            for (var i = 0; i < 60; i++)
            {
                db.AuditEvents.Add(new AuditEvent { OccurredUtc = start.AddMinutes(i), Actor = actor, ActorRole = "Commissioner", Action = AuditActions.SessionChange, Outcome = "success", HubId = world.HubId, Detail = $"bulk {i:D2}" });
            }

            return db.SaveChangesAsync();
        });
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var first = (await commissioner.GetAsync($"/Audit?UserName={actor}")).Html;
        Assert.Contains("60 events found", first, StringComparison.Ordinal);
        Assert.Equal(50, Rows(first));
        Assert.Contains("bulk 59", first, StringComparison.Ordinal);
        Assert.DoesNotContain("bulk 09", first, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Audit?UserName={actor}&amp;PageNumber=2\"", first, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\"", first, StringComparison.Ordinal);

        // A page number that is not a number (a hand-edited address) is the page's error: there is no field to link to.
        // Nor is one in hexadecimal, which the framework's converter read: 0x2 was page 2.
        foreach (var pageNumber in new[] { "two", "0x2", "#2", "&H2" })
        {
            var unreadable = (await commissioner.GetAsync($"/Audit?UserName={actor}&PageNumber={Uri.EscapeDataString(pageNumber)}")).Html;
            Assert.Contains("Page must be a whole number", unreadable, StringComparison.Ordinal);
            Assert.DoesNotContain("href=\"#PageNumber\"", unreadable, StringComparison.Ordinal);
            Assert.DoesNotContain("bulk 59", unreadable, StringComparison.Ordinal);
        }

        var second = (await commissioner.GetAsync($"/Audit?UserName={actor}&PageNumber=2")).Html;
        Assert.Equal(10, Rows(second));
        Assert.Contains("bulk 09", second, StringComparison.Ordinal);
        Assert.Contains("bulk 00", second, StringComparison.Ordinal);
        Assert.DoesNotContain("bulk 10", second, StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr class=\"nhsuk-table__row\" data-event=\"")]
    private static partial Regex EventRow();
}
