// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Globalization;
using System.Net;
using System.Text;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using FhirSlot = Hl7.Fhir.Model.Slot;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>Every error row of the FHIR API: status, Spine code in an OperationOutcome, and nothing written.</summary>
public sealed class FhirErrorTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static SearchParams Search(params (string Name, string Value)[] parameters)
    {
        var search = new SearchParams();
        foreach (var (name, value) in parameters)
        {
            if (name == "_include")
            {
                search.Include.Add((value, IncludeModifier.None));
            }
            else
            {
                search.Add(name, value);
            }
        }

        return search;
    }

    [Fact]
    public async Task Slot_search_parameter_errors()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var ods = ("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeA.OdsCode}");
        var include = ("_include", "Slot:schedule");
        var start = ("start", "ge" + Day(Today));
        var end = ("end", "le" + Day(Today.AddDays(3)));
        var free = ("status", "free");

        Task Run(params (string, string)[] p) => client.SearchAsync<FhirSlot>(Search(p));

        await FhirTestKit.ExpectErrorAsync(world, () => Run(end, free, include, ods), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, free, include, ods), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, end, include, ods), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, end, free, ods), HttpStatusCode.BadRequest, "BAD_REQUEST");
        var tooLong = await FhirTestKit.ExpectErrorAsync(world, () => Run(start, ("end", "le" + Day(Today.AddDays(14))), free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        Assert.Contains("14 days", tooLong.Issue[0].Diagnostics, StringComparison.Ordinal);
        await FhirTestKit.ExpectErrorAsync(world, () => Run(("start", "ge" + Day(Today.AddDays(3))), ("end", "le" + Day(Today.AddDays(1))), free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, end, ("status", "busy"), include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(("start", "ge2026-06"), end, free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(("start", "gt" + Day(Today)), end, free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(("start", $"ge{Day(Today)}T18:00:00"), end, free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, start, end, free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, end, free, include, ("_include", "Slot:nonsense"), ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, end, free, include, ("searchFilter", $"{FhirTestKit.Ods}|Z99999")), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");

        // Practice staff search for their own practice only.
        await FhirTestKit.ExpectErrorAsync(world, () => Run(start, end, free, include, ("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeB.OdsCode}")), HttpStatusCode.Forbidden, "ACCESS_DENIED");

        // A hub clinician searches only for practices their hub serves, as they book (old code: 200, empty).
        var (clinician, _) = await FhirTestKit.ClientAsync(world, world.HubClinician);
        var notServed = await FhirTestKit.ExpectErrorAsync(world, () => clinician.SearchAsync<FhirSlot>(Search(start, end, free, include, ("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeB.OdsCode}"))), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        Assert.Contains($"does not serve {world.PracticeB.Name} ({world.PracticeB.OdsCode})", notServed.Issue[0].Diagnostics, StringComparison.Ordinal);

        // A search wholly in the past finds nothing, but is refused or corrected just as a future one (old code: 200, empty).
        var lastWeek = ("start", "ge" + Day(Today.AddDays(-7)));
        var yesterday = ("end", "le" + Day(Today.AddDays(-1)));
        await FhirTestKit.ExpectErrorAsync(world, () => Run(lastWeek, yesterday, free, include, ("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeB.OdsCode}")), HttpStatusCode.Forbidden, "ACCESS_DENIED");
        await FhirTestKit.ExpectErrorAsync(world, () => Run(lastWeek, yesterday, free, include, ("searchFilter", $"{FhirTestKit.Ods}|Z99999")), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        Assert.DoesNotContain((await client.SearchAsync<FhirSlot>(Search(lastWeek, yesterday, free, include, ods)))!.Entry, e => e.Resource is FhirSlot);

        // The fortnight is counted from today: "last week to next week" is a search of this week (old code: 422, 17 dates).
        var found = await client.SearchAsync<FhirSlot>(Search(lastWeek, ("end", "le" + Day(Today.AddDays(9))), free, include, ods));
        Assert.Contains(found!.Entry, e => e.Resource is FhirSlot);
        await FhirTestKit.ExpectErrorAsync(world, () => Run(lastWeek, ("end", "le" + Day(Today.AddDays(14))), free, include, ods), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
    }

    [Fact]
    public async Task A_persons_account_with_no_scopes_is_told_the_fhir_api_is_for_client_systems()
    {
        var world = await TestWorld.CreateAsync(factory);
        var patient = await FhirTestKit.PatientAsync(world);
        var search = new SearchParams().Add("identifier", $"{FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}");

        // A hub clinician's account as the demo's hubclinician is: an organisation, no scopes (old code: "Your client
        // system is not allowed the scope this interaction needs (patient/*.read)").
        var (person, _) = await FhirTestKit.ClientAsync(world, world.HubClinician, scopes: null);
        var refused = await FhirTestKit.ExpectErrorAsync(world, () => person.SearchAsync<Patient>(search), HttpStatusCode.Forbidden, "ACCESS_DENIED");
        Assert.Equal("The FHIR API is for client systems registered with their scopes; this account has none. Use the JSON API (/api/v1) or the pages.", refused.Issue[0].Diagnostics);

        // A client system without the scope it needs is still told which.
        var (slotsOnly, _) = await FhirTestKit.ClientAsync(world, world.HubClinician, "organization/*.read");
        var lacking = await FhirTestKit.ExpectErrorAsync(world, () => slotsOnly.SearchAsync<Patient>(search), HttpStatusCode.Forbidden, "ACCESS_DENIED");
        Assert.Equal("Your client system is not allowed the scope this interaction needs (patient/*.read).", lacking.Issue[0].Diagnostics);
    }

    [Fact]
    public async Task Scopes_organisations_tokens_and_headers_are_enforced()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var patient = await FhirTestKit.PatientAsync(world);
        var search = FhirTestKit.SlotSearch(Today, Today.AddDays(2), world.PracticeA.OdsCode);

        var (readOnly, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA, "organization/*.read patient/*.read");
        await FhirTestKit.ExpectErrorAsync(world, () => readOnly.CreateAsync(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode)), HttpStatusCode.Forbidden, "ACCESS_DENIED");

        var (none, _) = await FhirTestKit.ClientAsync(world, world.Nhs111, scopes: null);
        await FhirTestKit.ExpectErrorAsync(world, () => none.SearchAsync<FhirSlot>(search), HttpStatusCode.Forbidden, "ACCESS_DENIED");
        var (commissioner, _) = await FhirTestKit.ClientAsync(world, world.Commissioner);
        await FhirTestKit.ExpectErrorAsync(world, () => commissioner.SearchAsync<FhirSlot>(search), HttpStatusCode.Forbidden, "ACCESS_DENIED");
        await FhirTestKit.ExpectErrorAsync(world, () => commissioner.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(Today.AddDays(-7), Today.AddDays(-1), world.PracticeA.OdsCode)), HttpStatusCode.Forbidden, "ACCESS_DENIED");

        // The booking organisation must be the caller's own.
        var (practice, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        await FhirTestKit.ExpectErrorAsync(world, () => practice.CreateAsync(FhirTestKit.Booking(slot, patient.Id, world.PracticeB.OdsCode)), HttpStatusCode.Forbidden, "ACCESS_DENIED");

        // Refused, the attempt is still recorded against the patient it was for (old code: no patient in the record).
        var refused = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == Forward.Domain.Audit.AuditActions.FhirBook && e.Actor == world.PracticeStaffA).OrderBy(e => e.Id).LastAsync());
        Assert.Equal((int.Parse(patient.Id, CultureInfo.InvariantCulture), "denied"), (refused.PatientId!.Value, refused.Outcome));

        var (anonymous, _) = FhirTestKit.Anonymous(factory);
        await FhirTestKit.ExpectErrorAsync(world, () => anonymous.SearchAsync<FhirSlot>(search), HttpStatusCode.Unauthorized, "ACCESS_DENIED");
        var (forged, _) = FhirTestKit.Anonymous(factory, "not-a-real-token");
        await FhirTestKit.ExpectErrorAsync(world, () => forged.SearchAsync<FhirSlot>(search), HttpStatusCode.Unauthorized, "ACCESS_DENIED");

        handler.ExtraHeaders["Ssp-InteractionID"] = "urn:nhs:names:services:gpconnect:fhir:rest:create:appointment-1";
        await FhirTestKit.ExpectErrorAsync(world, () => practice.SearchAsync<FhirSlot>(search), HttpStatusCode.BadRequest, "BAD_REQUEST");
        handler.ExtraHeaders.Clear();
        handler.ExtraHeaders["Ssp-TraceID"] = "<script>";
        await FhirTestKit.ExpectErrorAsync(world, () => practice.SearchAsync<FhirSlot>(search), HttpStatusCode.BadRequest, "BAD_REQUEST");
        handler.ExtraHeaders.Clear();

        await FhirTestKit.ExpectErrorAsync(world, () => practice.GetAsync("Encounter/1"), HttpStatusCode.NotFound, "NO_RECORD_FOUND");
        await FhirTestKit.ExpectErrorAsync(world, () => practice.DeleteAsync("Appointment/1"), HttpStatusCode.MethodNotAllowed, "BAD_REQUEST");

        var denied = await world.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.AuditEvents, a => a.Action == "fhir.appointment.book" && a.Outcome == "denied"));
        Assert.Equal(2, denied);
    }

    /// <summary>
    /// Without a token, an address with no endpoint an anonymous caller may reach is refused 401 by the site-wide rule,
    /// whose challenge is the pages' cookie's: it too says to authenticate with a bearer token, as the bearer handler's
    /// 401 on a known FHIR route does (old code: no WWW-Authenticate header, but on GET /fhir/Slot).
    /// </summary>
    [Theory]
    [InlineData("GET", "/fhir/Slot")]
    [InlineData("GET", "/fhir/Foo")]
    [InlineData("POST", "/fhir/metadata")]
    [InlineData("HEAD", "/fhir/metadata")]
    [InlineData("GET", "/api/v1/nothing")]
    [InlineData("DELETE", "/api/v1/hubs")]
    public async Task An_anonymous_401_on_fhir_or_the_api_asks_for_a_bearer_token(string method, string path)
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Booking_errors()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slots = await world.FreeSlotsAsync();
        var slot = slots[0];
        FhirAppointment Booking() => FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode);

        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slot, "999999", world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
        // Old code: an id too large for any patient was 422 "not a Patient reference like Patient/123".
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slot, "99999999999", world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
        var otherPractice = await FhirTestKit.PatientAsync(world, world.PracticeB.Id);
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slot, otherPractice.Id, world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");

        var missingSlot = Booking();
        missingSlot.Slot = [new ResourceReference("Slot/999999999")];
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(missingSlot), HttpStatusCode.NotFound, "NO_RECORD_FOUND");

        var forbidden = Booking();
        forbidden.ReasonCode = [new CodeableConcept { Text = "Cough" }];
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(forbidden), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var longDescription = FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode, description: new string('d', 101));
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(longDescription), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        var longComment = FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode, comment: new string('c', 501));
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(longComment), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var wrongTimes = Booking();
        wrongTimes.End = wrongTimes.End!.Value.AddMinutes(15);
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(wrongTimes), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var noOrganisation = Booking();
        noOrganisation.Extension.Clear();
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(noOrganisation), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var notAdjacent = Booking();
        var later = slots.First(s => s.ClinicianIndex == slot.ClinicianIndex && s.StartUtc > slot.EndUtc);
        notAdjacent.Slot.Add(new ResourceReference("Slot/" + later.Id));
        notAdjacent.End = new DateTimeOffset(DateTime.SpecifyKind(later.EndUtc, DateTimeKind.Utc)).ToOffset(TimeSpan.FromHours(1));
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(notAdjacent), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        // Another system's references are not Forward's: its Patient/14228 is not Forward's patient 14228 (old code booked
        // Forward's patient and slot of those ids). A contained patient would be read by nobody, so it is refused too.
        var elsewhere = Booking();
        elsewhere.Slot = [new ResourceReference("https://other-system.example/fhir/Slot/" + slot.Id)];
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(elsewhere), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        var elsewherePatient = Booking();
        elsewherePatient.Participant[0].Actor = new ResourceReference("https://other-system.example/fhir/Patient/" + patient.Id);
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(elsewherePatient), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        var containedPatient = Booking();
        containedPatient.Contained.Add(new Patient { Id = "p1", Identifier = [new Identifier("https://fhir.nhs.uk/Id/nhs-number", "9434765919")] });
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(containedPatient), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var cancelledOnArrival = Booking();
        cancelledOnArrival.Status = FhirAppointment.AppointmentStatus.Proposed;
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(cancelledOnArrival), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        // Malformed bodies: the FhirClient cannot send them, so they go raw through the same handler.
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = factory.Server.BaseAddress };
        async Task Raw(string body, string contentType, HttpStatusCode status, string code)
        {
            var before = await FhirTestKit.SnapshotAsync(world);
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            var response = await raw.PostAsync(new Uri("/fhir/Appointment", UriKind.Relative), content);
            Assert.Equal(status, response.StatusCode);
            FhirTestKit.AssertOutcome(new FhirJsonDeserializer().Deserialize<OperationOutcome>(await response.Content.ReadAsStringAsync()), code);
            Assert.Equal(before, await FhirTestKit.SnapshotAsync(world));
        }

        var valid = new FhirJsonSerializer().SerializeToString(Booking());
        await Raw(valid[..^5], "application/fhir+json", HttpStatusCode.BadRequest, "BAD_REQUEST");
        await Raw(valid.Replace("\"status\":\"booked\"", "\"status\":\"booked\",\"colour\":\"blue\"", StringComparison.Ordinal), "application/fhir+json", HttpStatusCode.BadRequest, "BAD_REQUEST");
        await Raw(valid.Replace("\"status\":\"booked\"", "\"status\":\"maybe\"", StringComparison.Ordinal), "application/fhir+json", HttpStatusCode.BadRequest, "BAD_REQUEST");
        await Raw(string.Empty, "application/fhir+json", HttpStatusCode.BadRequest, "BAD_REQUEST");
        await Raw("{\"resourceType\":\"Patient\",\"active\":true}", "application/fhir+json", HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        await Raw(valid, "text/plain", HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        await Raw(valid, "application/fhir+json; charset=iso-8859-1", HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        await Raw(valid[..^5], "application/fhir+json; charset=\"utf-8\"", HttpStatusCode.BadRequest, "BAD_REQUEST"); // a quoted UTF-8 is UTF-8: read, then refused as malformed

        // The slot is taken: 409 DUPLICATE_REJECTED for the second booking, by another patient too.
        await client.CreateAsync(Booking());
        var another = await FhirTestKit.PatientAsync(world);
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slot, another.Id, world.PracticeA.OdsCode)), HttpStatusCode.Conflict, "DUPLICATE_REJECTED");

        // NHS 111 books at most 48 hours ahead.
        var (nhs111, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);
        var far = slots.First(s => s.StartUtc > factory.Clock.GetUtcNow().UtcDateTime.AddDays(3));
        await FhirTestKit.ExpectErrorAsync(world, () => nhs111.CreateAsync(FhirTestKit.Booking(far, another.Id, "Y111")), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
    }

    [Fact]
    public async Task Modifiers_anywhere_a_body_over_the_limit_in_bytes_and_a_bad_idempotency_key_are_refused_and_book_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync())[0];
        FhirAppointment Booking() => FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode);
        var notAttending = new Extension("https://example.org/not-attending", new FhirBoolean(true));

        // A modifier changes what the booking means wherever it sits: refused, not booked with the meaning dropped.
        var onParticipant = Booking();
        onParticipant.Participant[0].ModifierExtension = [notAttending];
        var onContained = Booking();
        ((Organization)onContained.Contained[0]).ModifierExtension = [notAttending];
        var withRules = Booking();
        withRules.ImplicitRules = "https://example.org/other-rules";
        foreach (var (booking, element) in new[] { (onParticipant, "modifierExtension"), (onContained, "modifierExtension"), (withRules, "implicitRules") })
        {
            var outcome = await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(booking), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
            Assert.Contains(element, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        }

        // 100,000 three-byte characters are 300,000 bytes: over the 262,144-byte limit though fewer characters.
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = factory.Server.BaseAddress };
        var big = new FhirJsonSerializer().SerializeToString(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode, comment: new string('\u20AC', 100_000)));
        Assert.True(big.Length < 262_144 && Encoding.UTF8.GetByteCount(big) > 262_144);
        using (var content = new StringContent(big, Encoding.UTF8))
        {
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/fhir+json");
            var response = await raw.PostAsync(new Uri("/fhir/Appointment", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var outcome = new FhirJsonDeserializer().Deserialize<OperationOutcome>(await response.Content.ReadAsStringAsync());
            FhirTestKit.AssertOutcome(outcome, "BAD_REQUEST");
            Assert.Equal("The resource must be at most 262,144 bytes.", outcome.Issue[0].Diagnostics); // as documented
        }

        // A bad Idempotency-Key is a header problem (400), and two keys are not joined into a third.
        foreach (var keys in new[] { new[] { new string('k', 101) }, ["first-key", "second-key"] })
        {
            var before = await FhirTestKit.SnapshotAsync(world);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/fhir/Appointment", UriKind.Relative));
            request.Content = new StringContent(new FhirJsonSerializer().SerializeToString(Booking()), Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/fhir+json");
            request.Headers.TryAddWithoutValidation("Idempotency-Key", keys);
            var response = await raw.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            FhirTestKit.AssertOutcome(new FhirJsonDeserializer().Deserialize<OperationOutcome>(await response.Content.ReadAsStringAsync()), "BAD_REQUEST");
            Assert.Equal(before, await FhirTestKit.SnapshotAsync(world));
        }

        // The booking itself, sent plainly, goes through.
        Assert.NotNull(await client.CreateAsync(Booking()));
    }

    [Fact]
    public async Task Read_amend_and_cancel_errors()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync())[0];
        var booked = await client.CreateAsync(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode));

        await FhirTestKit.ExpectErrorAsync(world, () => client.ReadAsync<FhirAppointment>("Appointment/999999"), HttpStatusCode.NotFound, "NO_RECORD_FOUND");
        var (otherPractice, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffB);
        await FhirTestKit.ExpectErrorAsync(world, () => otherPractice.ReadAsync<FhirAppointment>("Appointment/" + booked.Id), HttpStatusCode.NotFound, "NO_RECORD_FOUND");

        var stale = (FhirAppointment)booked.DeepCopy();
        stale.Meta.VersionId = "7";
        stale.Description = "Changed";
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(stale, versionAware: true), HttpStatusCode.Conflict, "FHIR_CONSTRAINT_VIOLATION");

        var noIfMatch = (FhirAppointment)booked.DeepCopy();
        noIfMatch.Description = "Changed";
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(noIfMatch, versionAware: false), HttpStatusCode.BadRequest, "BAD_REQUEST");

        var moved = (FhirAppointment)booked.DeepCopy();
        moved.Start = moved.Start!.Value.AddMinutes(15);
        moved.End = moved.End!.Value.AddMinutes(15);
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(moved, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var tooLong = (FhirAppointment)booked.DeepCopy();
        tooLong.Description = new string('x', 101);
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(tooLong, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        tooLong.Description = booked.Description;
        tooLong.Comment = new string('x', 501);
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(tooLong, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var noReason = (FhirAppointment)booked.DeepCopy();
        noReason.Status = FhirAppointment.AppointmentStatus.Cancelled;
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(noReason, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        // Forward keeps a reason as words: a coding alone is refused (old code kept its code as if it were the words).
        noReason.CancelationReason = new CodeableConcept("http://example.org/reasons", "pat");
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(noReason, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");

        var wrongId = (FhirAppointment)booked.DeepCopy();
        wrongId.Description = "Changed";
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = factory.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/fhir/Appointment/{long.Parse(booked.Id, CultureInfo.InvariantCulture) + 1000}")
        {
            Content = new StringContent(new FhirJsonSerializer().SerializeToString(wrongId), Encoding.UTF8, "application/fhir+json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        var before = await FhirTestKit.SnapshotAsync(world);
        Assert.Equal(HttpStatusCode.BadRequest, (await raw.SendAsync(request)).StatusCode);
        Assert.Equal(before, await FhirTestKit.SnapshotAsync(world));

        // Once it has started (the same day, so it can still be read) it can be neither amended nor cancelled.
        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(1)))
        {
            var (started, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
            var current = await started.ReadAsync<FhirAppointment>("Appointment/" + booked.Id);
            current!.Description = "Late change";
            var unchanged = await FhirTestKit.SnapshotAsync(world);
            await FhirTestKit.ExpectErrorAsync(world, () => started.UpdateAsync(current, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
            current.Description = booked.Description;
            current.Status = FhirAppointment.AppointmentStatus.Cancelled;
            current.CancelationReason = new CodeableConcept { Text = "Too late" };
            await FhirTestKit.ExpectErrorAsync(world, () => started.UpdateAsync(current, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
            Assert.Equal(unchanged, await FhirTestKit.SnapshotAsync(world));
        }

        // Past appointments cannot be read or changed: move the clock on a day.
        using (factory.Clock.TravelTo(slot.StartUtc.AddDays(1)))
        {
            var (tomorrow, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
            await FhirTestKit.ExpectErrorAsync(world, () => tomorrow.ReadAsync<FhirAppointment>("Appointment/" + booked.Id), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
            var late = (FhirAppointment)booked.DeepCopy();
            late.Description = "Late change";
            await FhirTestKit.ExpectErrorAsync(world, () => tomorrow.UpdateAsync(late, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        }
    }

    [Theory]
    [InlineData("application/fhir+xml", null, HttpStatusCode.NotAcceptable)]
    [InlineData("application/fhir+json; fhirVersion=3.0", null, HttpStatusCode.NotAcceptable)]
    [InlineData("text/html", null, HttpStatusCode.NotAcceptable)]
    [InlineData(null, "xml", HttpStatusCode.NotAcceptable)]
    [InlineData("application/fhir+json", "application/fhir+xml", HttpStatusCode.NotAcceptable)] // _format wins
    [InlineData("application/fhir+json; fhirVersion=4.0", null, HttpStatusCode.OK)]
    [InlineData("application/json", null, HttpStatusCode.OK)]
    [InlineData("text/html,application/xhtml+xml,*/*;q=0.8", null, HttpStatusCode.OK)] // a browser
    [InlineData("application/fhir+xml", "json", HttpStatusCode.OK)]
    [InlineData(null, "application/fhir+json", HttpStatusCode.OK)] // sent with an unencoded '+', read as a space
    [InlineData(null, "application/fhir%2Bjson;%20fhirVersion=3.0", HttpStatusCode.NotAcceptable)]
    [InlineData("application/json+fhir", null, HttpStatusCode.OK)]
    [InlineData(null, null, HttpStatusCode.OK)]
    public async Task Only_fhir_r4_json_is_offered(string? accept, string? format, HttpStatusCode expected)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata" + (format is null ? string.Empty : "?_format=" + format));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        if (expected != HttpStatusCode.OK)
        {
            FhirTestKit.AssertOutcome(new FhirJsonDeserializer().Deserialize<OperationOutcome>(body), "UNSUPPORTED_MEDIA_TYPE");
        }
    }

    [Fact]
    public async Task Patient_and_patient_appointment_search_errors()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var range = $"start=ge{Day(Today)}&start=le{Day(Today.AddDays(7))}";

        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync("Patient"), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient?identifier={FhirTestKit.NhsNumberSystem}|1234567890"), HttpStatusCode.BadRequest, "INVALID_NHS_NUMBER");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient?identifier=https://example.org/id|{patient.Identifier[0].Value}"), HttpStatusCode.UnprocessableEntity, "INVALID_IDENTIFIER_SYSTEM");
        var (noPatientScope, _) = await FhirTestKit.ClientAsync(world, world.Nhs111, "organization/*.read");
        await FhirTestKit.ExpectErrorAsync(world, () => noPatientScope.GetAsync($"Patient?identifier={FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}"), HttpStatusCode.Forbidden, "ACCESS_DENIED");

        // A patient of another practice is simply not found by this practice.
        var elsewhere = await FhirTestKit.PatientAsync(world, world.PracticeB.Id);
        var none = (Bundle)await client.GetAsync($"Patient?identifier={FhirTestKit.NhsNumberSystem}|{elsewhere.Identifier[0].Value}");
        Assert.Empty(none.Entry);
        Assert.Equal(0, none.Total);

        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient/{patient.Id}/Appointment"), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Day(Today)}"), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Day(Today.AddDays(-1))}&start=le{Day(Today)}"), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Day(Today.AddDays(3))}&start=le{Day(Today)}"), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient/999999/Appointment?{range}"), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Patient/{elsewhere.Id}/Appointment?{range}"), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Appointment?{range}"), HttpStatusCode.BadRequest, "BAD_REQUEST");
        await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Appointment?patient.identifier={FhirTestKit.NhsNumberSystem}|{TestPatients.NewNhsNumber()}&{range}"), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
    }
}
