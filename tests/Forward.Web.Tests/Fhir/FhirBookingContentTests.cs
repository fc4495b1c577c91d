// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Globalization;
using System.Net;
using System.Text;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>
/// A booking is taken as sent or refused, never rewritten; a body is FHIR R4 or refused; an id too large for any record
/// is answered as any other id that names nothing.
/// </summary>
public sealed class FhirBookingContentTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

    [Fact]
    public async Task A_booking_whose_participants_have_not_all_accepted_or_are_not_all_required_is_refused_naming_the_element()
    {
        var (world, nhs111, booking) = await NhsBookingAsync();

        // Old code: 201, and the appointment read back said both had accepted.
        var declined = booking();
        declined.Participant[0].Status = ParticipationStatus.Declined;
        declined.Participant[1].Status = ParticipationStatus.Declined;
        await RefusedAsync(world, nhs111, declined, "participant.status");

        // GP Connect books a confirmed appointment into a free slot: a participant yet to answer has not accepted it either.
        foreach (var status in new[] { ParticipationStatus.Tentative, ParticipationStatus.NeedsAction })
        {
            var pending = booking();
            pending.Participant[2].Status = status;
            await RefusedAsync(world, nhs111, pending, "participant.status");
        }

        foreach (var required in new[] { FhirAppointment.ParticipantRequired.Optional, FhirAppointment.ParticipantRequired.InformationOnly })
        {
            var optional = booking();
            optional.Participant[0].Required = required;
            await RefusedAsync(world, nhs111, optional, "participant.required");
        }

        var agreed = booking();
        foreach (var participant in agreed.Participant)
        {
            participant.Required = FhirAppointment.ParticipantRequired.Required;
        }

        var booked = await nhs111.CreateAsync(agreed);
        Assert.All(booked.Participant, p => Assert.Equal(ParticipationStatus.Accepted, p.Status));
    }

    [Fact]
    public async Task A_booking_whose_minutes_duration_is_not_its_slots_is_refused()
    {
        var (world, nhs111, booking) = await NhsBookingAsync();

        // Old code: 201, read back with no minutesDuration.
        var longer = booking();
        longer.MinutesDuration = 999;
        await RefusedAsync(world, nhs111, longer, "minutesDuration");

        var agreed = booking();
        agreed.MinutesDuration = (int)(agreed.End!.Value - agreed.Start!.Value).TotalMinutes;
        Assert.NotNull(await nhs111.CreateAsync(agreed));
    }

    [Fact]
    public async Task A_booking_created_in_the_future_is_refused_but_a_clock_a_few_minutes_fast_is_allowed()
    {
        var (world, nhs111, booking) = await NhsBookingAsync();

        // Old code: 201, read back with created as the server's time.
        var future = booking();
        future.Created = "2099-01-01";
        await RefusedAsync(world, nhs111, future, "created");
        var aQuarterHourAhead = booking();
        aQuarterHourAhead.Created = new FhirDateTime(factory.Clock.GetUtcNow().AddMinutes(15)).Value;
        await RefusedAsync(world, nhs111, aQuarterHourAhead, "created");

        var fast = booking();
        fast.Created = new FhirDateTime(factory.Clock.GetUtcNow().AddMinutes(4)).Value;
        Assert.NotNull(await nhs111.CreateAsync(fast));
    }

    /// <summary>
    /// A dateTime may be a date, a month or a year alone: booked when it has begun by London's today (Mon 8 June 2026),
    /// refused when it is still to come. The first refusal of future ones said these "must be a dateTime".
    /// </summary>
    [Theory]
    [InlineData("2026-06-08", true)]
    [InlineData("2026-06-07", true)]
    [InlineData("2026-06", true)]
    [InlineData("2026", true)]
    [InlineData("2026-06-09", false)]
    [InlineData("2027", false)]
    public async Task A_booking_created_on_a_date_alone_is_booked_unless_that_date_is_to_come(string created, bool booked)
    {
        var (world, nhs111, booking) = await NhsBookingAsync();
        var appointment = booking();
        appointment.Created = created;
        if (booked)
        {
            Assert.NotNull(await nhs111.CreateAsync(appointment));
        }
        else
        {
            var outcome = await FhirTestKit.ExpectErrorAsync(world, () => nhs111.CreateAsync(appointment), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
            Assert.Contains("is in the future", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        }
    }

    /// <summary>NHS 111 booking the world's first free slot for a new patient; each call gives a fresh valid booking.</summary>
    private async Task<(TestWorld World, Hl7.Fhir.Rest.FhirClient Client, Func<FhirAppointment> Booking)> NhsBookingAsync()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (nhs111, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync())[0];
        return (world, nhs111, () => FhirTestKit.Booking(slot, patient.Id, "Y111"));
    }

    private static async Task RefusedAsync(TestWorld world, Hl7.Fhir.Rest.FhirClient client, FhirAppointment booking, string element)
    {
        var outcome = await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(booking), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
        Assert.Contains(element, outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/fhir+json; fhirVersion=3.0", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/fhir+json; fhirVersion=1.0.2", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/fhir+json; fhirVersion=4.01", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; fhirVersion=\"3.0\"", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/fhir+json; fhirVersion=4.0", HttpStatusCode.Created)]
    [InlineData("application/fhir+json; fhirVersion=4.0.1; charset=utf-8", HttpStatusCode.Created)]
    public async Task A_body_declared_as_another_fhir_version_is_refused_for_a_booking_and_an_update(string contentType, HttpStatusCode expected)
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = factory.Server.BaseAddress };
        var slots = await world.FreeSlotsAsync();
        var serializer = new FhirJsonSerializer();

        async Task<HttpStatusCode> SendAsync(HttpMethod method, string url, Resource body, string ifMatch = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(serializer.SerializeToString(body))) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            var before = await FhirTestKit.SnapshotAsync(world);
            var response = await raw.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.UnsupportedMediaType)
            {
                FhirTestKit.AssertOutcome(new FhirJsonDeserializer().Deserialize<OperationOutcome>(handler.LastBody), "UNSUPPORTED_MEDIA_TYPE");
                Assert.Contains("fhirVersion", handler.LastBody, StringComparison.Ordinal);
                Assert.Equal(before, await FhirTestKit.SnapshotAsync(world));
            }

            return response.StatusCode;
        }

        // Old code: an STU3 body was booked (201), though an Accept asking for STU3 is refused (406).
        var patient = await FhirTestKit.PatientAsync(world);
        Assert.Equal(expected, await SendAsync(HttpMethod.Post, "/fhir/Appointment", FhirTestKit.Booking(slots[0], patient.Id, world.PracticeA.OdsCode)));

        var booked = await client.CreateAsync(FhirTestKit.Booking(slots.First(s => s.StartUtc >= slots[0].EndUtc), (await FhirTestKit.PatientAsync(world)).Id, world.PracticeA.OdsCode));
        booked.Description = "Amended";
        Assert.Equal(expected == HttpStatusCode.Created ? HttpStatusCode.OK : expected, await SendAsync(HttpMethod.Put, $"/fhir/Appointment/{booked.Id}", booked, $"W/\"{booked.Meta.VersionId}\""));
    }

    [Fact]
    public async Task A_booking_naming_a_location_or_patient_id_too_large_for_any_record_is_answered_as_for_any_unknown_id()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync())[0];

        // Old code: Location/2147483648 was 404 NO_RECORD_FOUND 'There is no location', Location/999999 422.
        foreach (var location in new[] { "999999", "2147483648" })
        {
            var elsewhere = FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode);
            elsewhere.Participant[1].Actor = new ResourceReference("Location/" + location);
            var outcome = await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(elsewhere), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
            Assert.Equal($"The location participant must be the slots' hub, Location/{slot.HubId.ToString(CultureInfo.InvariantCulture)}.", outcome.Issue[0].Diagnostics);
        }

        // Both PATIENT_NOT_FOUND, and both told how to find the patient's id.
        foreach (var unknown in new[] { "999999", "99999999999" })
        {
            var outcome = await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slot, unknown, world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
            Assert.StartsWith($"There is no patient {unknown} that you may book for.", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_patients_appointments_searched_by_an_id_too_large_for_any_patient_are_answered_as_for_any_unknown_patient()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);

        // Old code: patient=Patient/99999999999 was 422 INVALID_PARAMETER "'patient' must be Patient/{id} or {id}", and
        // Patient/99999999999/Appointment 404 NO_RECORD_FOUND (no such route).
        var range = $"start=ge{Today:yyyy-MM-dd}&start=le{Today.AddDays(7):yyyy-MM-dd}";
        foreach (var unknown in new[] { "999999", "99999999999" })
        {
            foreach (var search in new[] { $"Appointment?patient=Patient/{unknown}&{range}", $"Appointment?patient={unknown}&{range}", $"Patient/{unknown}/Appointment?{range}" })
            {
                var outcome = await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync(search), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
                Assert.Equal($"There is no patient {unknown}.", outcome.Issue[0].Diagnostics);
            }

            // A bad window is still refused first, as for any patient.
            await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync($"Appointment?patient=Patient/{unknown}&start=ge{Today:yyyy-MM-dd}"), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        }
    }
}
