using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Web.Tests.Fhir;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Forward.Web.Tests.Observability;

/// <summary>
/// No patient data in logs: a booking journey (book through the API, the booking page and FHIR, find the patient and
/// their appointments by NHS number through FHIR, read it back, record access, cancel) runs with every category
/// logging at Debug, and every message and every structured value written, and every tag of every trace span, is
/// scanned for the patient's NHS number, names, phone number and date of birth; so is every body the OTLP exporter sends
/// to a collector.
/// </summary>
public sealed class LogPrivacyTests : IClassFixture<LogPrivacyTests.CapturingFactory>
{
    private readonly CapturingFactory factory;

    public LogPrivacyTests(CapturingFactory factory) => this.factory = factory;

    [Fact]
    public async Task A_booking_journey_logs_no_nhs_number_name_phone_or_date_of_birth()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhsNumber = TestPatients.NewNhsNumber();
        const string given = "Zanzibarra";
        const string family = "Quixotelli";
        const string phone = "07700 900 981";
        var slots = await world.FreeSlotsAsync();
        factory.Lines.Clear();

        // Traces too: every span the journey makes (the HTTP server spans OpenTelemetry fills in, with their URL and
        // query, and Forward's own), with every tag.
        var spans = new ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Enqueue($"{a.Source.Name} {a.DisplayName}: {string.Join("; ", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var practice = await world.ClientAsync(world.PracticeStaffA);
        var booked = await practice.PostAsJsonAsync("/api/v1/appointments", new
        {
            slotIds = new[] { slots[0].Id },
            patient = new { nhsNumber, givenName = given, familyName = family, dateOfBirth = "1961-02-27", phone },
            registeredPracticeOds = world.PracticeA.OdsCode,
            reason = "Rash on forearm",
            consent = "Granted",
        });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // A failed attempt too: errors are where identifiers tend to leak into messages.
        Assert.Equal(HttpStatusCode.Conflict, (await practice.PostAsJsonAsync("/api/v1/appointments", new
        {
            slotIds = new[] { slots[0].Id },
            patient = new { nhsNumber, givenName = given, familyName = family, dateOfBirth = "1961-02-27", phone },
            registeredPracticeOds = world.PracticeA.OdsCode,
            consent = "Granted",
        })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await practice.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative))).StatusCode);
        var clinician = await world.ClientAsync(world.HubClinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync(new Uri($"/api/v1/appointments/{id}/record", UriKind.Relative))).StatusCode);
        using (var pages = await PageClient.SignedInAsync(factory, world.HubClinician))
        {
            Assert.Contains(family, (await pages.GetAsync($"/Hubs/DayList?date=2026-06-08")).Html, StringComparison.Ordinal);
        }

        // The same patient booked again through the booking page and through FHIR (found there by NHS number, as GP
        // Connect does, with the number in the query string), each into a slot after the last.
        var later = slots.Where(s => s.StartUtc >= slots[0].EndUtc).GroupBy(s => s.StartUtc).Select(g => g.First()).ToList();
        using (var pages = await PageClient.SignedInAsync(factory, world.PracticeStaffA))
        {
            var book = $"/Booking/Book?SlotId={later[0].Id}&Practice={world.PracticeA.OdsCode}";
            var form = await pages.PostFormAsync(book, new Dictionary<string, string>
            {
                ["SlotId"] = later[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Practice"] = world.PracticeA.OdsCode,
                ["Input.NhsNumber"] = nhsNumber,
                ["Input.GivenName"] = given,
                ["Input.FamilyName"] = family,
                ["Input.DateOfBirth"] = "1961-02-27",
                ["Input.Phone"] = phone,
                ["Input.Reason"] = "Rash again",
                ["Input.Consent"] = "Granted",
            });
            Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        }

        var (fhir, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var found = await fhir.SearchAsync<Hl7.Fhir.Model.Patient>(new Hl7.Fhir.Rest.SearchParams().Add("identifier", $"{FhirTestKit.NhsNumberSystem}|{nhsNumber}"));
        var patientId = Assert.Single(found!.Entry).Resource!.Id!;
        Assert.NotNull(await fhir.CreateAsync(FhirTestKit.Booking(later[1], patientId, world.PracticeA.OdsCode, description: "Rash follow-up")));
        var today = DateOnly.FromDateTime(ForwardFactory.DefaultNow.UtcDateTime);
        Assert.NotNull(await fhir.SearchAsync<Hl7.Fhir.Model.Appointment>(new Hl7.Fhir.Rest.SearchParams()
            .Add("patient.identifier", $"{FhirTestKit.NhsNumberSystem}|{nhsNumber}")
            .Add("start", $"ge{today:yyyy-MM-dd}").Add("start", $"le{today.AddDays(13):yyyy-MM-dd}")));

        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" })).StatusCode);

        var lines = factory.Lines.ToList();
        Assert.True(lines.Count > 20, $"expected the journey to log something at Debug, got {lines.Count} lines");
        string[] secrets = [nhsNumber, nhsNumber[..3] + " " + nhsNumber[3..6] + " " + nhsNumber[6..], given, family, phone, phone.Replace(" ", string.Empty, StringComparison.Ordinal), "1961-02-27", "27/02/1961"];
        // Requests are still logged, by HTTP logging, with their path but not their query.
        Assert.Contains(lines, l => l.Contains("HttpLogging", StringComparison.Ordinal) && l.Contains("/fhir/Patient", StringComparison.Ordinal));
        var leaks = lines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase))).Take(5).ToList();
        Assert.True(leaks.Count == 0, "Patient data in logs:\n" + string.Join('\n', leaks));

        var spanLines = spans.ToList();
        Assert.Contains(spanLines, l => l.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && l.Contains("url.path=/fhir/Patient", StringComparison.Ordinal) && l.Contains("url.query", StringComparison.Ordinal));
        var spanLeaks = spanLines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase))).Take(5).ToList();
        Assert.True(spanLeaks.Count == 0, "Patient data in traces:\n" + string.Join('\n', spanLeaks));

        // And what actually leaves the server: the OTLP exporter's traces and metrics, as a collector receives them. Every
        // test host in this process shares Forward's activity source and meter, so one request of this host's own, with
        // a user agent no other test sends, shows that this host's exporter sent this host's spans.
        var marker = "forward-log-privacy-" + Guid.NewGuid().ToString("N");
        using (var marked = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hubs"))
        {
            marked.Headers.UserAgent.ParseAdd(marker);
            Assert.Equal(HttpStatusCode.OK, (await practice.SendAsync(marked)).StatusCode);
        }

        await factory.Collector.WaitUntilAsync(
            () => factory.Collector.Has("/v1/traces", "booking.book") && factory.Collector.Has("/v1/traces", marker) && factory.Collector.Has("/v1/metrics", "forward."),
            TimeSpan.FromSeconds(20));

        var exported = factory.Collector.Received.ToList();
        Assert.True(factory.Collector.Has("/v1/traces", "booking.book"), $"no booking span reached the collector; it got {string.Join(", ", exported.Select(r => r.Path))}");
        Assert.True(factory.Collector.Has("/v1/traces", marker), "this host's request span did not reach the collector");
        Assert.True(factory.Collector.Has("/v1/metrics", "forward."), "no Forward metric reached the collector");
        var exportLeaks = exported.Where(r => secrets.Any(s => OtlpReceiver.Contains(r.Body, s))).Select(r => r.Path).ToList();
        Assert.True(exportLeaks.Count == 0, "Patient data exported to " + string.Join(", ", exportLeaks));
    }

    /// <summary>
    /// The normal test host with every category at Debug and a provider that keeps every line, exporting its traces and
    /// metrics over OTLP/HTTP to a stand-in collector, flushed every few hundred milliseconds.
    /// </summary>
    public sealed class CapturingFactory : ForwardFactory
    {
        private readonly LogCapture capture = new();

        public ConcurrentQueue<string> Lines => capture.Lines;

        public OtlpReceiver Collector { get; } = new();

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                Collector.Dispose();
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Logging:LogLevel:Default", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Debug");

            // A provider's own setting outranks the general ones: the request lines must stay off under it too.
            builder.UseSetting("Logging:Capture:LogLevel:Default", "Debug");
            builder.UseSetting("Forward:Telemetry:OtlpEndpoint", Collector.Url);
            builder.UseSetting("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
            builder.UseSetting("OTEL_BSP_SCHEDULE_DELAY", "200");
            builder.UseSetting("OTEL_METRIC_EXPORT_INTERVAL", "300");
            builder.ConfigureLogging(logging => logging.AddProvider(capture));
        }
    }
}
