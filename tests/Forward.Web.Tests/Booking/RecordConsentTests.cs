using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Web.Tests.Fhir;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// The hub records the patient's own answer on sharing their record (POST /api/v1/appointments/{id}/consent): a booking
/// through FHIR (GP Connect, NHS 111) never asks, and before this the hub could never open such a patient's record.
/// </summary>
public sealed class RecordConsentTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    private static async Task<HttpResponseMessage> PostConsentAsync(HttpClient client, long id, string consent, int? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/appointments/{id}/consent") { Content = JsonContent.Create(new { consent }) };
        if (ifMatch is { } version)
        {
            request.Headers.TryAddWithoutValidation("If-Match", $"W/\"{version}\"");
        }

        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> RecordAsync(HttpClient client, long id) => client.GetAsync(new Uri($"/api/v1/appointments/{id}/record", UriKind.Relative));

    private static Task<(RecordSharingConsent Consent, int Version)> StoredAsync(TestWorld world, long id) =>
        world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => new ValueTuple<RecordSharingConsent, int>(a.Consent, a.Version)).SingleAsync());

    private static Task<int> ConsentEventsAsync(TestWorld world, long id)
    {
        var entityId = id.ToString(CultureInfo.InvariantCulture);
        return world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.Consent && e.EntityId == entityId));
    }

    private static async Task<long> BookAsync(TestWorld world, long slotId, string consent = "NotAsked")
    {
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slotId, consent: consent));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        return (await Json(booked)).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task The_hub_records_consent_for_a_FHIR_booking_and_the_record_then_opens()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (fhir, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        handler.ExtraHeaders["Idempotency-Key"] = $"{world.Prefix}-consent";
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync())[0];
        var created = await fhir.CreateAsync(FhirTestKit.Booking(slot, patient.Id!, world.PracticeA.OdsCode));
        var id = long.Parse(created!.Id!, CultureInfo.InvariantCulture);
        var (consent, version) = await StoredAsync(world, id);
        Assert.Equal(RecordSharingConsent.NotAsked, consent);

        var hub = await world.ClientAsync(world.HubClinician);
        await AssertProblem(await RecordAsync(hub, id), HttpStatusCode.Forbidden, "no-consent");

        // The patient agrees in the room (old code: no way to record it, so the record never opened).
        var granted = await PostConsentAsync(hub, id, "Granted", ifMatch: version);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var view = await Json(granted);
        Assert.Equal("Granted", view.GetProperty("consent").GetString());
        Assert.Equal(version + 1, view.GetProperty("version").GetInt32());
        Assert.Equal($"W/\"{version + 1}\"", granted.Headers.ETag?.ToString());
        Assert.Equal((RecordSharingConsent.Granted, version + 1), await StoredAsync(world, id));
        Assert.Equal(HttpStatusCode.OK, (await RecordAsync(hub, id)).StatusCode);

        // Audited under the appointment, its patient and its hub; the detail holds the answers, nothing about the patient.
        var entityId = id.ToString(CultureInfo.InvariantCulture);
        var entry = await world.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == AuditActions.Consent && e.EntityId == entityId));
        Assert.Equal((world.HubClinician, "success", "Appointment"), (entry.Actor, entry.Outcome, entry.EntityType));
        Assert.Equal(int.Parse(patient.Id!, CultureInfo.InvariantCulture), entry.PatientId);
        Assert.Equal(world.HubId, entry.HubId);
        Assert.Equal("consent=Granted; was=NotAsked", entry.Detail);

        // The booker's retry of the same booking (its answer lost) still gets it back: the hub's answer is the newer one.
        var again = await fhir.CreateAsync(FhirTestKit.Booking(slot, patient.Id!, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        Assert.Equal(created.Id, again!.Id);
        Assert.Equal(RecordSharingConsent.Granted, (await StoredAsync(world, id)).Consent);

        // The patient changes their mind: the record closes again.
        var withdrawn = await PostConsentAsync(hub, id, "Refused");
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Refused", (await Json(withdrawn)).GetProperty("consent").GetString());
        await AssertProblem(await RecordAsync(hub, id), HttpStatusCode.Forbidden, "no-consent");
        Assert.Equal(2, await ConsentEventsAsync(world, id));
    }

    [Fact]
    public async Task Only_the_hubs_own_clinicians_record_consent_and_a_refusal_changes_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await BookAsync(world, (await world.FreeSlotsAsync())[0].Id);
        var before = await StoredAsync(world, id);

        foreach (var user in new[] { world.PracticeStaffA, world.Nhs111, world.Commissioner })
        {
            var refused = await PostConsentAsync(await world.ClientAsync(user), id, "Granted");
            Assert.True(HttpStatusCode.Forbidden == refused.StatusCode, $"{user}: {refused.StatusCode}");
        }

        // Another hub's clinician cannot see the appointment, so is told it does not exist (as for an outcome).
        await AssertProblem(await PostConsentAsync(await world.ClientAsync(world.OtherHubClinician), id, "Granted"), HttpStatusCode.NotFound, "appointment-not-found");
        await AssertProblem(await PostConsentAsync(await world.ClientAsync(world.HubClinician), 987654321, "Granted"), HttpStatusCode.NotFound, "appointment-not-found");

        Assert.Equal(before, await StoredAsync(world, id));
        Assert.Equal(0, await ConsentEventsAsync(world, id));
        await AssertProblem(await RecordAsync(await world.ClientAsync(world.HubClinician), id), HttpStatusCode.Forbidden, "no-consent");
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_the_answer_recorded_meanwhile_kept()
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await BookAsync(world, (await world.FreeSlotsAsync())[0].Id);
        var (_, version) = await StoredAsync(world, id);
        var hub = await world.ClientAsync(world.HubClinician);

        Assert.Equal(HttpStatusCode.OK, (await PostConsentAsync(hub, id, "Refused", ifMatch: version)).StatusCode);
        await AssertProblem(await PostConsentAsync(hub, id, "Granted", ifMatch: version), HttpStatusCode.Conflict, "version-mismatch");

        Assert.Equal((RecordSharingConsent.Refused, version + 1), await StoredAsync(world, id));
        Assert.Equal(1, await ConsentEventsAsync(world, id));
        await AssertProblem(await RecordAsync(hub, id), HttpStatusCode.Forbidden, "no-consent");
    }

    [Fact]
    public async Task The_same_answer_sent_at_once_from_the_same_version_is_recorded_once_and_the_others_refused()
    {
        // Old code: a change that found the same values stored took them for its own and answered 200, so two clinicians
        // sending the same answer at once were both told it was recorded, and only one of them was audited.
        var world = await TestWorld.CreateAsync(factory);
        var hub = await world.ClientAsync(world.HubClinician);
        for (var round = 0; round < 3; round++)
        {
            var id = await BookAsync(world, (await world.FreeSlotsAsync())[round].Id);
            var (_, version) = await StoredAsync(world, id);
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostConsentAsync(hub, id, "Granted", ifMatch: version)));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
            Assert.Equal(1, await ConsentEventsAsync(world, id));
            Assert.Equal((RecordSharingConsent.Granted, version + 1), await StoredAsync(world, id));
        }
    }

    [Theory]
    [InlineData("{\"consent\": \"NotAsked\"}", "validation-failed")]
    [InlineData("{}", "validation-failed")]
    [InlineData("{\"consent\": 7}", "bad-request")]
    [InlineData("{\"consent\": \"Maybe\"}", "bad-request")]
    // A list of names was ORed into one by the framework's converter: NotAsked (0) and Refused read as Refused.
    [InlineData("{\"consent\": \"NotAsked,Refused\"}", "bad-request")]
    [InlineData("{\"consent\": \"Refused, NotAsked\"}", "bad-request")]
    public async Task An_answer_other_than_granted_or_refused_is_400_and_changes_nothing(string json, string code)
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await BookAsync(world, (await world.FreeSlotsAsync())[0].Id, consent: "Granted");
        var before = await StoredAsync(world, id);
        var hub = await world.ClientAsync(world.HubClinician);

        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await hub.PostAsync(new Uri($"/api/v1/appointments/{id}/consent", UriKind.Relative), content);

        await AssertProblem(response, HttpStatusCode.BadRequest, code);
        if (code == "validation-failed" || json.Contains(',', StringComparison.Ordinal))
        {
            Assert.True((await Json(response)).GetProperty("errors").TryGetProperty("consent", out _));
        }

        Assert.Equal(before, await StoredAsync(world, id));
    }

    [Fact]
    public async Task Consent_is_recorded_while_booked_or_attended_to_the_day_after_and_never_once_cancelled_or_not_attended()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var cancelled = await BookAsync(world, slots[0].Id);
        var attended = await BookAsync(world, slots[2].Id);
        var missed = await BookAsync(world, slots[4].Id);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync($"/api/v1/appointments/{cancelled}/cancel", new { reason = "Feeling better" })).StatusCode);

        var hub = await world.ClientAsync(world.HubClinician);
        await AssertProblem(await PostConsentAsync(hub, cancelled, "Granted"), HttpStatusCode.Conflict, "cancelled");
        Assert.Equal(RecordSharingConsent.NotAsked, (await StoredAsync(world, cancelled)).Consent);

        using (factory.Clock.TravelTo(slots[4].StartUtc.AddMinutes(5)))
        {
            hub = await world.ClientAsync(world.HubClinician); // the morning's token has expired by the evening
            Assert.Equal(HttpStatusCode.OK, (await hub.PostAsync(new Uri($"/api/v1/appointments/{attended}/attended", UriKind.Relative), null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await hub.PostAsync(new Uri($"/api/v1/appointments/{missed}/did-not-attend", UriKind.Relative), null)).StatusCode);
            await AssertProblem(await PostConsentAsync(hub, missed, "Granted"), HttpStatusCode.Conflict, "did-not-attend");
        }

        // The day after, writing up: an attended patient's answer can still be recorded, and the record opens with it.
        using (factory.Clock.TravelTo(slots[2].StartUtc.AddHours(20)))
        {
            hub = await world.ClientAsync(world.HubClinician);
            Assert.Equal(HttpStatusCode.OK, (await PostConsentAsync(hub, attended, "Granted")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await RecordAsync(hub, attended)).StatusCode);
        }

        // Two days after, the record would not open with it, so it is not recorded.
        using (factory.Clock.TravelTo(slots[2].StartUtc.AddDays(2)))
        {
            hub = await world.ClientAsync(world.HubClinician);
            await AssertProblem(await PostConsentAsync(hub, attended, "Refused"), HttpStatusCode.Conflict, "consent-too-late");
        }

        Assert.Equal(RecordSharingConsent.Granted, (await StoredAsync(world, attended)).Consent);
        Assert.Equal(RecordSharingConsent.NotAsked, (await StoredAsync(world, missed)).Consent);
        Assert.Equal(0, await ConsentEventsAsync(world, cancelled) + await ConsentEventsAsync(world, missed));
    }
}
