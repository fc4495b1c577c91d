using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Booking;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Malformed and hostile payloads at every JSON and FHIR endpoint that accepts a body, and at the booking forms: wrong
/// types, nulls, negative and huge numbers, huge strings, control and bidi characters, duplicate keys, deep nesting,
/// broken JSON, the wrong content type. The endpoints come from the app's route table, so new ones are covered too.
/// Nothing may answer 500, and nothing may be half-written: a request that is refused changes none of the rows a
/// booking writes, and since some mutations are legitimately accepted (a name with accents and emoji is a name; cancel
/// takes an optional body) the database must also be consistent afterwards — every appointment holds its slots, every
/// held slot is marked booked, no slot is held twice.
/// </summary>
public sealed partial class HostileInputTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    internal static readonly JsonNode?[] Hostile =
    [
        null,
        -1,
        long.MinValue,
        1e308,
        true,
        string.Empty,
        new string('9', 100_000),
        "\u202Eevil\u0000\u0007\uFFFF",
        "😀🇬🇧 Zoë O'Brien-Ñúñez",
        "<script>alert(1)</script>",
        "'; DROP TABLE \"Appointments\"; --",
        new JsonArray(1, "two", null),
        new JsonObject { ["$ref"] = "#" },
    ];

    /// <summary>Raw bodies that are not the JSON an endpoint expects at all.</summary>
    private static readonly string[] Broken =
    [
        "{",
        "[]",
        "null",
        "\"just a string\"",
        "{\"slotIds\":[1],\"slotIds\":\"twice\"}",
        new string('[', 5000) + new string(']', 5000),
        "{\"a\":" + new string('9', 400) + "}",
        "\uFEFF{\"reason\":\"bom\"}",
    ];

    private static JsonObject ValidBooking(long slotId) => new()
    {
        ["slotIds"] = new JsonArray(slotId),
        ["patient"] = new JsonObject
        {
            ["nhsNumber"] = TestPatients.NewNhsNumber(),
            ["givenName"] = "Fuzz",
            ["familyName"] = "Testperson",
            ["dateOfBirth"] = "1980-01-01",
            ["phone"] = "07700 900000",
        },
        ["registeredPracticeOds"] = "T00",
        ["reason"] = "Fuzzing",
        ["consent"] = "Granted",
    };

    /// <summary>Every way of spoiling one field of a valid booking, one field at a time (nested fields too).</summary>
    private static IEnumerable<JsonObject> Mutations(JsonObject valid)
    {
        foreach (var path in Paths(valid, string.Empty))
        {
            foreach (var value in Hostile)
            {
                var copy = (JsonObject)valid.DeepClone();
                Set(copy, path, value?.DeepClone());
                yield return copy;
            }
        }
    }

    private static IEnumerable<string> Paths(JsonObject node, string prefix)
    {
        foreach (var (key, value) in node)
        {
            var path = prefix.Length == 0 ? key : prefix + "." + key;
            yield return path;
            if (value is JsonObject child)
            {
                foreach (var nested in Paths(child, path))
                {
                    yield return nested;
                }
            }
        }
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var target = root;
        foreach (var part in parts[..^1])
        {
            target = (JsonObject)target[part]!;
        }

        target[parts[^1]] = value;
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_told_to_send_json_signed_in_or_not()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var anonymous = factory.CreateClient();

        // Old code: the sign-in posted as a form heard 401 "Unauthorized", as if the password were wrong.
        using var form = await anonymous.PostAsync(
            new Uri("/api/v1/auth/token", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = world.Nhs111, ["password"] = ForwardFactory.DemoPassword }));
        await AssertUnsupportedAsync(form);

        // Old code: a body with no Content-Type at all was 415 with code bad-request and nothing said about the type.
        var client = await world.ClientAsync(world.PracticeStaffA);
        using var untyped = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"slotIds\":[1]}"));
        await AssertUnsupportedAsync(await client.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), untyped));
        using var text = new StringContent("{\"slotIds\":[1]}", Encoding.UTF8, "text/plain");
        await AssertUnsupportedAsync(await client.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), text));

        // An anonymous JSON caller of an endpoint that needs a sign-in is still told that.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/appointments", new { })).StatusCode);

        static async Task AssertUnsupportedAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("unsupported-media-type", problem.RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Hostile_json_at_every_api_and_fhir_endpoint_with_a_body_never_answers_500_or_writes_anything()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = await world.FreeSlotsAsync();
        var clients = new[] { await world.ClientAsync(world.PracticeStaffA), await world.ClientAsync(world.Nhs111), await world.ClientAsync(world.HubClinician) };

        // Each request gets a slot nobody has booked yet and a patient of its own (the stand-ins are swapped for them), so
        // a mutation meets the checks behind "that slot is taken" instead of stopping there.
        const long SlotStandIn = 987_654_321_987;
        var valid = ValidBooking(SlotStandIn);
        valid["registeredPracticeOds"] = world.PracticeA.OdsCode;
        var nhsStandIn = valid["patient"]!["nhsNumber"]!.GetValue<string>();
        var payloads = Mutations(valid).Select(m => (Body: m.ToJsonString(), Type: "application/json"))
            .Concat(Broken.Select(b => (Body: b, Type: "application/json")))
            .Concat([(Body: valid.ToJsonString(), Type: "text/plain"), (Body: "<xml/>", Type: "application/xml")])
            .ToList();

        var failures = new List<string>();
        var sent = 0;
        var nextSlot = 0;
        foreach (var (method, route) in BodyEndpoints())
        {
            var url = route.Replace("{id:long}", "1", StringComparison.Ordinal).Replace("{id:int}", "1", StringComparison.Ordinal);
            if (url.Contains('{', StringComparison.Ordinal))
            {
                failures.Add($"{method} {route}: no value for a route parameter; teach this test about it");
                continue;
            }

            foreach (var (template, type) in payloads)
            {
                var slotId = free[nextSlot % free.Count].Id;
                var body = template.Replace(SlotStandIn.ToString(System.Globalization.CultureInfo.InvariantCulture), slotId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    .Replace(nhsStandIn, TestPatients.NewNhsNumber(), StringComparison.Ordinal);
                var fhir = route.StartsWith("/fhir", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(new HttpMethod(method), url)
                {
                    Content = new StringContent(body, Encoding.UTF8, fhir && type == "application/json" ? "application/fhir+json" : type),
                };
                if (fhir)
                {
                    request.Headers.Add("Ssp-TraceID", Guid.NewGuid().ToString());
                }

                var client = clients[sent++ % clients.Length];
                var before = await CountsAsync();
                using var response = await client.SendAsync(request);
                var after = await CountsAsync();
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{method} {route} [{type}] {Shorten(body)} → {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
                }
                else if (!response.IsSuccessStatusCode && after != before)
                {
                    failures.Add($"{method} {route} [{type}] {Shorten(body)} → {(int)response.StatusCode} but wrote {before} → {after}");
                }
                else if (response.IsSuccessStatusCode && after.BookedSlots != before.BookedSlots)
                {
                    nextSlot++;
                }
            }
        }

        Assert.True(sent > 200, $"only {sent} requests were sent");
        Assert.True(nextSlot > 0, "no mutation was accepted, so none got past the first checks; the payloads need a valid base");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        await AssertConsistentAsync();
    }

    /// <summary>
    /// Bookings are written in groups, so one that the database would refuse (PostgreSQL refuses a NUL in text; a column
    /// has a length) would fail every booking written with it. Each such value must be refused on its own, up front, on
    /// a free slot (the sweep above mostly meets a slot already taken, refused before any write). The JSON API takes a
    /// reason; description, comment and booking organisation come through FHIR, so those are given to the booking
    /// service as the FHIR endpoint gives them.
    /// </summary>
    [Theory]
    [InlineData("Reason", "Cough\u0000")]
    [InlineData("Comment", "\u0007")]
    [InlineData("Description", "Call\u001Bback")]
    [InlineData("BookingOrganisationOds", "ABCDEFGHIJK")]
    [InlineData("BookingOrganisationOds", "Y1\u00002")]
    public async Task A_booking_with_text_the_database_would_refuse_is_refused_alone_with_a_field_error(string field, string value)
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var text = System.Text.RegularExpressions.Regex.Unescape(value);
        if (field == "Reason")
        {
            var booking = ValidBooking(slot.Id);
            booking["registeredPracticeOds"] = world.PracticeA.OdsCode;
            booking["reason"] = text;
            var client = await world.ClientAsync(world.Nhs111);
            using var response = await client.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), new StringContent(booking.ToJsonString(), Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
            Assert.True(body.Contains("\"reason\"", StringComparison.OrdinalIgnoreCase), body);
        }
        else
        {
            var request = new BookingRequest(
                [slot.Id],
                new PatientDetails(TestPatients.NewNhsNumber(), "Fuzz", "Testperson", new DateOnly(1980, 1, 1), "07700 900000"),
                world.PracticeA.OdsCode,
                "Fuzzing",
                RecordSharingConsent.Granted,
                Description: field == "Description" ? text : null,
                Comment: field == "Comment" ? text : null,
                BookingOrganisationOds: field == "BookingOrganisationOds" ? text : null);
            var actor = new Actor(world.Nhs111, Roles.Nhs111, null, null, null, "Y111");
            using var scope = factory.Services.CreateScope();
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => scope.ServiceProvider.GetRequiredService<BookingService>().BookAsync(request, actor));
            Assert.Contains(field, refused.Errors.Keys);
        }

        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(db => db.Slots.Where(s => s.Id == slot.Id).Select(s => s.Status).SingleAsync()));
    }

    [Fact]
    public async Task Hostile_form_fields_on_the_booking_and_sign_in_forms_never_answer_500_or_write_anything()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = await world.FreeSlotsAsync();
        using var pages = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        string[] values = [string.Empty, new string('x', 100_000), "\u202E\u0000", "-1", "99999999999999999999", "2026-02-30", "😀", "<b>", "Granted\r\nSet-Cookie: x=y"];
        var fields = new[] { "Input.NhsNumber", "Input.GivenName", "Input.FamilyName", "Input.DateOfBirth", "Input.Phone", "Input.RegisteredPracticeOds", "Input.Reason", "Input.Consent", "Input.IdempotencyKey", "SlotId", "Practice" };
        var failures = new List<string>();
        var nextSlot = 0;
        foreach (var field in fields)
        {
            foreach (var value in values)
            {
                // A valid booking but for the one field, so the others let the form through to the booking itself.
                var slot = free[nextSlot % free.Count];
                var target = $"/Booking/Book?SlotId={slot.Id}&Practice={world.PracticeA.OdsCode}";
                var form = new Dictionary<string, string>
                {
                    ["SlotId"] = slot.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Practice"] = world.PracticeA.OdsCode,
                    ["Input.NhsNumber"] = TestPatients.NewNhsNumber(),
                    ["Input.GivenName"] = "Fuzz",
                    ["Input.FamilyName"] = "Testperson",
                    ["Input.DateOfBirth"] = "1980-01-01",
                    ["Input.Phone"] = "07700 900000",
                    ["Input.Reason"] = "Fuzzing",
                    ["Input.Consent"] = "Granted",
                    [field] = value,
                };
                var before = await CountsAsync();
                var response = await pages.PostFormAsync(target, form, formPage: target);
                var after = await CountsAsync();
                var booked = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/Booking/Confirmation", StringComparison.Ordinal) == true;
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"Booking/Book {field}={Shorten(value)} → {(int)response.StatusCode}");
                }
                else if (!booked && after != before)
                {
                    failures.Add($"Booking/Book {field}={Shorten(value)} → {(int)response.StatusCode} but wrote {before} → {after}");
                }
                else if (booked)
                {
                    nextSlot++;
                }
            }
        }

        Assert.True(nextSlot > 0, "no form got through to a booking, so the booking's own checks were never reached");
        using var anonymous = new PageClient(factory);
        var beforeSignIns = await CountsAsync();
        foreach (var value in values)
        {
            var response = await anonymous.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = value, ["Password"] = value });
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"Account/SignIn {Shorten(value)} → {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(beforeSignIns, await CountsAsync());
        await AssertConsistentAsync();
    }

    /// <summary>Query values that are wrong in every way a parser can be wrong (sent URL-encoded).</summary>
    private static readonly string[] HostileQueryValues =
    [
        string.Empty, "-1", "0", "99999999999999999999", "2026-02-30", "9999-12-31", "0001-01-01", "ge2026-13-01", "lt",
        "le9999-12-31", "ge0001-01-01", "9999-12", "le9999-12-31T23:59:59+14:00",
        "😀", "\u0000", "\u202Eevil", "<script>alert(1)</script>", "' OR 1=1 --", "%", "[]", "null", "true",
        "https://fhir.nhs.uk/Id/nhs-number|", "|9990000018", new string('9', 5_000),
    ];

    /// <summary>Route values for a route parameter: good-looking, negative, too big for the type, not a number.</summary>
    private static readonly string[] HostileRouteValues = ["1", "-1", "0", "2147483648", "9223372036854775807", "99999999999999999999", "abc", "%F0%9F%98%80"];

    [Fact]
    public async Task Hostile_query_strings_and_route_values_at_every_api_and_fhir_get_endpoint_never_answer_500()
    {
        var world = await TestWorld.CreateAsync(factory);
        var clients = new[] { await world.ClientAsync(world.PracticeStaffA), await world.ClientAsync(world.Nhs111), await world.ClientAsync(world.HubClinician), await world.ClientAsync(world.Commissioner) };
        var endpoints = MappedEndpoint.All(factory)
            .Where(e => e.Methods?.Contains("GET") == true)
            .Where(e => e.Path.StartsWith("/api", StringComparison.Ordinal) || e.Path.StartsWith("/fhir", StringComparison.Ordinal))
            .Select(e => (Endpoint: e, Names: QueryNames(e.Endpoint!)))
            .ToList();
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} GET endpoints found");
        Assert.Superset(new HashSet<string> { "practice", "from", "to", "role", "mode", "hub" }, endpoints.Single(e => e.Endpoint.Path == "/api/v1/slots").Names.ToHashSet());
        Assert.Contains("start", endpoints.Single(e => e.Endpoint.Path == "/fhir/Slot").Names);

        var failures = new List<string>();
        var sent = 0;
        var reachedPastTheGate = 0;
        foreach (var (endpoint, names) in endpoints)
        {
            var fhir = endpoint.Path.StartsWith("/fhir", StringComparison.Ordinal);
            async Task<HttpResponseMessage> GetAsync(HttpClient client, string url)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (fhir)
                {
                    request.Headers.Add("Ssp-TraceID", Guid.NewGuid().ToString());
                }

                sent++;
                return await client.SendAsync(request);
            }

            // A role the endpoint lets in, so the values reach its handler rather than stopping at the role gate.
            var plain = endpoint.PathWith("1");
            HttpClient? admitted = null;
            foreach (var candidate in clients)
            {
                using var probe = await GetAsync(candidate, plain);
                if (probe.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                {
                    admitted = candidate;
                    break;
                }
            }

            if (admitted is null)
            {
                continue;
            }

            // One parameter at a time, the others left out, so a typed parameter refusing the value does not stop the
            // request before a string parameter is used; then the route values.
            var urls = names.SelectMany(n => HostileQueryValues.SelectMany(v => new[]
            {
                $"{plain}?{Uri.EscapeDataString(n)}={Uri.EscapeDataString(v)}",
                $"{plain}?{Uri.EscapeDataString(n)}={Uri.EscapeDataString(v)}&{Uri.EscapeDataString(n)}=2026-01-01",
            }));
            if (endpoint.Path.Contains('{', StringComparison.Ordinal))
            {
                urls = urls.Concat(HostileRouteValues.Select(endpoint.PathWith));
            }

            foreach (var url in urls)
            {
                using var response = await GetAsync(admitted, url);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"GET {Shorten(url)} → {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
                }
                else if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                {
                    reachedPastTheGate++;
                }
            }
        }

        Assert.True(reachedPastTheGate > 1000, $"only {reachedPastTheGate} requests got past the role gate");
        Assert.True(sent > 500, $"only {sent} requests were sent");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
    }

    [Fact]
    public async Task Each_parameter_made_hostile_in_an_otherwise_valid_request_never_answers_500()
    {
        // The sweep above leaves the other parameters out, so most requests stop at "missing parameter"; here every
        // request is a valid one (real ids, every user given the FHIR scopes) with one value made hostile, so the value
        // reaches the code that uses it.
        var world = await TestWorld.CreateAsync(factory);
        string[] users = [world.PracticeStaffA, world.Nhs111, world.HubClinician, world.Commissioner];
        foreach (var user in users)
        {
            await Fhir.FhirTestKit.SetScopesAsync(world, user, Fhir.FhirTestKit.AllScopes);
        }

        var clients = new List<HttpClient>();
        foreach (var user in users)
        {
            clients.Add(await world.ClientAsync(user));
        }

        var slot = (await world.FreeSlotsAsync())[0];
        var appointmentId = await Pages.PageTestData.BookAsync(world, world.PracticeStaffA, slot.Id, "Sweepvalid");
        var patientId = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == appointmentId).Select(a => a.PatientId).SingleAsync());
        var nhsNumber = await world.WithDbAsync(db => db.Patients.Where(p => p.Id == patientId).Select(p => p.NhsNumber).SingleAsync());
        var ccgOds = await world.WithDbAsync(db => db.Ccgs.Where(c => c.Id == world.CcgId).Select(c => c.OdsCode).SingleAsync());
        var day = London.ToLocal(slot.StartUtc).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var practice = world.PracticeA.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        string RouteValue(string name, string path) => name switch
        {
            "hubId" => $"{world.HubId}",
            "ods" => world.PracticeA.OdsCode,
            "vid" => "1",
            "id" when path.Contains("/hubs/", StringComparison.Ordinal) => $"{world.HubId}",
            "id" when path.Contains("/slots/", StringComparison.Ordinal) => $"{slot.Id}",
            "id" when path.Contains("/Patient/", StringComparison.Ordinal) => $"{patientId}",
            _ => $"{appointmentId}",
        };

        // What each search needs to succeed; repeated names are allowed (a FHIR start range is two "start" values).
        var baselines = new Dictionary<string, List<KeyValuePair<string, string>>>(StringComparer.Ordinal)
        {
            ["/api/v1/slots"] = [new("practice", world.PracticeA.OdsCode), new("from", day), new("to", day), new("role", "GeneralPractitioner"), new("mode", "FaceToFace"), new("hub", $"{world.HubId}")],
            ["/api/v1/hubs"] = [new("ccg", ccgOds)],
            ["/api/v1/practices"] = [new("ccg", ccgOds), new("q", "Test")],
            ["/api/v1/hubs/{hubId:int}/day-list"] = [new("date", day)],
            ["/api/v1/compliance/assurance.pdf"] = [new("level", "ccg"), new("id", $"{world.CcgId}"), new("month", day[..7])],
            ["/fhir/Slot"] = [new("start", $"ge{day}"), new("end", $"le{day}"), new("status", "free"), new("_include", "Slot:schedule"), new("searchFilter", $"https://fhir.nhs.uk/Id/ods-organization-code|{world.PracticeA.OdsCode}")],
            ["/fhir/Patient"] = [new("identifier", $"https://fhir.nhs.uk/Id/nhs-number|{nhsNumber}")],
            ["/fhir/Patient/{id:long}/Appointment"] = [new("start", $"ge{day}"), new("start", $"le{day}")],
            ["/fhir/Appointment"] = [new("patient", $"{patientId}"), new("start", $"ge{day}"), new("start", $"le{day}")],
        };
        foreach (var path in new[] { "/api/v1/compliance", "/api/v1/compliance/weeks", "/api/v1/compliance/months", "/api/v1/compliance/reminders" })
        {
            baselines[path] = [new("level", "practice"), new("id", practice), new("from", day), new("to", day)];
        }

        var endpoints = MappedEndpoint.All(factory)
            .Where(e => e.Methods?.Contains("GET") == true)
            .Where(e => e.Path.StartsWith("/api", StringComparison.Ordinal) || e.Path.StartsWith("/fhir", StringComparison.Ordinal))
            .ToList();
        var failures = new List<string>();
        var answeredBaseline = new List<string>();
        var notAnswered = new Dictionary<string, string>(StringComparer.Ordinal);
        var sent = 0;
        foreach (var endpoint in endpoints)
        {
            var fhir = endpoint.Path.StartsWith("/fhir", StringComparison.Ordinal);
            var path = RouteParameterName().Replace(endpoint.Path, m => RouteValue(m.Groups[1].Value, endpoint.Path));
            var baseline = baselines.GetValueOrDefault(endpoint.Path) ?? [];

            async Task<HttpResponseMessage> GetAsync(HttpClient client, IEnumerable<KeyValuePair<string, string>> query)
            {
                var url = path + (query.Any() ? "?" + string.Join('&', query.Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}")) : string.Empty);
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (fhir)
                {
                    request.Headers.Add("Ssp-TraceID", Guid.NewGuid().ToString());
                }

                sent++;
                var response = await client.SendAsync(request);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"GET {Shorten(url)} → {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
                }

                return response;
            }

            // The first user whose valid request succeeds: the hostile values then reach that user's handler.
            HttpClient? admitted = null;
            var refusals = new List<string>();
            foreach (var client in clients)
            {
                using var probe = await GetAsync(client, baseline);
                if (probe.IsSuccessStatusCode)
                {
                    admitted = client;
                    answeredBaseline.Add(endpoint.Path);
                    break;
                }

                refusals.Add($"{(int)probe.StatusCode} {Shorten(await probe.Content.ReadAsStringAsync())}");
            }

            if (admitted is null)
            {
                notAnswered[endpoint.Path] = string.Join(" | ", refusals);
                continue;
            }

            var names = baseline.Select(q => q.Key).Concat(QueryNames(endpoint.Endpoint!)).Distinct(StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                foreach (var value in HostileQueryValues)
                {
                    // The value in place of every value of that name, then in place of the first only (one end of a range).
                    var first = baseline.FindIndex(q => q.Key == name);
                    var everywhere = baseline.Where(q => q.Key != name).Append(new(name, value)).ToList();
                    using (await GetAsync(admitted, everywhere))
                    {
                    }

                    if (first >= 0 && baseline.Count(q => q.Key == name) > 1)
                    {
                        var once = baseline.Select((q, i) => i == first ? new KeyValuePair<string, string>(name, value) : q).ToList();
                        using (await GetAsync(admitted, once))
                        {
                        }
                    }
                }
            }
        }

        foreach (var client in clients)
        {
            client.Dispose();
        }

        // Every search with a baseline, and every read by id, must have been reached with valid values first.
        var missing = baselines.Keys.Except(answeredBaseline).ToList();
        Assert.True(missing.Count == 0, "valid requests refused: " + string.Join("\n", missing.Select(m => $"{m}: {notAnswered.GetValueOrDefault(m)}")));
        Assert.True(answeredBaseline.Count >= 20, $"only {answeredBaseline.Count} endpoints answered their valid request: {string.Join(", ", answeredBaseline)}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests answered 5xx:\n" + string.Join('\n', failures.Take(20)));
    }

    [System.Text.RegularExpressions.GeneratedRegex("\\{([A-Za-z]+)[^}]*\\}")]
    private static partial System.Text.RegularExpressions.Regex RouteParameterName();

    /// <summary>
    /// The query parameters an endpoint reads: its handler's [FromQuery] and simple-typed parameters that are not in the
    /// route, and the FHIR search parameters (read from the query by hand), so new parameters are fuzzed too.
    /// </summary>
    private static List<string> QueryNames(Microsoft.AspNetCore.Routing.RouteEndpoint endpoint)
    {
        string[] fhirSearch = ["start", "end", "status", "identifier", "patient", "patient.identifier", "patient:Patient.identifier", "_count", "_include", "searchFilter"];
        var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var method = endpoint.Metadata.GetMetadata<System.Reflection.MethodInfo>();
        var fromHandler = (method?.GetParameters() ?? [])
            .Where(p => !routeNames.Contains(p.Name!))
            .Where(p => p.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.FromQueryAttribute), false).Length > 0 || IsSimple(p.ParameterType))
            .Select(p => (p.GetCustomAttributes(typeof(Microsoft.AspNetCore.Mvc.FromQueryAttribute), false).FirstOrDefault() as Microsoft.AspNetCore.Mvc.FromQueryAttribute)?.Name ?? p.Name!);
        var fhir = endpoint.RoutePattern.RawText?.TrimStart('/').StartsWith("fhir", StringComparison.Ordinal) == true ? fhirSearch : [];
        return [.. fromHandler.Concat(fhir).Distinct(StringComparer.Ordinal)];
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateOnly) || t == typeof(Forward.Web.Infrastructure.IsoDate) || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Forward.Web.Infrastructure.EnumName<>)) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(decimal) || t == typeof(Guid);
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    /// <summary>Every mapped API and FHIR route that takes a body (POST, PUT, PATCH), except getting a token.</summary>
    private List<(string Method, string Route)> BodyEndpoints()
    {
        return MappedEndpoint.All(factory)
            .SelectMany(e => (e.Methods ?? []).Select(m => (Method: m, Route: e.Path)))
            .Where(e => e.Method is "POST" or "PUT" or "PATCH")
            .Where(e => e.Route.StartsWith("/api", StringComparison.Ordinal) || e.Route.StartsWith("/fhir", StringComparison.Ordinal))
            .Where(e => e.Route != "/api/v1/auth/token")
            .Distinct()
            .ToList();
    }

    private async Task AssertConsistentAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        Assert.Equal(0, await db.Appointments.CountAsync(a => !a.Slots.Any()));
        Assert.Equal(0, await db.AppointmentSlots.Where(h => h.IsActive).GroupBy(h => h.SlotId).CountAsync(g => g.Count() > 1));
        Assert.Equal(0, await db.AppointmentSlots.CountAsync(h => h.IsActive && h.Slot!.Status != Forward.Domain.Hubs.SlotStatus.Booked));
        Assert.Equal(0, await db.Slots.CountAsync(s => s.Status == Forward.Domain.Hubs.SlotStatus.Booked && !db.AppointmentSlots.Any(h => h.SlotId == s.Id && h.IsActive)));
    }

    /// <summary>The rows a booking writes (audit records aside: a refused attempt is audited too).</summary>
    private async Task<(int Appointments, int Patients, int HeldSlots, int BookedSlots, int Messages)> CountsAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        return (
            await db.Appointments.CountAsync(),
            await db.Patients.CountAsync(),
            await db.AppointmentSlots.CountAsync(),
            await db.Slots.CountAsync(s => s.Status == SlotStatus.Booked),
            await db.OutboxMessages.CountAsync());
    }
}
