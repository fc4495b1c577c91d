using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Web.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests;

public sealed class PlatformTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task The_openapi_document_describes_the_api_and_scalar_serves_its_reference()
    {
        using var client = factory.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/slots", "/api/v1/appointments", "/api/v1/appointments/{id}/cancel", "/api/v1/hubs", "/api/v1/auth/token" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }

        // Query dates are documented as the dates they are (yyyy-mm-dd), not as an opaque string.
        var from = paths.GetProperty("/api/v1/slots").GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "from");
        Assert.Equal(("string", "date"), (from.GetProperty("schema").GetProperty("type").GetString(), from.GetProperty("schema").GetProperty("format").GetString()));

        // Only what the server needs is required: a booking without a reason, practice or consent is taken, and a cancel
        // without a body; a generated client must not be made to send them.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        static string[] Required(JsonElement schema) => schema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!).Order()] : [];
        Assert.Equal(["patient", "slotIds"], Required(schemas.GetProperty("BookAppointmentDto")));
        Assert.Empty(Required(schemas.GetProperty("CancelAppointmentDto")));
        // A choice in a body is documented as its names (the API reads them by its own converter, not the framework's).
        Assert.Equal(["NotAsked", "Granted", "Refused"], schemas.GetProperty("BookAppointmentDto").GetProperty("properties").GetProperty("consent").GetProperty("enum").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["NotAsked", "Granted", "Refused"], schemas.GetProperty("RecordSharingConsent").GetProperty("enum").EnumerateArray().Select(n => n.GetString()));

        // The version headers the handlers read and write themselves, and the errors as the ProblemDetails they are.
        var cancel = paths.GetProperty("/api/v1/appointments/{id}/cancel").GetProperty("post");
        var ifMatch = cancel.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "If-Match");
        Assert.Equal("header", ifMatch.GetProperty("in").GetString());
        var responses = cancel.GetProperty("responses");
        Assert.True(responses.GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _), "cancel documents the ETag it returns");
        foreach (var status in new[] { "400", "401", "403", "404", "409", "422" })
        {
            Assert.True(responses.TryGetProperty(status, out var error), $"cancel lacks {status}");
            Assert.True(error.GetProperty("content").TryGetProperty("application/problem+json", out _), $"cancel's {status} is not a ProblemDetails");
        }

        // Every appointment endpoint says which errors it answers, the searches, the record and a hub's day list too.
        var appointmentOperations = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Operation: o.Value)))
            .Where(o => o.Operation.TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "Appointments"))
            .ToList();
        Assert.Contains(appointmentOperations, o => o.Path == "/api/v1/hubs/{hubId}/day-list");
        foreach (var (path, method, operation) in appointmentOperations)
        {
            Assert.True(operation.GetProperty("responses").TryGetProperty("403", out _), $"{method} {path} documents no errors");
        }

        var dayList = paths.GetProperty("/api/v1/hubs/{hubId}/day-list").GetProperty("get").GetProperty("responses");
        Assert.True(dayList.TryGetProperty("403", out _) && dayList.TryGetProperty("404", out _), "the day list documents another hub's and a missing hub's errors");

        var book = paths.GetProperty("/api/v1/appointments").GetProperty("post");
        Assert.DoesNotContain(book.TryGetProperty("parameters", out var bookParameters) ? bookParameters.EnumerateArray() : default, p => p.GetProperty("name").GetString() == "If-Match");
        Assert.True(book.GetProperty("responses").TryGetProperty("409", out _), "booking documents the slot taken meanwhile");

        // A role and a mode are documented as the names they must be (bound by EnumName since the names alone are read).
        var parameters = paths.GetProperty("/api/v1/slots").GetProperty("get").GetProperty("parameters").EnumerateArray().ToList();
        foreach (var (name, names) in new[] { ("role", Enum.GetNames<ClinicianRole>()), ("mode", Enum.GetNames<DeliveryMode>()) })
        {
            var schema = parameters.Single(p => p.GetProperty("name").GetString() == name).GetProperty("schema");
            if (schema.TryGetProperty("$ref", out var reference))
            {
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
            }

            Assert.Equal(names, schema.GetProperty("enum").EnumerateArray().Select(n => n.GetString()));
        }

        var scalar = await client.GetAsync(new Uri("/scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        // Scalar's own web fonts come from fonts.scalar.com, which the page's policy (font-src 'self' data:) refuses: 14
        // console errors a visit. Its configuration turns them off; the reference then uses the browser's fonts.
        Assert.Contains("\"withDefaultFonts\":false", await scalar.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_documents_error_bodies_with_their_code_and_trace_id_and_allows_other_members()
    {
        // Old document: neither listed code (the member clients are told to branch on) nor traceId, and both schemas said
        // additionalProperties: false, so every error Forward sends failed validation against its own schema.
        var schemas = (await OpenApiAsync()).GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
        {
            var schema = schemas.GetProperty(name);
            var properties = schema.GetProperty("properties");
            // code's type, traceId's type, code required, other members forbidden.
            Assert.Equal(
                ("string", "string", true, false),
                (
                    properties.TryGetProperty("code", out var code) ? code.GetProperty("type").GetString() : null,
                    properties.TryGetProperty("traceId", out var traceId) ? traceId.GetProperty("type").GetString() : null,
                    schema.TryGetProperty("required", out var required) && required.EnumerateArray().Any(r => r.GetString() == "code"),
                    schema.TryGetProperty("additionalProperties", out var others) && others.ValueKind == JsonValueKind.False));
        }
    }

    [Fact]
    public async Task The_openapi_document_gives_the_assurance_report_as_the_pdf_it_is()
    {
        // Old document: a 200 with no content, so a generated client had nothing to read the file into.
        var ok = (await OpenApiAsync()).GetProperty("paths").GetProperty("/api/v1/compliance/assurance.pdf").GetProperty("get").GetProperty("responses").GetProperty("200");
        var pdf = ok.TryGetProperty("content", out var content) && content.TryGetProperty("application/pdf", out var media) ? media : default;
        Assert.True(pdf.ValueKind == JsonValueKind.Object, "the PDF's 200 documents no application/pdf content");
        Assert.Equal(("string", "binary"), (pdf.GetProperty("schema").GetProperty("type").GetString(), pdf.GetProperty("schema").GetProperty("format").GetString()));
        Assert.True(ok.GetProperty("headers").TryGetProperty("Content-Disposition", out _), "the PDF's 200 documents no Content-Disposition");
    }

    [Fact]
    public async Task The_openapi_document_says_every_operation_but_the_token_takes_a_bearer_token()
    {
        // Old document: no security scheme at all, so a generated client sent no Authorization header.
        var document = await OpenApiAsync();
        var bearer = document.GetProperty("components").TryGetProperty("securitySchemes", out var schemes) && schemes.TryGetProperty(ApiDocumentBearer, out var scheme) ? scheme : default;
        Assert.True(bearer.ValueKind == JsonValueKind.Object, "no bearer security scheme");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        var operations = Operations(document).ToList();
        Assert.Contains(operations, o => (o.Path, o.Method) == ("/api/v1/auth/token", "post"));
        var wrong = new List<string>();
        foreach (var (path, method, operation) in operations)
        {
            var schemesAsked = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(s => s.Name)).ToList()
                : [];
            if (!((path, method) == ("/api/v1/auth/token", "post") ? schemesAsked.Count == 0 : schemesAsked.SequenceEqual([ApiDocumentBearer])))
            {
                wrong.Add($"{method} {path} asks for [{string.Join(", ", schemesAsked)}]");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    /// <summary>
    /// Each operation lists, with its bearer scheme and in words, the scope a client system needs for it, and that is the
    /// scope the API holds a client system to. Old document: the scheme with no scopes, on every operation, so a client
    /// registered with only organization/*.read learnt of patient/*.read from a 403.
    /// </summary>
    [Fact]
    public async Task The_openapi_document_names_the_scope_each_operation_needs_and_the_api_holds_clients_to_it()
    {
        var document = await OpenApiAsync();
        var listed = new Dictionary<(string Path, string Method), string>();
        foreach (var (path, method, operation) in Operations(document).Where(o => o.Operation.TryGetProperty("security", out _)))
        {
            var scopes = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).SelectMany(s => s.Value.EnumerateArray()).Select(v => v.GetString()!).ToList();
            Assert.True(scopes.Count == 1, $"{method} {path} lists the scopes [{string.Join(", ", scopes)}]");
            Assert.Contains($"needs `{scopes[0]}`", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
            listed[(path, method)] = scopes[0];
        }

        Assert.Equal("organization/*.read", listed[("/api/v1/hubs", "get")]);
        Assert.Equal("organization/*.read", listed[("/api/v1/compliance/assurance.pdf", "get")]);
        Assert.Equal("patient/*.read", listed[("/api/v1/appointments/{id}", "get")]);
        Assert.Equal("patient/*.write", listed[("/api/v1/appointments", "post")]);

        // What is listed is what is enforced: a client system without that scope is refused it, one with it is not.
        var world = await TestWorld.CreateAsync(factory);
        await Fhir.FhirTestKit.SetScopesAsync(world, world.OtherNhs111, "organization/*.read");
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffB, "patient/*.read");
        using var organisationOnly = await world.ClientAsync(world.OtherNhs111);
        using var patientReadOnly = await world.ClientAsync(world.PracticeStaffB);
        using var refused = await organisationOnly.GetAsync(new Uri("/api/v1/appointments/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("scope", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        using var allowed = await patientReadOnly.GetAsync(new Uri("/api/v1/appointments/999999999999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, allowed.StatusCode);
        using var hubs = await organisationOnly.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, hubs.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_errors_the_token_endpoint_answers()
    {
        // Old document: 200 only, though a bad body is 400, a wrong password 401, a locked account or address 429.
        var responses = (await OpenApiAsync()).GetProperty("paths").GetProperty("/api/v1/auth/token").GetProperty("post").GetProperty("responses");
        Assert.Equal(["200", "400", "401", "429"], responses.EnumerateObject().Select(r => r.Name).Order());
        foreach (var status in new[] { "400", "401", "429" })
        {
            Assert.True(responses.GetProperty(status).GetProperty("content").TryGetProperty("application/problem+json", out _), $"the token's {status} is not a ProblemDetails");
        }
    }

    [Fact]
    public async Task The_openapi_document_gives_the_consent_body_as_required_and_granted_or_refused()
    {
        // Old document: the body optional (null allowed) and consent null, NotAsked, Granted or Refused, though all but the
        // last two are refused with 400.
        var document = await OpenApiAsync();
        var body = document.GetProperty("paths").GetProperty("/api/v1/appointments/{id}/consent").GetProperty("post").GetProperty("requestBody");
        var schema = body.GetProperty("content").GetProperty("application/json").GetProperty("schema");
        // Required, and the object itself (not "null or the object").
        Assert.Equal(
            (true, "#/components/schemas/RecordConsentDto"),
            (body.TryGetProperty("required", out var required) && required.GetBoolean(), schema.TryGetProperty("$ref", out var reference) ? reference.GetString() : schema.ToString()));
        var dto = document.GetProperty("components").GetProperty("schemas").GetProperty("RecordConsentDto");
        var consent = dto.GetProperty("properties").GetProperty("consent");
        Assert.Equal(["consent"], dto.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        // A string (not null), one of these names.
        Assert.Equal(
            ("\"string\"", "Granted Refused"),
            (consent.TryGetProperty("type", out var type) ? type.GetRawText() : consent.ToString(), consent.TryGetProperty("enum", out var names) ? string.Join(' ', names.EnumerateArray()) : string.Empty));
    }

    /// <summary>
    /// The reference data, slots and compliance operations list exactly the errors they answer, each seen answered here,
    /// and each answer is what its documented schema says (a code and a trace id, no member the schema leaves out).
    /// Old document: 200 alone for all of them but the PDF, which lacked 401; then a 400 on reading an appointment, unanswerable.
    /// </summary>
    [Fact]
    public async Task Reference_slot_and_compliance_operations_document_the_errors_they_answer()
    {
        var document = await OpenApiAsync();
        var world = await TestWorld.CreateAsync(factory);
        await Fhir.FhirTestKit.SetScopesAsync(world, world.OtherNhs111, "patient/*.read");
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffB, "organization/*.read");
        using var anonymous = factory.CreateClient();
        using var booker = await world.ClientAsync(world.Nhs111);
        using var withoutScope = await world.ClientAsync(world.OtherNhs111);
        using var commissioner = await world.ClientAsync(world.Commissioner);
        using var practice = await world.ClientAsync(world.PracticeStaffA);
        using var withoutPatientScope = await world.ClientAsync(world.PracticeStaffB);
        var ccg = world.CcgId;
        var answers = new List<(string Path, HttpStatusCode Status, HttpClient Client, string Url)>
        {
            ("/api/v1/hubs", HttpStatusCode.BadRequest, booker, "/api/v1/hubs?ccg=%21%21"),
            ("/api/v1/hubs", HttpStatusCode.Unauthorized, anonymous, "/api/v1/hubs"),
            ("/api/v1/hubs", HttpStatusCode.Forbidden, withoutScope, "/api/v1/hubs"),
            ("/api/v1/hubs/{id}", HttpStatusCode.Unauthorized, anonymous, $"/api/v1/hubs/{world.HubId}"),
            ("/api/v1/hubs/{id}", HttpStatusCode.Forbidden, withoutScope, $"/api/v1/hubs/{world.HubId}"),
            ("/api/v1/hubs/{id}", HttpStatusCode.NotFound, booker, "/api/v1/hubs/2000000000"),
            ("/api/v1/practices", HttpStatusCode.BadRequest, booker, "/api/v1/practices?q=" + new string('a', 101)),
            ("/api/v1/practices", HttpStatusCode.Unauthorized, anonymous, "/api/v1/practices"),
            ("/api/v1/practices", HttpStatusCode.Forbidden, withoutScope, "/api/v1/practices"),
            ("/api/v1/practices/{ods}", HttpStatusCode.Unauthorized, anonymous, $"/api/v1/practices/{world.PracticeA.OdsCode}"),
            ("/api/v1/practices/{ods}", HttpStatusCode.Forbidden, withoutScope, $"/api/v1/practices/{world.PracticeA.OdsCode}"),
            ("/api/v1/practices/{ods}", HttpStatusCode.NotFound, booker, "/api/v1/practices/ZZ9999"),
            ("/api/v1/slots", HttpStatusCode.BadRequest, booker, "/api/v1/slots?practice=%21"),
            ("/api/v1/slots", HttpStatusCode.Unauthorized, anonymous, $"/api/v1/slots?practice={world.PracticeA.OdsCode}"),
            ("/api/v1/slots", HttpStatusCode.Forbidden, commissioner, $"/api/v1/slots?practice={world.PracticeA.OdsCode}"),
            ("/api/v1/slots/{id}", HttpStatusCode.Unauthorized, anonymous, "/api/v1/slots/1"),
            ("/api/v1/slots/{id}", HttpStatusCode.Forbidden, commissioner, "/api/v1/slots/1"),
            ("/api/v1/slots/{id}", HttpStatusCode.NotFound, booker, "/api/v1/slots/999999999999"),
            ("/api/v1/appointments/{id}", HttpStatusCode.Unauthorized, anonymous, "/api/v1/appointments/1"),
            ("/api/v1/appointments/{id}", HttpStatusCode.Forbidden, withoutPatientScope, "/api/v1/appointments/1"),
            ("/api/v1/appointments/{id}", HttpStatusCode.NotFound, booker, "/api/v1/appointments/999999999999"),
            ("/api/v1/compliance/assurance.pdf", HttpStatusCode.BadRequest, commissioner, $"/api/v1/compliance/assurance.pdf?level=pcn&id={ccg}&month=2026-05"),
            ("/api/v1/compliance/assurance.pdf", HttpStatusCode.Unauthorized, anonymous, $"/api/v1/compliance/assurance.pdf?level=ccg&id={ccg}&month=2026-05"),
            ("/api/v1/compliance/assurance.pdf", HttpStatusCode.Forbidden, practice, $"/api/v1/compliance/assurance.pdf?level=ccg&id={ccg}&month=2026-05"),
            ("/api/v1/compliance/assurance.pdf", HttpStatusCode.NotFound, commissioner, "/api/v1/compliance/assurance.pdf?level=ccg&id=2000000000&month=2026-05"),
        };
        foreach (var path in new[] { "/api/v1/compliance", "/api/v1/compliance/weeks", "/api/v1/compliance/months", "/api/v1/compliance/reminders" })
        {
            answers.Add((path, HttpStatusCode.BadRequest, commissioner, $"{path}?level=region&id={ccg}"));
            answers.Add((path, HttpStatusCode.Unauthorized, anonymous, $"{path}?level=ccg&id={ccg}"));
            answers.Add((path, HttpStatusCode.Forbidden, practice, $"{path}?level=ccg&id={ccg}"));
            answers.Add((path, HttpStatusCode.NotFound, commissioner, $"{path}?level=ccg&id=2000000000"));
        }

        var paths = document.GetProperty("paths");
        var undocumented = new List<string>();
        foreach (var (path, status, client, url) in answers)
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            Assert.True(response.StatusCode == status, $"GET {url}: {(int)response.StatusCode}, not {(int)status}");
            var documented = paths.GetProperty(path).GetProperty("get").GetProperty("responses");
            if (!documented.TryGetProperty(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), out var described))
            {
                undocumented.Add($"GET {path} {(int)status}");
                continue;
            }

            AssertAnswersItsSchema(document, described, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, $"GET {url}");
        }

        Assert.True(undocumented.Count == 0, "Answered but not documented: " + string.Join("; ", undocumented));

        // Reading an appointment or its record takes nothing a client could send malformed: the id is route-constrained.
        var record = paths.GetProperty("/api/v1/appointments/{id}/record").GetProperty("get").GetProperty("responses");
        Assert.False(record.TryGetProperty("400", out _), "GET /api/v1/appointments/{id}/record documents a 400 it cannot answer");

        // Nothing documented that was not seen answered.
        foreach (var (path, _, operation) in Operations(document).Where(o => Tagged(o.Operation, "Hubs", "Practices", "Slots", "Compliance") || (o.Path, o.Method) == ("/api/v1/appointments/{id}", "get")))
        {
            var errors = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Where(s => s[0] is '4' or '5').Order().ToList();
            Assert.Equal(answers.Where(a => a.Path == path).Select(a => ((int)a.Status).ToString(System.Globalization.CultureInfo.InvariantCulture)).Order().ToList(), errors);
        }
    }

    [Fact]
    public async Task The_token_endpoints_errors_are_what_its_document_says()
    {
        var document = await OpenApiAsync();
        var world = await TestWorld.CreateAsync(factory);
        using var client = factory.CreateClient();
        var responses = document.GetProperty("paths").GetProperty("/api/v1/auth/token").GetProperty("post").GetProperty("responses");
        using var unreadable = await client.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        using var wrong = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.PracticeStaffB, password = "wrong" });
        for (var i = 0; i < 4; i++)
        {
            using var failed = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.OtherHubClinician, password = "wrong" });
        }

        using var locked = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.OtherHubClinician, password = "wrong" });
        foreach (var (response, status) in new[] { (unreadable, HttpStatusCode.BadRequest), (wrong, HttpStatusCode.Unauthorized), (locked, HttpStatusCode.TooManyRequests) })
        {
            Assert.Equal(status, response.StatusCode);
            Assert.True(responses.TryGetProperty(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), out var described), $"the token endpoint does not document its {(int)status}");
            AssertAnswersItsSchema(document, described, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement, $"token {(int)status}");
        }
    }

    private const string ApiDocumentBearer = "Bearer";

    private async Task<JsonElement> OpenApiAsync()
    {
        using var client = factory.CreateClient();
        return JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (p.Name, o.Name, o.Value)));

    private static bool Tagged(JsonElement operation, params string[] tags) =>
        operation.TryGetProperty("tags", out var named) && named.EnumerateArray().Any(t => tags.Contains(t.GetString()));

    /// <summary>
    /// An error body against the schema its response documents: a ProblemDetails, every required member there, a code and
    /// trace id (which every error carries), and no member the schema does not list.
    /// </summary>
    private static void AssertAnswersItsSchema(JsonElement document, JsonElement response, JsonElement body, string what)
    {
        Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out var media), $"{what}: not documented as a ProblemDetails");
        var schema = media.GetProperty("schema");
        if (schema.TryGetProperty("$ref", out var reference))
        {
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
        }

        var listed = schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var required = schema.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()!).ToList() : [];
        var sent = body.EnumerateObject().Select(p => p.Name).ToList();
        Assert.True(body.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String, $"{what}: no code");
        Assert.True(body.TryGetProperty("traceId", out var trace) && trace.ValueKind == JsonValueKind.String, $"{what}: no traceId");
        Assert.Empty(required.Except(sent));
        Assert.True(sent.All(listed.Contains), $"{what} sends {string.Join(", ", sent.Where(n => !listed.Contains(n)))}, which its schema does not list");
    }

    [Fact]
    public void Instants_without_a_kind_are_stored_as_utc_whatever_the_servers_time_zone()
    {
        // test.sh runs one pass of this suite with TZ set far from UTC, where reading Unspecified as server-local time
        // would move the instant by hours.
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var converter = db.Model.FindEntityType(typeof(Slot))!.FindProperty(nameof(Slot.StartUtc))!.GetValueConverter()!;
        var instant = new DateTime(2026, 6, 8, 17, 30, 0, DateTimeKind.Utc);

        var unspecified = (DateTime)converter.ConvertToProvider(DateTime.SpecifyKind(instant, DateTimeKind.Unspecified))!;
        var local = (DateTime)converter.ConvertToProvider(instant.ToLocalTime())!;
        var read = (DateTime)converter.ConvertFromProvider(DateTime.SpecifyKind(instant, DateTimeKind.Unspecified))!;

        Assert.Equal((instant.Ticks, DateTimeKind.Utc), (unspecified.Ticks, unspecified.Kind));
        Assert.Equal((instant.Ticks, DateTimeKind.Utc), (local.Ticks, local.Kind));
        Assert.Equal((instant.Ticks, DateTimeKind.Utc), (read.Ticks, read.Kind));
    }

    [Fact]
    public async Task Pages_carry_strict_security_headers()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Generating_slots_again_never_duplicates_and_never_withdraws_a_booked_slot()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var planner = scope.ServiceProvider.GetRequiredService<SlotPlanner>();
        var before = await db.Slots.CountAsync(s => s.HubId == world.HubId);
        var booked = await db.Slots.FirstAsync(s => s.SessionId == world.SessionId);
        booked.Status = SlotStatus.Booked;
        await db.SaveChangesAsync();

        var again = await planner.PlanAsync(new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 28), world.HubId);

        Assert.Equal(SlotPlanResult.None, again);
        Assert.Equal(before, await db.Slots.CountAsync(s => s.HubId == world.HubId));

        // Close the whole session: free slots are withdrawn, the booked one stays booked.
        var session = await db.Sessions.FirstAsync(s => s.Id == world.SessionId);
        session.IsActive = false;
        await db.SaveChangesAsync();
        var closed = await planner.PlanAsync(new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 28), world.HubId);

        Assert.True(closed.Withdrawn > 0);
        db.ChangeTracker.Clear();
        Assert.Equal(SlotStatus.Booked, (await db.Slots.FindAsync(booked.Id))!.Status);
        Assert.Equal(0, await db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free));
    }

    /// <summary>
    /// The six-hourly horizon refresh mostly finds nothing to change. It must then hold nothing either: were it to take
    /// the hubs and their slots (PostgreSQL) or the write lock (SQLite) for every window regardless, bookings in those
    /// dates would wait for it, and here it would wait for the transaction below.
    /// </summary>
    [Fact]
    public async Task A_horizon_refresh_with_nothing_to_change_takes_no_locks()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var scope = factory.Services.CreateScope();
        var planner = scope.ServiceProvider.GetRequiredService<SlotPlanner>();
        await planner.RefreshAsync(world.HubId); // whatever the world's set-up left to plan

        // Another writer holds the hub's row (PostgreSQL) and the database's write lock (SQLite) until it ends.
        await using var other = factory.Database.OpenContext();
        await using var holding = await other.Database.BeginTransactionAsync();
        await other.Database.ExecuteSqlRawAsync("UPDATE \"Hubs\" SET \"Name\" = \"Name\" WHERE \"Id\" = {0}", world.HubId);

        var refresh = planner.RefreshAsync(world.HubId);
        await Task.WhenAny(refresh, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(refresh.IsCompleted, "the refresh waited for another writer although it had nothing to change");
        Assert.Equal(SlotPlanResult.None, await refresh);
        await holding.RollbackAsync();
    }
}

/// <summary>Outside Development no demo account exists, whatever the data.</summary>
public sealed class ProductionStartTests : IDisposable
{
    private readonly NoDemoFactory factory = new();

    [Fact]
    public async Task No_demo_users_are_seeded_unless_configured()
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        Assert.False(await db.Users.AnyAsync());
        Assert.True(await db.Hubs.AnyAsync(h => h.Code == "LC-H02"));
    }

    [Fact]
    public async Task Demo_accounts_left_from_a_development_start_cannot_sign_in()
    {
        // The same data folder started once in Development (demo users seeded with the password in the repository),
        // then in production.
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            var hasher = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<UserAccount>>();
            foreach (var (name, isDemo) in new[] { ("left-demo", true), ("real-user", false) })
            {
                var user = new UserAccount { UserName = name, DisplayName = name, Role = Roles.Nhs111, OrganisationOds = "Y111", PasswordHash = string.Empty, IsDemo = isDemo };
                user.PasswordHash = hasher.HashPassword(user, "forward-demo");
                db.Users.Add(user);
            }

            await db.SaveChangesAsync();
        }

        using var client = factory.CreateClient();
        using var demo = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "left-demo", password = "forward-demo" });
        using var real = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "real-user", password = "forward-demo" });

        Assert.Equal(HttpStatusCode.Unauthorized, demo.StatusCode);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);

        // This host's other test finds no account at all.
        using var cleanup = factory.Services.CreateScope();
        await cleanup.ServiceProvider.GetRequiredService<ForwardDbContext>().Users.Where(u => u.UserName == "left-demo" || u.UserName == "real-user").ExecuteDeleteAsync();
    }

    public void Dispose() => factory.Dispose();

    private sealed class NoDemoFactory : ForwardFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Forward:Demo:SeedUsers", "false");
        }
    }
}
