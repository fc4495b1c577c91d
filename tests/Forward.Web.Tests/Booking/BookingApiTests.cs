using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

public sealed class BookingApiTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static Task<int> AppointmentCount(TestWorld world) => world.WithDbAsync(db => db.Appointments.CountAsync());

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Commissioners_see_appointments_and_day_lists_without_the_patient()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhsNumber = TestPatients.NewNhsNumber();
        using var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, nhsNumber: nhsNumber));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await Json(booked)).GetProperty("id").GetInt64();
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(slot.StartUtc, TimeZoneInfo.FindSystemTimeZoneById("Europe/London")));
        var dayList = $"/api/v1/hubs/{world.HubId}/day-list?date={date:yyyy-MM-dd}";

        var commissioner = await world.ClientAsync(world.Commissioner);
        using var one = await commissioner.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative));
        using var list = await commissioner.GetAsync(new Uri(dayList, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = (await Json(list)).EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == id);
        foreach (var (raw, view) in new[] { (await one.Content.ReadAsStringAsync(), await Json(one)), (listed.GetRawText(), listed) })
        {
            Assert.True(view.GetProperty("patientWithheld").GetBoolean());
            foreach (var field in new[] { "nhsNumber", "patientName", "patientDateOfBirth", "patientPhone", "reason", "description", "comment", "cancellationReason" })
            {
                Assert.Equal(JsonValueKind.Null, view.GetProperty(field).ValueKind);
            }

            Assert.DoesNotContain(nhsNumber, raw, StringComparison.Ordinal);
            Assert.DoesNotContain("Testperson", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("Cough", raw, StringComparison.Ordinal);
            Assert.Equal("Booked", view.GetProperty("status").GetString());
            Assert.Equal(world.PracticeA.OdsCode, view.GetProperty("practiceOds").GetString());
        }

        // Those who care for the patient still see who they are.
        foreach (var client in new[] { practice, await world.ClientAsync(world.HubClinician) })
        {
            using var read = await client.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative));
            var view = await Json(read);
            Assert.False(view.GetProperty("patientWithheld").GetBoolean());
            Assert.Equal(nhsNumber, view.GetProperty("nhsNumber").GetString());
            Assert.Equal("Alex Testperson", view.GetProperty("patientName").GetString());
        }

        var clinicianList = await Json(await (await world.ClientAsync(world.HubClinician)).GetAsync(new Uri(dayList, UriKind.Relative)));
        Assert.Equal(nhsNumber, clinicianList.EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == id).GetProperty("nhsNumber").GetString());

        // Nor may a commissioner write the free text they cannot read (the service refuses it, whatever the endpoint).
        using var scope = factory.Services.CreateScope();
        var asCommissioner = new Forward.Web.Access.Actor(world.Commissioner, Forward.Domain.Access.Roles.Commissioner, null, null, world.CcgId, null);
        var refused = await Assert.ThrowsAsync<Forward.Domain.DomainException>(() => scope.ServiceProvider.GetRequiredService<Forward.Web.Booking.BookingService>()
            .AmendAsync(id, "Written by a commissioner", null, asCommissioner, null));
        Assert.Equal(Forward.Domain.DomainErrorKind.Forbidden, refused.Kind);
        Assert.Null(await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Description).SingleAsync()));
    }

    [Fact]
    public async Task Practice_books_a_free_slot_and_gets_201_with_location_etag_and_an_audit_entry()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];

        var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/appointments/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("Booked", body.GetProperty("status").GetString());
        Assert.Equal("Practice", body.GetProperty("channel").GetString());
        Assert.Equal(world.PracticeA.OdsCode, body.GetProperty("practiceOds").GetString());
        Assert.Equal("Granted", body.GetProperty("consent").GetString());

        var (slotStatus, audits) = await world.WithDbAsync(async db => (
            (await db.Slots.FindAsync(slot.Id))!.Status,
            await db.AuditEvents.Where(a => a.Action == "appointment.book" && a.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToListAsync()));
        Assert.Equal(SlotStatus.Booked, slotStatus);
        var audit = Assert.Single(audits);
        Assert.Equal(world.PracticeStaffA, audit.Actor);
        Assert.DoesNotContain("Testperson", audit.Detail ?? string.Empty, StringComparison.Ordinal);

        var read = await client.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        // Reading it names the patient: audited, with the patient and hub, as a day list is.
        var viewed = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.Action == AuditActions.AppointmentView && a.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToListAsync());
        var view = Assert.Single(viewed);
        Assert.Equal((world.PracticeStaffA, "success", world.HubId), (view.Actor, view.Outcome, view.HubId));
        Assert.Equal(audit.PatientId, view.PatientId);
    }

    [Fact]
    public async Task A_retried_request_with_the_same_idempotency_key_books_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var nhsNumber = TestPatients.NewNhsNumber();
        var body = TestPatients.Booking(slots[0].Id, nhsNumber: nhsNumber);

        Task<HttpResponseMessage> Send(object b)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(b) };
            request.Headers.Add("Idempotency-Key", "retry-123");
            return client.SendAsync(request);
        }

        var first = await Send(body);
        var second = await Send(body);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var id = (await Json(first)).GetProperty("id").GetInt64();
        Assert.Equal(id, (await Json(second)).GetProperty("id").GetInt64());

        // The replay shows the patient's appointment again without booking anything: audited as a view.
        var viewed = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.Action == AuditActions.AppointmentView && a.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToListAsync());
        var view = Assert.Single(viewed);
        Assert.Equal((world.PracticeStaffA, "success", world.HubId), (view.Actor, view.Outcome, view.HubId));
        Assert.NotNull(view.PatientId);

        var reused = await Send(TestPatients.Booking(slots[1].Id));
        await AssertProblem(reused, HttpStatusCode.Conflict, "idempotency-key-reused");

        // The same slot for another patient is another booking too.
        var anotherPatient = await Send(TestPatients.Booking(slots[0].Id, nhsNumber: TestPatients.NewNhsNumber()));
        await AssertProblem(anotherPatient, HttpStatusCode.Conflict, "idempotency-key-reused");

        // So is the same booking with other details: the patient's consent withdrawn must not be answered with the grant.
        var consentWithdrawn = await Send(TestPatients.Booking(slots[0].Id, nhsNumber: nhsNumber, consent: "Refused"));
        await AssertProblem(consentWithdrawn, HttpStatusCode.Conflict, "idempotency-key-reused");
        var otherReason = await Send(TestPatients.Booking(slots[0].Id, nhsNumber: nhsNumber, reason: "Earache"));
        await AssertProblem(otherReason, HttpStatusCode.Conflict, "idempotency-key-reused");
        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.BookedBy == world.PracticeStaffA)));
        Assert.Equal(RecordSharingConsent.Granted, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Consent).SingleAsync()));
    }

    [Fact]
    public async Task A_retry_after_another_booking_changed_the_patients_phone_still_gets_its_booking()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var nhsNumber = TestPatients.NewNhsNumber();
        var first = TestPatients.Booking(slots[0].Id, nhsNumber: nhsNumber);

        using var sent = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(first) };
        sent.Headers.Add("Idempotency-Key", "phone-later-1");
        using var booked = await client.SendAsync(sent);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);

        // Meanwhile another booking for the same patient gives a new number: the patient's phone changes.
        var other = new { slotIds = new[] { slots.First(s => s.StartUtc >= slots[0].EndUtc.AddHours(20)).Id }, patient = new { nhsNumber, givenName = "Alex", familyName = "Testperson", dateOfBirth = "1980-05-17", phone = "07700 900999" }, consent = "Granted" };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/appointments", other)).StatusCode);

        // The first request sent again, as it was: its booking, not a conflict.
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(first) };
        retry.Headers.Add("Idempotency-Key", "phone-later-1");
        using var replayed = await client.SendAsync(retry);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Equal((await Json(booked)).GetProperty("id").GetInt64(), (await Json(replayed)).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_retry_with_the_patients_date_of_birth_or_phone_put_right_is_409_and_the_first_booking_stands()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhsNumber = TestPatients.NewNhsNumber();
        object Sent(string dateOfBirth, string phone) =>
            new { slotIds = new[] { slot.Id }, patient = new { nhsNumber, givenName = "Alex", familyName = "Testperson", dateOfBirth, phone }, consent = "Granted" };
        async Task<HttpResponseMessage> PostAsync(object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "put-right-1");
            return await client.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(Sent("1980-05-17", "07700 900111"))).StatusCode);

        // Old code: 200 Idempotent-Replayed with the first date of birth and phone, as if the correction were in it.
        foreach (var corrected in new[] { Sent("1908-05-17", "07700 900111"), Sent("1980-05-17", "07700 900222") })
        {
            using var refused = await PostAsync(corrected);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("idempotency-key-reused", (await Json(refused)).GetProperty("code").GetString());
        }

        var patient = await world.WithDbAsync(db => db.Patients.SingleAsync(p => p.NhsNumber == nhsNumber));
        Assert.Equal((new DateOnly(1980, 5, 17), "07700 900111"), (patient.DateOfBirth, patient.Phone));
        using var genuine = await PostAsync(Sent("1980-05-17", "07700 900111"));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task A_retry_giving_another_registered_practice_is_409_and_one_leaving_it_out_gets_the_booking()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhsNumber = TestPatients.NewNhsNumber();
        async Task<HttpResponseMessage> PostAsync(string? practiceOds)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(TestPatients.Booking(slot.Id, practiceOds, nhsNumber)) };
            request.Headers.Add("Idempotency-Key", "r-prac-1");
            return await client.SendAsync(request);
        }

        using var booked = await PostAsync(world.PracticeA.OdsCode);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await Json(booked)).GetProperty("id").GetInt64();

        // Old code: 200 Idempotent-Replayed, as if the patient were registered at the practice the retry named; without
        // the key the same request is 400, "registered at A, not B".
        using var otherPractice = await PostAsync(world.PracticeB.OdsCode);
        await AssertProblem(otherPractice, HttpStatusCode.Conflict, "idempotency-key-reused");
        Assert.Contains("registered practice", (await Json(otherPractice)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The practice written another way, or left out (as the writer allows for a patient Forward knows), is the same booking.
        foreach (var same in new[] { $" {world.PracticeA.OdsCode.ToLowerInvariant()} ", null })
        {
            using var replayed = await PostAsync(same);
            Assert.True(replayed.StatusCode == HttpStatusCode.OK, $"{same}: {replayed.StatusCode} {await replayed.Content.ReadAsStringAsync()}");
            Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(id, (await Json(replayed)).GetProperty("id").GetInt64());
        }

        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == nhsNumber)));
    }

    [Fact]
    public async Task Retries_sent_before_the_first_attempt_is_answered_get_that_booking_not_a_conflict()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var body = TestPatients.Booking(slot.Id);

        // A client that timed out and retried, or a double submit: the same request several times, all in flight at once.
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "in-flight-1");
            using var response = await client.SendAsync(request);
            return (response.StatusCode, Id: response.IsSuccessStatusCode ? (await Json(response)).GetProperty("id").GetInt64() : 0);
        }));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{a.StatusCode}"));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Single(answers.Select(a => a.Id).Distinct());
        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.BookedBy == world.PracticeStaffA)));
    }

    [Fact]
    public async Task Booking_a_taken_slot_is_409_and_writes_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var nhs111 = await world.ClientAsync(world.Nhs111);
        var slot = (await world.FreeSlotsAsync())[0];
        Assert.Equal(HttpStatusCode.Created, (await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).StatusCode);
        var before = await AppointmentCount(world);

        var response = await nhs111.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode));

        await AssertProblem(response, HttpStatusCode.Conflict, "slot-not-free");
        Assert.Equal(before, await AppointmentCount(world));
    }

    [Fact]
    public async Task Nhs111_books_within_48_hours_but_not_beyond()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var slots = await world.FreeSlotsAsync();
        var near = slots.First(s => s.StartUtc < now.AddHours(48));
        var far = slots.First(s => s.StartUtc > now.AddHours(48));

        var ok = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(near.Id, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal("Nhs111", (await Json(ok)).GetProperty("channel").GetString());

        var before = await AppointmentCount(world);
        var tooFar = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(far.Id, world.PracticeA.OdsCode));
        await AssertProblem(tooFar, HttpStatusCode.UnprocessableEntity, "outside-booking-window");
        Assert.Equal(before, await AppointmentCount(world));
    }

    [Fact]
    public async Task An_nhs111_provider_sees_and_cancels_only_the_appointments_it_booked_not_another_providers()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs111 = await world.ClientAsync(world.Nhs111);
        var otherProvider = await world.ClientAsync(world.OtherNhs111);
        var slot = (await world.FreeSlotsAsync())[0];
        using var booked = await nhs111.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await Json(booked)).GetProperty("id").GetInt64();

        // Not found, as for any appointment a caller may not see: it does not say the appointment exists.
        await AssertProblem(await otherProvider.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative)), HttpStatusCode.NotFound, "appointment-not-found");
        await AssertProblem(await otherProvider.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Patient no longer needs it" }), HttpStatusCode.NotFound, "appointment-not-found");
        Assert.Equal(AppointmentStatus.Booked, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));

        // An NHS 111 account without an organisation cannot book: what it booked could never be found again.
        await world.WithDbAsync(async db =>
        {
            var template = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == world.Nhs111);
            db.Users.Add(new Forward.Domain.Access.UserAccount { UserName = world.Nhs111 + "-no-org", DisplayName = "No organisation", Role = template.Role, PasswordHash = template.PasswordHash });
            return await db.SaveChangesAsync();
        });
        var noOrganisation = await world.ClientAsync(world.Nhs111 + "-no-org");
        var before = await AppointmentCount(world);
        await AssertProblem(await noOrganisation.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking((await world.FreeSlotsAsync())[0].Id, world.PracticeA.OdsCode)), HttpStatusCode.Forbidden, "no-organisation");
        Assert.Equal(before, await AppointmentCount(world));

        // The provider that booked it still sees and cancels it.
        Assert.Equal(HttpStatusCode.OK, (await nhs111.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nhs111.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Patient no longer needs it" })).StatusCode);
    }

    [Fact]
    public async Task A_registered_practice_that_is_not_the_patients_is_refused_not_ignored()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var nhs111 = await world.ClientAsync(world.Nhs111);
        var slots = await world.FreeSlotsAsync();
        var before = await AppointmentCount(world);

        async Task Refused(HttpResponseMessage response, string expected)
        {
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
            Assert.Contains(expected, (await Json(response)).GetProperty("errors").GetProperty("registeredPracticeOds")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(before, await AppointmentCount(world));
        }

        // Practice staff register a new patient at their own practice: another practice's code was silently overridden.
        using (var other = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id, world.PracticeB.OdsCode)))
        {
            await Refused(other, $"your practice ({world.PracticeA.OdsCode})");
        }

        // A patient Forward knows is booked at the practice Forward has, whatever code the booker gives.
        var nhsNumber = TestPatients.NewNhsNumber();
        using (var first = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id, world.PracticeA.OdsCode, nhsNumber)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        before = await AppointmentCount(world);
        var later = slots.First(s => s.StartUtc >= slots[0].EndUtc); // not at the same time as the first booking
        using (var wrong = await nhs111.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(later.Id, world.PracticeB.OdsCode, nhsNumber)))
        {
            await Refused(wrong, $"registered at {world.PracticeA.OdsCode}, not {world.PracticeB.OdsCode}");
        }

        using var right = await nhs111.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(later.Id, world.PracticeA.OdsCode.ToLowerInvariant(), nhsNumber));
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
    }

    [Fact]
    public async Task A_hub_that_does_not_serve_the_patients_practice_is_403()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);
        var slot = (await world.FreeSlotsAsync())[0];

        var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeB.OdsCode));

        await AssertProblem(response, HttpStatusCode.Forbidden, "practice-not-served");
    }

    [Fact]
    public async Task A_patient_cannot_hold_two_overlapping_appointments()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var sameTime = slots.Where(s => s.StartUtc == slots[0].StartUtc).ToList();
        Assert.Equal(2, sameTime.Count); // two GPs in parallel
        var nhs = TestPatients.NewNhsNumber();

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(sameTime[0].Id, nhsNumber: nhs))).StatusCode);
        var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(sameTime[1].Id, nhsNumber: nhs));

        await AssertProblem(response, HttpStatusCode.Conflict, "overlapping-appointment");
    }

    [Fact]
    public async Task Cancelling_frees_the_slot_and_a_stale_if_match_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var booked = await Json(await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id)));
        var id = booked.GetProperty("id").GetInt64();

        var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/appointments/{id}/cancel") { Content = JsonContent.Create(new { reason = "x" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");
        await AssertProblem(await client.SendAsync(stale), HttpStatusCode.Conflict, "version-mismatch");

        // A reason that breaks its rules is said against the field, as every other field's is.
        foreach (var (reason, message) in new[] { (new string('x', 501), "Cancellation reason must be 500 characters or fewer"), ("Moved\u0000away", "Cancellation reason must not contain control characters") })
        {
            using var refused = await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason });
            await AssertProblem(refused, HttpStatusCode.BadRequest, "validation-failed");
            Assert.Equal(message, (await Json(refused)).GetProperty("errors").GetProperty("reason")[0].GetString());
        }

        var cancel = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/appointments/{id}/cancel") { Content = JsonContent.Create(new { reason = "Patient feels better" }) };
        cancel.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
        var cancelled = await client.SendAsync(cancel);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var cancelledJson = await Json(cancelled);
        Assert.Equal("Cancelled", cancelledJson.GetProperty("status").GetString());
        Assert.Equal(world.PracticeStaffA, cancelledJson.GetProperty("cancelledBy").GetString());
        Assert.Equal(JsonValueKind.Null, booked.GetProperty("cancelledBy").ValueKind);
        Assert.Equal(world.PracticeStaffA, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.CancelledBy).SingleAsync()));
        Assert.Equal("W/\"2\"", cancelled.Headers.ETag?.ToString());
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));

        await AssertProblem(await client.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { }), HttpStatusCode.Conflict, "not-booked");

        // The freed slot can be booked again.
        var again = await Json(await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id)));

        // If-Match: * asks only that the appointment exists (RFC 9110); a list of ETags is not taken.
        var list = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/appointments/{again.GetProperty("id").GetInt64()}/cancel") { Content = JsonContent.Create(new { reason = "x" }) };
        list.Headers.TryAddWithoutValidation("If-Match", "W/\"1\", W/\"2\"");
        await AssertProblem(await client.SendAsync(list), HttpStatusCode.UnprocessableEntity, "bad-if-match");
        var any = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/appointments/{again.GetProperty("id").GetInt64()}/cancel") { Content = JsonContent.Create(new { reason = "x" }) };
        any.Headers.TryAddWithoutValidation("If-Match", "*");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(any)).StatusCode);
    }

    [Fact]
    public async Task Attended_and_did_not_attend_only_by_the_hub_and_only_after_the_start()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var hub = await world.ClientAsync(world.HubClinician);
        var otherHub = await world.ClientAsync(world.OtherHubClinician);
        var slot = (await world.FreeSlotsAsync())[0];
        var id = (await Json(await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id)))).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Forbidden, (await practice.PostAsync(new Uri($"/api/v1/appointments/{id}/attended", UriKind.Relative), null)).StatusCode);
        await AssertProblem(await otherHub.PostAsync(new Uri($"/api/v1/appointments/{id}/did-not-attend", UriKind.Relative), null), HttpStatusCode.NotFound, "appointment-not-found");
        await AssertProblem(await hub.PostAsync(new Uri($"/api/v1/appointments/{id}/did-not-attend", UriKind.Relative), null), HttpStatusCode.Conflict, "not-started");

        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(5)))
        {
            hub = await world.ClientAsync(world.HubClinician); // the morning's token has expired by the evening
            var dna = await hub.PostAsync(new Uri($"/api/v1/appointments/{id}/did-not-attend", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, dna.StatusCode);
            var dnaJson = await Json(dna);
            Assert.Equal("DidNotAttend", dnaJson.GetProperty("status").GetString());
            Assert.Equal(world.HubClinician, dnaJson.GetProperty("outcomeRecordedBy").GetString());
            practice = await world.ClientAsync(world.PracticeStaffA);
            Assert.Equal(world.HubClinician, (await Json(await practice.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative)))).GetProperty("outcomeRecordedBy").GetString());
        }
    }

    [Fact]
    public async Task Record_summary_opens_only_with_consent_and_every_attempt_is_audited()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var hub = await world.ClientAsync(world.HubClinician);
        var slots = await world.FreeSlotsAsync();
        var granted = (await Json(await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id, consent: "Granted")))).GetProperty("id").GetInt64();
        var refused = (await Json(await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[2].Id, consent: "Refused")))).GetProperty("id").GetInt64();

        var open = await hub.GetAsync(new Uri($"/api/v1/appointments/{granted}/record", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        var denied = await hub.GetAsync(new Uri($"/api/v1/appointments/{refused}/record", UriKind.Relative));
        await AssertProblem(denied, HttpStatusCode.Forbidden, "no-consent");
        await AssertProblem(await practice.GetAsync(new Uri($"/api/v1/appointments/{granted}/record", UriKind.Relative)), HttpStatusCode.Forbidden, "not-hub-clinician");
        var nhs111 = await world.ClientAsync(world.Nhs111);
        await AssertProblem(await nhs111.GetAsync(new Uri("/api/v1/appointments/999999999/record", UriKind.Relative)), HttpStatusCode.Forbidden, "not-hub-clinician");

        var actions = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.Actor == world.HubClinician && a.Action.StartsWith("record.")).Select(a => a.Action).ToListAsync());
        Assert.Contains("record.view", actions);
        Assert.Contains("record.view-denied", actions);

        // Every other role's attempt is audited as well, whether or not the appointment exists.
        var others = await world.WithDbAsync(db => db.AuditEvents.Where(a => (a.Actor == world.PracticeStaffA || a.Actor == world.Nhs111) && a.Action == "record.view-denied")
            .Select(a => new { a.Actor, a.EntityId, a.Outcome, a.PatientId, a.HubId }).ToListAsync());
        Assert.Contains(others, a => a.Actor == world.PracticeStaffA && a.EntityId == granted.ToString(System.Globalization.CultureInfo.InvariantCulture) && a.Outcome == "denied" && a.PatientId != null && a.HubId == world.HubId);
        Assert.Contains(others, a => a.Actor == world.Nhs111 && a.EntityId == "999999999" && a.Outcome == "denied");
    }

    [Theory]
    [InlineData("{", "bad-request")]
    [InlineData("{\"slotIds\": \"one\"}", "bad-request")]
    [InlineData("{\"slotIds\": [1], \"unknownField\": 1}", "bad-request")]
    [InlineData("{\"slotIds\": [1], \"slotIds\": [2]}", "bad-request")]
    [InlineData("{\"slotIds\": [1], \"consent\": \"Maybe\"}", "bad-request")]
    [InlineData("[]", "bad-request")]
    public async Task Malformed_json_is_400_with_a_problem_and_nothing_written(string json, string code)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var before = await AppointmentCount(world);

        var response = await client.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        await AssertProblem(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(before, await AppointmentCount(world));
    }

    [Fact]
    public async Task Invalid_patient_details_are_400_naming_each_field()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var body = new
        {
            slotIds = new[] { slot.Id },
            patient = new { nhsNumber = "9434765918", givenName = "", familyName = new string('x', 101), dateOfBirth = "2099-01-01", phone = "12" },
            reason = new string('r', 501),
            consent = "Granted",
        };
        var before = await AppointmentCount(world);

        var response = await client.PostAsJsonAsync("/api/v1/appointments", body);

        await AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        var errors = (await Json(response)).GetProperty("errors");
        foreach (var field in new[] { "patient.nhsNumber", "patient.givenName", "patient.familyName", "patient.dateOfBirth", "patient.phone", "reason" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }

        Assert.Equal(before, await AppointmentCount(world));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));
    }

    [Fact]
    public async Task A_reason_is_measured_in_characters_so_an_emoji_counts_once_and_is_stored_whole()
    {
        // 300 emoji are 600 UTF-16 code units but 300 characters, as the varchar(500) column counts them.
        const string Emoji = "\U0001F600";
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var reason = string.Concat(Enumerable.Repeat(Emoji, 300));

        using var booked = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id, nhsNumber: TestPatients.NewNhsNumber(), reason: reason));

        Assert.True(booked.StatusCode == HttpStatusCode.Created, await booked.Content.ReadAsStringAsync());
        var id = (await Json(booked)).GetProperty("id").GetInt64();
        using var readBack = await client.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative));
        Assert.Equal(reason, (await Json(readBack)).GetProperty("reason").GetString());
        Assert.Equal(reason, await world.WithDbAsync(async db => (await db.Appointments.AsNoTracking().SingleAsync(a => a.Id == id)).Reason));

        // One character over the limit is refused against the field, saying the limit in characters.
        var before = await AppointmentCount(world);
        using var refused = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[1].Id, nhsNumber: TestPatients.NewNhsNumber(), reason: string.Concat(Enumerable.Repeat(Emoji, 501))));

        await AssertProblem(refused, HttpStatusCode.BadRequest, "validation-failed");
        var errors = (await Json(refused)).GetProperty("errors");
        Assert.Equal(["reason"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal("Reason for the appointment must be 500 characters or fewer", errors.GetProperty("reason")[0].GetString());
        Assert.Equal(before, await AppointmentCount(world));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slots[1].Id))!.Status));
    }

    [Theory]
    [InlineData("+1 212 555 0100")]
    [InlineData("+353 87 123 4567")]
    public async Task A_phone_number_from_another_country_is_a_400_on_the_phone_field_and_books_nothing(string phone)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhs = TestPatients.NewNhsNumber();

        var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, nhsNumber: nhs, phone: phone));

        await AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(["patient.phone"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("UK phone number", errors.GetProperty("patient.phone")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == nhs)));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));
    }

    [Fact]
    public async Task Validation_errors_name_the_fields_as_the_client_sent_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments")
        {
            Content = JsonContent.Create(new { slotIds = Array.Empty<long>(), patient = TestPatients.Patient(null), consent = "Granted" }),
        };
        request.Headers.Add("Idempotency-Key", new string('k', 101));
        var response = await client.SendAsync(request);
        await AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(["Idempotency-Key", "slotIds"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        // Two keys are refused, not joined into a third that no retry would send.
        var before = await AppointmentCount(world);
        using var twoKeys = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments") { Content = JsonContent.Create(TestPatients.Booking(slot.Id)) };
        twoKeys.Headers.TryAddWithoutValidation("Idempotency-Key", ["first-key", "second-key"]);
        var refused = await client.SendAsync(twoKeys);
        await AssertProblem(refused, HttpStatusCode.BadRequest, "validation-failed");
        Assert.True((await Json(refused)).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(before, await AppointmentCount(world));

        var nhs111 = await world.ClientAsync(world.Nhs111);
        var unknownPractice = await nhs111.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, practiceOds: "ZZ9999"));
        await AssertProblem(unknownPractice, HttpStatusCode.BadRequest, "validation-failed");
        Assert.True((await Json(unknownPractice)).GetProperty("errors").TryGetProperty("registeredPracticeOds", out _));
    }

    [Fact]
    public async Task An_unknown_appointment_is_404_and_impossible_dates_are_400()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);

        await AssertProblem(await client.GetAsync(new Uri("/api/v1/appointments/987654321", UriKind.Relative)), HttpStatusCode.NotFound, "appointment-not-found");
        await AssertProblem(await client.GetAsync(new Uri("/api/v1/slots?from=2026-02-30", UriKind.Relative)), HttpStatusCode.BadRequest, "bad-request");

        var badDob = new { slotIds = new[] { 1 }, patient = new { nhsNumber = "9434765919", givenName = "A", familyName = "B", dateOfBirth = "1980-13-45", phone = "07700900123" }, consent = "Granted" };
        await AssertProblem(await client.PostAsJsonAsync("/api/v1/appointments", badDob), HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task Slot_ids_naming_no_slot_or_one_twice_are_400_on_slotIds_and_book_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        var before = await AppointmentCount(world);

        // Old code: 422 duplicate-slot and 404 slot-not-found (which, to a POST, reads as no such endpoint), neither
        // naming the field, where seven slots were already 400 on slotIds.
        foreach (var (slotIds, code, message) in new (long[] SlotIds, string Code, string Message)[]
        {
            ([slot.Id, slot.Id], "validation-failed", "Give each slot once: the same slot is given more than once"),
            ([-1], "validation-failed", "There is no slot -1"),
            ([slot.Id, 0], "validation-failed", "There is no slot 0"),
            ([987654321], "slot-not-found", "There is no slot 987654321"),
        })
        {
            using var response = await client.PostAsJsonAsync("/api/v1/appointments", new { slotIds, patient = TestPatients.Patient(TestPatients.NewNhsNumber()), consent = "Granted" });
            await AssertProblem(response, HttpStatusCode.BadRequest, code);
            var errors = (await Json(response)).GetProperty("errors");
            Assert.Equal(["slotIds"], errors.EnumerateObject().Select(e => e.Name));
            Assert.Equal(message, errors.GetProperty("slotIds")[0].GetString());
        }

        // Given with other mistakes, a slot id that cannot be one is said with them, before anything is looked up.
        using var several = await client.PostAsJsonAsync("/api/v1/appointments", new { slotIds = new[] { -1L }, patient = TestPatients.Patient("123"), consent = "Granted" });
        await AssertProblem(several, HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(["patient.nhsNumber", "slotIds"], (await Json(several)).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        Assert.Equal(before, await AppointmentCount(world));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));
    }

    /// <summary>An empty date in a query (a form sent with the box left blank) is a date not given, as it always was.</summary>
    [Fact]
    public async Task An_empty_query_date_is_not_given_not_unreadable()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);
        var practice = await world.ClientAsync(world.PracticeStaffA);

        foreach (var (client, url) in new[]
        {
            (commissioner, $"/api/v1/hubs/{world.HubId}/day-list?date="),
            (commissioner, $"/api/v1/compliance?level=ccg&id={world.CcgId}&from=&to="),
            (practice, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=&to="),
        })
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// A value that cannot be read is named as the client sent it, in errors like any other field's, and the answer never
    /// names Forward's own .NET types (old code: "could not be converted to Forward.Web.Booking.PatientDto").
    /// </summary>
    [Theory]
    [InlineData("/api/v1/appointments", "{\"slotIds\": [1], \"patient\": {\"nhsNumber\": \"9434765919\", \"dateOfBirth\": \"1980-02-30\"}}", "patient.dateOfBirth")]
    [InlineData("/api/v1/appointments", "{\"slotIds\": [1], \"consent\": \"Maybe\"}", "consent")]
    [InlineData("/api/v1/appointments", "{\"slotIds\": [1], \"unknownField\": 1}", "unknownField")]
    [InlineData("/api/v1/slots?from=2026-02-30", null, "from")]
    [InlineData("/api/v1/slots?from=08/06/2026", null, "from")] // day first, as in the UK: not read as 6 August
    [InlineData("/api/v1/hubs/1/day-list?date=08/06/2026", null, "date")]
    [InlineData("/api/v1/appointments", "{", null)]
    public async Task A_value_that_cannot_be_read_is_named_in_the_clients_terms(string url, string? json, string? field)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);

        var response = json is null
            ? await client.GetAsync(new Uri(url, UriKind.Relative))
            : await client.PostAsync(new Uri(url, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("Forward.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("DateOnly", body, StringComparison.Ordinal);
        Assert.DoesNotContain("IsoDate", body, StringComparison.Ordinal);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal("bad-request", root.GetProperty("code").GetString());
        if (field is null)
        {
            Assert.False(root.TryGetProperty("errors", out _));
        }
        else
        {
            Assert.Equal([field], root.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task A_patient_known_under_another_name_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var nhs = TestPatients.NewNhsNumber();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id, nhsNumber: nhs))).StatusCode);

        var body = new { slotIds = new[] { slots[4].Id }, patient = TestPatients.Patient(nhs, familyName: "Someoneelse"), consent = "Granted" };
        await AssertProblem(await client.PostAsJsonAsync("/api/v1/appointments", body), HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task Another_practices_patient_is_refused_alike_whatever_details_are_sent()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var nhs = (await Fhir.FhirTestKit.PatientAsync(world, world.PracticeB.Id)).Identifier[0].Value; // registered at practice B

        // Practice A cannot tell from the answer whether it guessed the patient's last name (or date of birth) right.
        var practiceA = await world.ClientAsync(world.PracticeStaffA);
        foreach (var patient in new[] { TestPatients.Patient(nhs), TestPatients.Patient(nhs, familyName: "Someoneelse") })
        {
            var body = new { slotIds = new[] { slots[4].Id }, patient, consent = "Granted" };
            await AssertProblem(await practiceA.PostAsJsonAsync("/api/v1/appointments", body), HttpStatusCode.Forbidden, "other-practice");
        }

        // Naming no real slot answers that, before anything about the patient.
        var noSlot = new { slotIds = new[] { 999_999_999L }, patient = TestPatients.Patient(nhs, familyName: "Someoneelse"), consent = "Granted" };
        await AssertProblem(await practiceA.PostAsJsonAsync("/api/v1/appointments", noSlot), HttpStatusCode.BadRequest, "slot-not-found");
        Assert.Equal(0, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == nhs)));

        // So does naming a taken slot: old code answered 403 for a patient Forward holds at another practice and 409 for
        // any other NHS number, telling which were known without booking anything.
        Assert.Equal(HttpStatusCode.Created, (await practiceA.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[5].Id))).StatusCode);
        foreach (var number in new[] { nhs, TestPatients.NewNhsNumber() })
        {
            var taken = new { slotIds = new[] { slots[5].Id }, patient = TestPatients.Patient(number), consent = "Granted" };
            await AssertProblem(await practiceA.PostAsJsonAsync("/api/v1/appointments", taken), HttpStatusCode.Conflict, "slot-not-free");
        }

        // The two refusals that named the patient are kept under them (old code: no trace), for their practice's commissioner.
        var patientId = await world.WithDbAsync(db => db.Patients.Where(p => p.NhsNumber == nhs).Select(p => p.Id).SingleAsync());
        var denied = await world.WithDbAsync(db => db.AuditEvents
            .Where(e => e.Action == Forward.Domain.Audit.AuditActions.Book && e.Outcome == "denied" && e.PatientId == patientId)
            .Select(e => new { e.Actor, e.PracticeId, e.HubId, e.Detail }).ToListAsync());
        Assert.Equal(2, denied.Count);
        Assert.All(denied, e =>
        {
            Assert.Equal((world.PracticeStaffA, world.PracticeB.Id, slots[4].HubId), (e.Actor, e.PracticeId, e.HubId));
            Assert.StartsWith("other-practice;", e.Detail, StringComparison.Ordinal);
        });

        // A refusal that says nothing about the patient (a hub clinician booking into another hub's slot) leaves no such
        // entry: it would read as a probe of a patient the sender learnt nothing about.
        var otherHubSlot = await world.WithDbAsync(db => db.Slots.Where(s => s.HubId == world.OtherHubId && s.Status == Forward.Domain.Hubs.SlotStatus.Free && s.StartUtc > slots[0].StartUtc).Select(s => s.Id).FirstAsync());
        var hub = await world.ClientAsync(world.HubClinician);
        var intoOtherHub = new { slotIds = new[] { otherHubSlot }, patient = TestPatients.Patient(nhs), registeredPracticeOds = world.PracticeB.OdsCode, consent = "Granted" };
        await AssertProblem(await hub.PostAsJsonAsync("/api/v1/appointments", intoOtherHub), HttpStatusCode.Forbidden, "other-hub");
        Assert.False(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == Forward.Domain.Audit.AuditActions.Book && e.Outcome == "denied" && e.Actor == world.HubClinician)));
    }

    [Fact]
    public async Task Booking_a_slot_in_the_past_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        using (factory.Clock.TravelTo(slot.StartUtc.AddMinutes(1)))
        {
            var client = await world.ClientAsync(world.PracticeStaffA);
            var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
            await AssertProblem(response, HttpStatusCode.UnprocessableEntity, "slot-in-past");
        }
    }

    [Fact]
    public async Task Appointment_of_another_practice_is_not_visible()
    {
        var world = await TestWorld.CreateAsync(factory);
        var a = await world.ClientAsync(world.PracticeStaffA);
        var b = await world.ClientAsync(world.PracticeStaffB);
        var slot = (await world.FreeSlotsAsync())[0];
        var id = (await Json(await a.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id)))).GetProperty("id").GetInt64();

        await AssertProblem(await b.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative)), HttpStatusCode.NotFound, "appointment-not-found");
        await AssertProblem(await b.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { }), HttpStatusCode.NotFound, "appointment-not-found");
        Assert.Equal(AppointmentStatus.Booked, await world.WithDbAsync(async db => (await db.Appointments.FindAsync(id))!.Status));
    }
}
