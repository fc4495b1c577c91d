using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Audit;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Observability;

/// <summary>
/// Booking and free-slot search emit an activity and metrics under the "Forward" source and meter, with the outcome
/// (booked, conflict) and no patient data in any tag. Listens in-process, as an OpenTelemetry exporter would.
/// </summary>
public sealed class TelemetryTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Theory]
    [InlineData("collector:4318")]
    [InlineData("not a url")]
    [InlineData("ftp://collector/")]
    public void An_otlp_endpoint_that_is_not_an_http_url_stops_start_up_and_names_the_setting(string endpoint)
    {
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("Forward:Telemetry:OtlpEndpoint", endpoint));
        var refused = Assert.Throws<InvalidOperationException>(() => configured.CreateClient());
        Assert.Contains("Forward:Telemetry:OtlpEndpoint", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Booking_and_search_emit_activities_and_metrics_with_outcomes_and_no_patient_data()
    {
        var world = await TestWorld.CreateAsync(factory);
        var activities = new ConcurrentQueue<Activity>();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Forward",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(activityListener);
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Forward")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
            measurements.Enqueue((instrument.Name, value, new Dictionary<string, object?>(tags.ToArray())));
        meterListener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        meterListener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        meterListener.Start();

        var practice = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await practice.GetAsync(new Uri($"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-09", UriKind.Relative))).StatusCode);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhsNumber = TestPatients.NewNhsNumber();
        var created = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode, nhsNumber));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var appointmentId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Conflict, (await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode))).StatusCode);
        meterListener.RecordObservableInstruments();

        var bookings = activities.Where(a => a.OperationName == "booking.book").ToList();
        Assert.Contains(bookings, a => Equals(a.GetTagItem("forward.outcome"), "booked") && Equals(a.GetTagItem("forward.channel"), "Practice"));
        Assert.Contains(bookings, a => Equals(a.GetTagItem("forward.outcome"), "conflict"));

        // The group writer's span (the database work) links back to the request it wrote for.
        var trace = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.Book && e.EntityId == appointmentId).Select(e => e.TraceId).SingleAsync());
        var booked = Assert.Single(bookings, a => a.TraceId.ToString() == trace);
        var write = Assert.Single(activities, a => a.OperationName == "booking.write" && a.Links.Any(l => l.Context.SpanId == booked.SpanId));
        Assert.True(write.GetTagItem("forward.booked") is int written && written >= 1, "the write span counts what it booked");
        // Listeners are process-wide and other test classes run alongside, so look for ours rather than count.
        Assert.Contains(activities, a => a.OperationName == "slots.search" && a.GetTagItem("forward.slots") is int found && found > 0);

        Assert.Contains(measurements, m => m.Instrument == "forward.bookings" && Equals(m.Tags["forward.outcome"], "booked") && m.Value == 1);
        Assert.Contains(measurements, m => m.Instrument == "forward.bookings" && Equals(m.Tags["forward.outcome"], "conflict"));
        Assert.Contains(measurements, m => m.Instrument == "forward.booking.duration" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "forward.slot_search.duration" && m.Value > 0);

        var allTags = activities.SelectMany(a => a.TagObjects.Select(t => t.Value?.ToString() ?? string.Empty))
            .Concat(measurements.SelectMany(m => m.Tags.Values.Select(v => v?.ToString() ?? string.Empty)));
        Assert.DoesNotContain(allTags, t => t.Contains(nhsNumber, StringComparison.Ordinal) || t.Contains("Testperson", StringComparison.Ordinal));
    }
}
