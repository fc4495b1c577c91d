using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>
/// A body over Kestrel's own limit (1 MiB; the in-process test server enforces none) is refused by the server before
/// Forward's FHIR reader sees it. The answer must still state the FHIR API's documented limit.
/// </summary>
public sealed class FhirBodyLimitOverKestrelTests(KestrelForwardFactory factory) : IClassFixture<KestrelForwardFactory>
{
    [Fact]
    public async Task A_body_over_the_servers_limit_is_told_the_documented_limit_as_one_just_over_it_is()
    {
        Uri address;
        using (var started = factory.CreateClient())
        {
            address = started.BaseAddress!;
        }

        await factory.Services.GetRequiredService<DatabaseReadiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2));
        var world = await TestWorld.CreateAsync(factory);
        await FhirTestKit.SetScopesAsync(world, world.Nhs111, FhirTestKit.AllScopes);
        // The client waits for 100 Continue however long the first call takes (its default is a second, after which it
        // sends the body anyway and the refusing server closes the connection under it).
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) };
        using var http = new HttpClient(handler) { BaseAddress = address };
        using (var signIn = await http.PostAsJsonAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new { userName = world.Nhs111, password = ForwardFactory.DemoPassword }))
        {
            signIn.EnsureSuccessStatusCode();
            var token = (await signIn.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        async Task<string> RefusedAsync(HttpMethod method, string url, int bytes)
        {
            using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = new ByteArrayContent(new byte[bytes]) };
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/fhir+json");
            request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");

            // Asked to wait for 100 Continue, the client sends no body once refused: the answer is read, not a reset.
            request.Headers.ExpectContinue = true;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            var outcome = new FhirJsonDeserializer().Deserialize<OperationOutcome>(await response.Content.ReadAsStringAsync());
            FhirTestKit.AssertOutcome(outcome, "BAD_REQUEST");
            return outcome.Issue[0].Diagnostics!;
        }

        // Old code: "Request body too large. The max request body size is 1048576 bytes." (the server's wording and limit)
        // for the large ones, though a body of 300 KB was told 262144.
        const string Documented = "The resource must be at most 262,144 bytes.";
        Assert.Equal(Documented, await RefusedAsync(HttpMethod.Post, "/fhir/Appointment", 31 * 1024 * 1024));
        Assert.Equal(Documented, await RefusedAsync(HttpMethod.Put, "/fhir/Appointment/1", 31 * 1024 * 1024));
        Assert.Equal(Documented, await RefusedAsync(HttpMethod.Post, "/fhir/Appointment", 300 * 1024));
    }
}
