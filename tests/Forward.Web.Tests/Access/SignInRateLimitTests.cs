using System.Net;
using System.Net.Http.Json;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Access;

/// <summary>A host that allows four sign-in requests per address per minute.</summary>
public sealed class LowSignInLimitFactory() : RateLimitedFactory("Forward:RateLimits:SignInPerMinute", PerMinute)
{
    public const int PerMinute = 4;
}

/// <summary>
/// Password guessing is slowed per client address, across accounts (lockout covers one account; this covers trying
/// many). The token endpoint and the sign-in page share one allowance, so switching between them gains nothing.
/// </summary>
public sealed class SignInRateLimitTests(LowSignInLimitFactory factory) : IClassFixture<LowSignInLimitFactory>
{
    [Fact]
    public async Task Sign_in_attempts_past_the_limit_answer_429_on_the_token_endpoint_and_the_sign_in_page()
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // A different unknown account each time: no single account is tried often enough to be locked out.
        for (var i = 0; i < LowSignInLimitFactory.PerMinute; i++)
        {
            using var refused = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = $"nobody{i}", password = "wrong" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nobody-else", password = "wrong" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("rate-limited", (await limited.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("code").GetString());

        // Opening the page is not an attempt (old code: 429); sending it is, and the page says to wait a minute.
        using var page = await client.GetAsync(new Uri("/Account/SignIn", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var token = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var posted = await client.PostAsync(
            new Uri("/Account/SignIn", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["UserName"] = "nobody-else", ["Password"] = "wrong", ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.TooManyRequests, posted.StatusCode);
        var wording = await posted.Content.ReadAsStringAsync();
        Assert.Contains("Wait a minute and try again.", wording, StringComparison.Ordinal);
        Assert.DoesNotContain("call 111", wording, StringComparison.Ordinal); // old code: the patients' form's advice

        // Other pages are not limited by it.
        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
