using System.Net;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Access;

/// <summary>A host that allows three requests to the patient's cancel link per address per minute.</summary>
public sealed class LowPatientLinkLimitFactory() : RateLimitedFactory("Forward:RateLimits:PatientLinkPerMinute", PerMinute)
{
    public const int PerMinute = 3;
}

/// <summary>
/// The cancel link in a patient's messages needs no sign-in: its signed token is the credential. Guessing tokens is
/// hopeless, but each try costs the server a decryption, so tries are counted per client address, GET and POST alike.
/// </summary>
public sealed class PatientLinkRateLimitTests(LowPatientLinkLimitFactory factory) : IClassFixture<LowPatientLinkLimitFactory>
{
    [Fact]
    public async Task Cancel_link_requests_past_the_limit_answer_429_and_other_pages_are_not_limited_by_it()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        for (var i = 0; i < LowPatientLinkLimitFactory.PerMinute; i++)
        {
            using var unknown = await client.GetAsync(new Uri($"/Patient/Cancel?token=guess{i}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var limited = await client.GetAsync(new Uri("/Patient/Cancel?token=guess-again", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        // The patient's error page (old code: the staff site's "Sign in", home page and support reference).
        var page = await limited.Content.ReadAsStringAsync();
        Assert.Contains("Wait a minute and try again.", page, StringComparison.Ordinal);
        Assert.Contains("To cancel or change your appointment, or if you need help, contact your GP practice.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Account/SignIn\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Go to the Forward home page", page, StringComparison.Ordinal);
        Assert.DoesNotContain("contact support", page, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["Token"] = "guess-by-post" });
        using var posted = await client.PostAsync(new Uri("/Patient/Cancel", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.TooManyRequests, posted.StatusCode);

        using var signIn = await client.GetAsync(new Uri("/Account/SignIn", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        using var consult = await client.GetAsync(new Uri("/Consult", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, consult.StatusCode);
    }
}
