// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Net;
using System.Text;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>A body is FHIR R4 or refused.</summary>
public sealed class FhirBookingContentTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
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
}
