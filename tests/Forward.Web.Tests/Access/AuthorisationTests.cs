using System.Net;
using System.Net.Http.Json;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Access;

public sealed class AuthorisationTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    public static TheoryData<string, string> ApiEndpoints => new()
    {
        { "GET", "/api/v1/hubs" },
        { "GET", "/api/v1/practices" },
        { "GET", "/api/v1/slots" },
        { "POST", "/api/v1/appointments" },
        { "GET", "/api/v1/appointments/1" },
        { "POST", "/api/v1/appointments/1/cancel" },
        { "POST", "/api/v1/appointments/1/attended" },
        { "GET", "/api/v1/appointments/1/record" },
    };

    [Theory]
    [MemberData(nameof(ApiEndpoints))]
    public async Task Every_api_endpoint_refuses_anonymous_callers_with_401(string method, string url)
    {
        using var client = factory.CreateClient();
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? JsonContent.Create(new { }) : null });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized", problem.RootElement.GetProperty("code").GetString()); // as every API error names one
    }

    [Fact]
    public async Task A_forged_or_garbage_bearer_token_is_401()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_token_endpoint_gives_a_bearer_token_for_an_hour_and_no_refresh_token()
    {
        // Old code: a 14-day refresh token as well, which no endpoint takes: a second credential to keep safe for nothing.
        var world = await TestWorld.CreateAsync(factory);
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.PracticeStaffA, password = ForwardFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(["accessToken", "expiresIn", "tokenType"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(("Bearer", 3600), (body.GetProperty("tokenType").GetString(), body.GetProperty("expiresIn").GetInt32()));

        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        using (factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.AddHours(1).AddMinutes(1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task The_bearer_scheme_name_is_read_in_any_case()
    {
        // Old code: "bearer <token>" was routed to the bearer scheme and then refused by it (401).
        var world = await TestWorld.CreateAsync(factory);
        var token = (await world.ClientAsync(world.Nhs111)).DefaultRequestHeaders.Authorization!.Parameter;
        using var client = factory.CreateClient();
        foreach (var scheme in new[] { "bearer", "BEARER" })
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(scheme, token);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task A_bearer_token_opens_the_apis_but_not_the_pages()
    {
        // Old code: any request with a token was signed in by it, so a client system's token opened the pages as well.
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

        var page = await client.GetAsync(new Uri("/Appointments", UriKind.Relative));
        Assert.True(
            page.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found
                || page.RequestMessage?.RequestUri?.AbsolutePath == "/Account/SignIn",
            $"{page.StatusCode} {page.RequestMessage?.RequestUri}");
    }

    [Fact]
    public async Task A_client_system_is_held_to_its_scopes_on_the_json_api_as_on_fhir()
    {
        // Old code: scopes were checked on FHIR only, so a client allowed to read slots read patients through /api/v1.
        var world = await TestWorld.CreateAsync(factory);
        await Fhir.FhirTestKit.SetScopesAsync(world, world.Nhs111, "organization/*.read");
        var client = await world.ClientAsync(world.Nhs111);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        foreach (var (method, url) in new[] { ("GET", "/api/v1/appointments"), ("GET", "/api/v1/appointments/1"), ("POST", "/api/v1/appointments"), ("POST", "/api/v1/appointments/1/cancel") })
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = method == "POST" ? JsonContent.Create(new { }) : null });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {url}: {response.StatusCode}");
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("scope", problem.RootElement.GetProperty("code").GetString());
        }

        // A person's account has no scopes, and its role alone decides, as before.
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, null);
        var person = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync(new Uri("/api/v1/appointments", UriKind.Relative))).StatusCode);

        // Made a client system (given scopes), its token from before, which carries none, ends rather than reading on freely.
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, "organization/*.read");
        using (factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.Add(Forward.Web.Access.AccountChecks.BearerRecheck).AddSeconds(1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync(new Uri("/api/v1/appointments", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task A_client_system_allowed_only_some_scopes_signs_in_to_the_api_but_not_to_the_pages()
    {
        // Old code: the pages know no scopes, so a client allowed only organization/*.read signed in there with its password
        // and read its role's patients and appointments.
        var world = await TestWorld.CreateAsync(factory);
        await Fhir.FhirTestKit.SetScopesAsync(world, world.Nhs111, "organization/*.read");
        using var browser = new PageClient(factory);
        using var refused = await browser.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = world.Nhs111, ["Password"] = ForwardFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("signs in to the API only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync(new Uri("/Appointments", UriKind.Relative))).StatusCode);
        var audited = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == world.Nhs111 && e.Action == Forward.Domain.Audit.AuditActions.SignIn)
            .Select(e => e.Outcome).ToListAsync());
        Assert.Equal(["api-only"], audited);

        // Its token still works, held to its scope.
        var client = await world.ClientAsync(world.Nhs111);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

        // An account with every scope, as the demo's booking accounts have, is governed by its role and signs in as before.
        await Fhir.FhirTestKit.SetScopesAsync(world, world.Nhs111, Fhir.FhirTestKit.AllScopes);
        using var signedIn = await PageClient.SignedInAsync(factory, world.Nhs111);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync("/Appointments")).Status);
    }

    [Fact]
    public void Every_json_api_endpoint_but_the_token_names_the_scope_a_client_system_needs()
    {
        var endpoints = factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true && e.RoutePattern.RawText != "/api/v1/auth/token")
            .ToList();
        Assert.True(endpoints.Count >= 15, endpoints.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(endpoints, e => Assert.True(e.Metadata.GetMetadata<Forward.Web.Access.ApiScope>() is not null, e.RoutePattern.RawText));
    }

    [Fact]
    public async Task A_bearer_token_stops_working_within_a_minute_of_its_account_changing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

        // The account moves to another practice: the token still names the first, and must not book for its patients.
        await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.PracticeStaffA)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.PracticeId, world.PracticeB.Id)));
        var changed = factory.Clock.GetUtcNow().UtcDateTime;
        using (factory.Clock.TravelTo(changed.Add(Forward.Web.Access.AccountChecks.BearerRecheck).AddSeconds(1)))
        {
            using var api = await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
            using var fhir = await client.GetAsync(new Uri("/fhir/metadata", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, fhir.StatusCode); // public, as before
            using var slots = await client.GetAsync(new Uri("/fhir/Slot", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, slots.StatusCode);
        }
    }

    [Fact]
    public async Task A_bearer_token_stops_working_within_a_minute_of_its_account_losing_a_scope_the_token_carries()
    {
        var world = await TestWorld.CreateAsync(factory);
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, "organization/*.read patient/*.write");
        var client = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

        // A scope added is no reason to end the token; a scope taken away is: the token still says it may book.
        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, "organization/*.read patient/*.write patient/*.read");
        var added = factory.Clock.GetUtcNow().UtcDateTime.Add(Forward.Web.Access.AccountChecks.BearerRecheck).AddSeconds(1);
        using (factory.Clock.TravelTo(added))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        }

        await Fhir.FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, "organization/*.read patient/*.read");
        using (factory.Clock.TravelTo(added.Add(Forward.Web.Access.AccountChecks.BearerRecheck).AddSeconds(1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/fhir/Slot", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task A_bearer_token_issued_after_its_account_changed_works_at_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var old = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await old.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode); // the account as read now

        await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.PracticeStaffA)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.PracticeId, world.PracticeB.Id)));
        using (factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.Add(Forward.Web.Access.AccountChecks.MismatchRecheck)))
        {
            // The new token names the new practice: it is not held to the account as read before the change...
            var fresh = await world.ClientAsync(world.PracticeStaffA);
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

            // ...and that fresh read ends the old token at once.
            Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        }
    }

    [Fact]
    public async Task Role_rules_hold_for_booking_endpoints()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);
        var practice = await world.ClientAsync(world.PracticeStaffA);

        Assert.Equal(HttpStatusCode.Forbidden, (await commissioner.GetAsync(new Uri("/api/v1/slots?practice=" + world.PracticeA.OdsCode, UriKind.Relative))).StatusCode);
        using var forbidden = await commissioner.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(1));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("forbidden", (await forbidden.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
        using var noRoute = await commissioner.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, noRoute.StatusCode);
        Assert.Equal("not-found", (await noRoute.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await practice.PostAsync(new Uri("/api/v1/appointments/1/attended", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await commissioner.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await commissioner.GetAsync(new Uri($"/api/v1/hubs/{world.HubId}/day-list?date=2026-06-08", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await practice.GetAsync(new Uri($"/api/v1/hubs/{world.HubId}/day-list?date=2026-06-08", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_refused_day_list_says_why_for_the_role()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var dayList = new Uri($"/api/v1/hubs/{world.HubId}/day-list?date=2026-06-08", UriKind.Relative);
        foreach (var (user, code, detail) in new[]
        {
            (world.OtherHubClinician, "other-hub", "You can see the day list of your own hub only."),
            (elsewhere.Commissioner, "other-ccg", "You can see the day lists of your own CCG's hubs only."),
            (world.PracticeStaffA, "hubs-and-commissioners-only", "Only a hub's clinicians and its commissioners see its day list."),
            (world.Nhs111, "hubs-and-commissioners-only", "Only a hub's clinicians and its commissioners see its day list."),
        })
        {
            using var refused = await (await world.ClientAsync(user)).GetAsync(dayList);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal(detail, problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_after_five_tries()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = factory.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            using var refused = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password = "wrong" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("sign-in-failed", (await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password = "wrong" })).StatusCode);

        // Even the right password is refused while locked.
        using var locked = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password = ForwardFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(15), locked.Headers.RetryAfter?.Delta);

        // Its code tells an account lock from an address's rate limit, which shares the status.
        Assert.Equal("locked-out", (await locked.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());
    }

    /// <summary>Guesses sent all at once must each count: otherwise sending them together would get round the lockout.</summary>
    [Fact]
    public async Task Wrong_passwords_sent_at_once_still_lock_the_account()
    {
        var world = await TestWorld.CreateAsync(factory);
        var guesses = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var client = factory.CreateClient();
            using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password = $"wrong-{i}" });
            return response.StatusCode;
        }));
        Assert.All(guesses, status => Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{status}"));

        using var right = factory.CreateClient();
        using var locked = await right.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password = ForwardFactory.DemoPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
    }

    /// <summary>Otherwise the lockout would tell a guesser which user names are real: only real ones would lock.</summary>
    [Fact]
    public async Task An_unknown_user_name_locks_after_five_tries_exactly_as_a_real_account_does()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = factory.CreateClient();
        var nobody = world.Prefix + "-no-such-user";
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = nobody, password = "wrong" });
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(TimeSpan.FromMinutes(15), response.Headers.RetryAfter?.Delta);
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], answers);

        // The sign-in page says the same as it would for a real account.
        using var anonymous = new PageClient(factory);
        using var signIn = await anonymous.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = nobody, ["Password"] = "wrong" });
        Assert.Contains("Your account is locked", await signIn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_more_than_a_day_apart_are_forgotten_by_a_real_account_as_by_an_unknown_name()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nobody = world.Prefix + "-no-such-user-2";
        using var client = factory.CreateClient();
        async Task<HttpStatusCode> GuessAsync(string userName)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = "wrong" });
            return response.StatusCode;
        }

        foreach (var name in new[] { world.Nhs111, nobody })
        {
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(name));
            }
        }

        // A day and a second later the fifth wrong password is the first of a new count, for both alike.
        using (factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.Add(Forward.Web.Access.UnknownAccountLockouts.Memory).AddSeconds(1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(world.Nhs111));
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(nobody));
        }
    }

    [Fact]
    public async Task Unknown_users_get_the_same_answer_as_wrong_passwords()
    {
        using var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nobody-here", password = "whatever" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("nhs111\u0000")]
    [InlineData("\u0000")]
    [InlineData("nhs\n111")]
    public async Task A_user_name_with_a_control_character_is_a_failed_sign_in_not_an_error(string userName)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = "whatever" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
