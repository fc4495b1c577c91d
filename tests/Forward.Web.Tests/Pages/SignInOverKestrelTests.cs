using System.Net;
using Forward.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Pages;

/// <summary>
/// Signing in over real HTTP with a return address Kestrel cannot write into a Location header as given (old code:
/// 500, "Invalid non-ASCII or control character in header", and the user was not signed in).
/// </summary>
public sealed class SignInOverKestrelTests(KestrelForwardFactory factory) : IClassFixture<KestrelForwardFactory>
{
    [Theory]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/Appointments?q=é", "/Appointments?q=%C3%A9")]
    [InlineData("/Appointments#é", "/Appointments#%C3%A9")]
    [InlineData("/Appointments\u00A0", "/Appointments%C2%A0")]
    public async Task A_return_url_with_other_than_ascii_signs_in_and_redirects_there_encoded(string returnUrl, string expected)
    {
        Uri address;
        using (var started = factory.CreateClient())
        {
            address = started.BaseAddress!;
        }

        await factory.Services.GetRequiredService<DatabaseReadiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2));
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        using var http = new HttpClient(handler) { BaseAddress = address };
        var form = await http.GetStringAsync(new Uri("/Account/SignIn", UriKind.Relative));
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "hubclinician",
            ["Password"] = ForwardFactory.DemoPassword,
            ["ReturnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = PageClient.AntiforgeryToken(form)!,
        });

        using var response = await http.PostAsync(new Uri("/Account/SignIn", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.Contains(handler.CookieContainer.GetCookies(address), c => c.Name == "Forward.Auth");
    }
}
