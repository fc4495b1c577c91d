using System.Net;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Headers a production deployment must send: HSTS over HTTPS outside Development, the strict CSP (no
/// 'unsafe-inline' outside the Scalar reference), no sniffing, no framing — on pages, API answers and errors alike.
/// </summary>
public sealed class SecurityHeaderTests(SecurityHeaderTests.ProductionFactory factory) : IClassFixture<SecurityHeaderTests.ProductionFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/Account/SignIn")]
    [InlineData("/api/v1/hubs")]
    [InlineData("/no-such-page")]
    [InlineData("/fhir/metadata")]
    [InlineData("POST /api/v1/auth/token")] // a malformed body: answered by the API's exception handler
    [InlineData("POST /fhir/Appointment")] // a malformed resource: an OperationOutcome
    public async Task Every_kind_of_response_carries_hsts_csp_nosniff_and_no_framing(string path)
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://forward.example.nhs.uk"), AllowAutoRedirect = false });
        HttpResponseMessage response;
        if (path.StartsWith("POST ", StringComparison.Ordinal))
        {
            if (path.Contains("fhir", StringComparison.Ordinal))
            {
                using var token = await client.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new StringContent("{\"userName\":\"practice\",\"password\":\"" + ForwardFactory.DemoPassword + "\"}", System.Text.Encoding.UTF8, "application/json"));
                var bearer = System.Text.Json.JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("accessToken").GetString();
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            }

            response = await client.PostAsync(new Uri(path[5..], UriKind.Relative), new StringContent("{", System.Text.Encoding.UTF8, path.Contains("fhir", StringComparison.Ordinal) ? "application/fhir+json" : "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        else
        {
            response = await client.GetAsync(new Uri(path, UriKind.Relative));
        }

        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        var hsts = Assert.Single(response.Headers.GetValues("Strict-Transport-Security"));
        Assert.Contains("max-age=", hsts, StringComparison.Ordinal);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task The_sign_in_cookie_is_marked_secure_even_when_the_request_arrived_as_plain_http()
    {
        // As behind a proxy that ends TLS and is not named in TrustedProxies: Forward sees http.
        using var client = new PageClient(factory);
        var response = await client.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = "practice", ["Password"] = ForwardFactory.DemoPassword });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var auth = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("Forward.Auth=", StringComparison.Ordinal));
        Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Plain_http_gets_no_hsts_header_because_browsers_ignore_it_there()
    {
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://forward.example.nhs.uk"), AllowAutoRedirect = false });
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    // HSTS is never sent to localhost (HstsOptions.ExcludedHosts), so requests use a real-looking host name.

    /// <summary>The test host as a production deployment (HSTS is off in Development and Testing).</summary>
    public sealed class ProductionFactory : ForwardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
            builder.UseSetting("Forward:Notifications:PublicBaseUrl", "https://forward.example.nhs.uk");

            // Outside the test host the slot horizon must cover the longest booking window (14 days), or the start stops.
            builder.UseSetting("Forward:Slots:HorizonDays", "14");
        }
    }
}
