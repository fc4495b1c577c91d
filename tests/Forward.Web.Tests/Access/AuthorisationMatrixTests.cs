using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Access;

/// <summary>
/// Every endpoint the app maps × every role (and anonymous) against the table in <c>authorisation-matrix.txt</c>.
/// The endpoints come from the running app's route table, so a new endpoint fails this test until someone decides,
/// in that file, who may call it. "A" means the request got past authorisation (any answer but 401, 403 or a
/// redirect to sign in / access denied — a 400 or 404 for the dummy ids is fine); "D" means it was refused; "-"
/// means not exercised (signing out would end the session the rest of the table uses). No cell may answer 500.
/// </summary>
public sealed partial class AuthorisationMatrixTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] Callers = ["anonymous", "commissioner", "practice", "hubclinician", "nhs111"];

    [Fact]
    public async Task Every_endpoint_and_role_matches_the_authorisation_matrix()
    {
        var expected = ReadMatrix();
        var endpoints = MappedEndpoints();

        var unlisted = endpoints.Where(e => !expected.ContainsKey(Row(e))).ToList();
        var stale = expected.Keys.Where(k => !endpoints.Contains(k)).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints missing from authorisation-matrix.txt (decide who may call them):\n" + string.Join('\n', unlisted));
        Assert.True(stale.Count == 0, "Rows in authorisation-matrix.txt for endpoints that no longer exist:\n" + string.Join('\n', stale));

        var clients = new Dictionary<string, (HttpClient Api, HttpClient Pages)>();
        foreach (var caller in Callers)
        {
            clients[caller] = caller == "anonymous"
                ? (Anonymous(), Anonymous())
                : (await BearerAsync(caller), (await PageClient.SignedInAsync(factory, caller)).Http);
        }

        // Hub and session ids are the demo hub clinician's (in the demo commissioner's CCG), so a route's own resource
        // check passes for the roles that own it and the table shows the role gate; other ids are 1 (usually a 404).
        var (hubId, sessionId) = await DemoHubAsync();
        var mismatches = new List<string>();
        var actualTable = new StringBuilder();
        foreach (var key in endpoints.OrderBy(k => k, StringComparer.Ordinal))
        {
            var row = new List<string>();
            for (var i = 0; i < Callers.Length; i++)
            {
                var want = expected[Row(key)][i];
                if (want == "-")
                {
                    row.Add("-");
                    continue;
                }

                var (method, route) = Split(key);
                var isApi = route.StartsWith("/api", StringComparison.Ordinal) || route.StartsWith("/fhir", StringComparison.Ordinal);
                var client = isApi ? clients[Callers[i]].Api : clients[Callers[i]].Pages;
                using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(route, hubId, sessionId));
                if (method is not "GET" and not "HEAD")
                {
                    request.Content = isApi ? JsonContent.Create(new { }) : new FormUrlEncodedContent([]);
                }

                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode != HttpStatusCode.InternalServerError, $"{key} as {Callers[i]} answered 500");
                var got = Refused(response) ? "D" : "A";
                row.Add(got);
                if (got != want)
                {
                    mismatches.Add($"{key} as {Callers[i]}: expected {want}, got {got} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }

            actualTable.Append(CultureInfo.InvariantCulture, $"{key,-60} {string.Join(' ', row.Select(c => c.PadRight(2)))}\n");
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches) + "\n\nActual table:\n" + actualTable);
    }

    private static bool Refused(HttpResponseMessage response)
    {
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return true;
        }

        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found
            && (location.Contains("/Account/SignIn", StringComparison.Ordinal) || location.Contains("/Account/AccessDenied", StringComparison.Ordinal));
    }

    /// <summary>
    /// "GET /api/v1/hubs/{id:int}" for every method each route accepts (a page's are GET, HEAD and POST); a route that
    /// accepts any method (/health) as GET and POST.
    /// </summary>
    private HashSet<string> MappedEndpoints()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in MappedEndpoint.All(factory))
        {
            foreach (var method in endpoint.Methods ?? ["GET", "POST"])
            {
                keys.Add($"{method} {endpoint.Route}");
            }
        }

        return keys;
    }

    private static Dictionary<string, string[]> ReadMatrix()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Access", "authorisation-matrix.txt");
        var matrix = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cells = Whitespace().Split(line);
            Assert.True(cells.Length == 2 + Callers.Length, $"Bad matrix row: {raw}");
            matrix.Add($"{cells[0]} {cells[1]}", cells[2..]);
        }

        return matrix;
    }

    /// <summary>
    /// The table's row for an endpoint: a HEAD is answered by the GET handler, so it must be let in or refused exactly as
    /// the GET is, and is checked against the GET's row rather than a copy of it.
    /// </summary>
    private static string Row(string key) => key.StartsWith("HEAD ", StringComparison.Ordinal) ? "GET " + key["HEAD ".Length..] : key;

    private static (string Method, string Route) Split(string key)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        return (key[..space], key[(space + 1)..]);
    }

    /// <summary>A URL for a route template: hub and session ids the demo hub's, an ODS code the demo practice's, others 1.</summary>
    private static Uri Concrete(string route, int hubId, int sessionId) => new(
        RouteParameter().Replace(route, m => m.Groups["name"].Value switch
        {
            "documentName" => "v1",
            "ods" => "C84901",
            "hubId" => hubId.ToString(CultureInfo.InvariantCulture),
            _ when route.StartsWith("/Admin/Hub/", StringComparison.Ordinal) || route.StartsWith("/api/v1/hubs/", StringComparison.Ordinal) => hubId.ToString(CultureInfo.InvariantCulture),
            _ when route.StartsWith("/Admin/Session/", StringComparison.Ordinal) => sessionId.ToString(CultureInfo.InvariantCulture),
            _ => "1",
        }).Replace("//", "/", StringComparison.Ordinal),
        UriKind.Relative);

    private async Task<(int HubId, int SessionId)> DemoHubAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Forward.Data.ForwardDbContext>();
        var hubId = db.Users.Where(u => u.UserName == "hubclinician").Select(u => u.HubId).Single() ?? throw new InvalidOperationException("The demo hub clinician has no hub.");
        var sessionId = db.Sessions.Where(s => s.HubId == hubId).OrderBy(s => s.Id).Select(s => s.Id).First();
        return await Task.FromResult((hubId, sessionId));
    }

    private HttpClient Anonymous() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private async Task<HttpClient> BearerAsync(string userName)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = ForwardFactory.DemoPassword });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
