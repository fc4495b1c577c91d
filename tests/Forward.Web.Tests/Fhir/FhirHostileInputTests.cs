// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Serialization;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>
/// The FHIR write endpoints get real FHIR: a valid GP Connect booking (POST) and a valid amendment of a booked appointment
/// (PUT, version-aware), each with one element at a time — every element, inside the contained organisation, the
/// extension and the participant array too — replaced by a hostile value (see <see cref="HostileInputTests"/>). Every
/// answer is valid FHIR (checked by <see cref="CheckingHandler"/>); a refusal is an OperationOutcome and changes nothing
/// (<see cref="FhirTestKit.SnapshotAsync"/>); nothing answers 500; and every booking left in the database is whole.
/// </summary>
public sealed class FhirHostileInputTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Every_element_of_a_booking_and_an_amendment_made_hostile_is_refused_cleanly_or_accepted_whole()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        using var raw = new HttpClient(handler, disposeHandler: false) { BaseAddress = factory.Server.BaseAddress };
        var patient = await FhirTestKit.PatientAsync(world);
        var free = new Queue<Forward.Domain.Hubs.Slot>(await world.FreeSlotsAsync());
        var serializer = new FhirJsonSerializer();
        var failures = new List<string>();
        var sent = 0;

        async Task<HttpStatusCode?> SendAsync(HttpMethod method, string url, JsonObject body, string? ifMatch)
        {
            var before = await FhirTestKit.SnapshotAsync(world);
            using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/fhir+json") };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            sent++;
            HttpResponseMessage response;
            try
            {
                response = await raw.SendAsync(request);
            }
            catch (InvalidOperationException e)
            {
                failures.Add($"{method} {Shorten(body.ToJsonString())}: {Shorten(e.Message)}");
                return null;
            }

            var changed = await FhirTestKit.SnapshotAsync(world) != before;
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{method} {Shorten(body.ToJsonString())} → {(int)response.StatusCode} {Shorten(handler.LastBody ?? string.Empty)}");
            }
            else if (response.StatusCode == HttpStatusCode.Conflict)
            {
                // Every body is built on a free slot for a patient with nothing booked then: a conflict means the base went stale.
                failures.Add($"{method} {Shorten(body.ToJsonString())} → 409 {Shorten(handler.LastBody ?? string.Empty)}");
            }
            else if (!response.IsSuccessStatusCode && (changed || !(handler.LastBody ?? string.Empty).Contains("\"OperationOutcome\"", StringComparison.Ordinal)))
            {
                failures.Add($"{method} {Shorten(body.ToJsonString())} → {(int)response.StatusCode}, changed: {changed}, body: {Shorten(handler.LastBody ?? string.Empty)}");
            }

            return response.StatusCode;
        }

        // Booking: one hostile element at a time. An accepted booking takes its slot and gives its patient an appointment
        // at that time (the next slot may start at the same time, with the other clinician), so the next body gets a
        // fresh slot and a fresh patient: a refusal then is the mutation's doing, never a stale base's.
        var slot = free.Dequeue();
        JsonObject Booking() => (JsonObject)JsonNode.Parse(serializer.SerializeToString(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode)))!;
        var bookingPaths = Paths(Booking()).ToList();
        var booked = 0;
        foreach (var path in bookingPaths)
        {
            foreach (var value in HostileInputTests.Hostile)
            {
                var body = Booking();
                Set(body, path, value?.DeepClone());
                if (await SendAsync(HttpMethod.Post, "/fhir/Appointment", body, ifMatch: null) is HttpStatusCode.Created or HttpStatusCode.OK)
                {
                    booked++;
                    slot = free.Dequeue();
                    patient = await FhirTestKit.PatientAsync(world);
                }
            }
        }

        // Amendment: the appointment as read back, with its version; an accepted change moves the version on, and an
        // accepted cancellation needs a new appointment to amend.
        async Task<(string Id, JsonObject Body, string Version)> BookedAsync()
        {
            var created = await client.CreateAsync(FhirTestKit.Booking(free.Dequeue(), (await FhirTestKit.PatientAsync(world)).Id, world.PracticeA.OdsCode));
            return (created.Id, (JsonObject)JsonNode.Parse(serializer.SerializeToString(created))!, created.Meta.VersionId);
        }

        var current = await BookedAsync();
        var amendPaths = Paths(current.Body).ToList();
        var amended = 0;
        foreach (var path in amendPaths)
        {
            foreach (var value in HostileInputTests.Hostile)
            {
                var body = (JsonObject)current.Body.DeepClone();
                Set(body, path, value?.DeepClone());
                if (await SendAsync(HttpMethod.Put, $"/fhir/Appointment/{current.Id}", body, $"W/\"{current.Version}\"") is HttpStatusCode.OK)
                {
                    amended++;
                    var read = await client.ReadAsync<FhirAppointment>($"Appointment/{current.Id}");
                    current = read.Status == FhirAppointment.AppointmentStatus.Cancelled
                        ? await BookedAsync()
                        : (current.Id, (JsonObject)JsonNode.Parse(serializer.SerializeToString(read))!, read.Meta.VersionId);
                }
            }
        }

        Assert.True(bookingPaths.Count >= 20 && amendPaths.Count >= 20, $"only {bookingPaths.Count} booking and {amendPaths.Count} amendment elements");
        Assert.True(booked >= 10 && amended >= 3, $"{booked} bookings and {amended} amendments accepted: the valid bases must get through when the mutation is harmless");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent}:\n" + string.Join('\n', failures.Take(20)));
        await world.WithDbAsync(async db => await Reliability.BookingIntegrity.AssertEveryBookingWholeAsync(db, world.HubId));
    }

    /// <summary>Every element's path, objects and arrays alike: property names and array indexes.</summary>
    private static IEnumerable<object[]> Paths(JsonNode node, object[]? prefix = null)
    {
        prefix ??= [];
        IEnumerable<(object Step, JsonNode? Child)> children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)),
            JsonArray a => a.Select((child, i) => ((object)i, child)),
            _ => [],
        };
        foreach (var (step, child) in children)
        {
            object[] path = [.. prefix, step];
            yield return path;
            if (child is JsonObject or JsonArray)
            {
                foreach (var nested in Paths(child, path))
                {
                    yield return nested;
                }
            }
        }
    }

    private static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var target = root;
        foreach (var step in path[..^1])
        {
            target = step is int i ? target[i]! : target[(string)step]!;
        }

        if (path[^1] is int index)
        {
            target[index] = value;
        }
        else
        {
            target[(string)path[^1]] = value;
        }
    }

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;
}
