// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Globalization;
using System.Net;
using System.Text;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>A body is FHIR R4 or refused; an id too large for any record is answered as any other id that names nothing.</summary>
public sealed class FhirBookingContentTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

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
