using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// A browser-like HTTP client for the Razor pages: keeps cookies, does not follow redirects (tests assert them), and
/// posts forms with the anti-forgery token taken from the page, as a browser would.
/// </summary>
public sealed partial class PageClient : IDisposable
{
    private readonly HttpClient http;

    public PageClient(ForwardFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
    }

    public HttpClient Http => http;

    public static async Task<PageClient> SignedInAsync(ForwardFactory factory, string userName, string password = ForwardFactory.DemoPassword)
    {
        var client = new PageClient(factory);
        var response = await client.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = userName, ["Password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {userName} failed: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return client;
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string url)
    {
        var response = await http.GetAsync(new Uri(url, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="formPage"/> (or the target) for a fresh anti-forgery token, then POSTs the fields.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string url, IDictionary<string, string> fields, string? formPage = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var (_, html) = await GetAsync(formPage ?? url);
        var token = AntiforgeryToken(html) ?? throw new InvalidOperationException($"No anti-forgery token on {formPage ?? url}.");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token };
        using var content = new FormUrlEncodedContent(form);
        return await http.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    /// <summary>POSTs without any anti-forgery token, to prove it is required.</summary>
    public async Task<HttpResponseMessage> PostFormWithoutTokenAsync(string url, IDictionary<string, string> fields)
    {
        using var content = new FormUrlEncodedContent(fields);
        return await http.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    /// <summary>
    /// Posts every form to <paramref name="url"/> at the same moment, with one anti-forgery token read first from
    /// <paramref name="formPage"/> (or the target): several people pressing save together.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Html)[]> PostAtOnceAsync(string url, IEnumerable<IEnumerable<KeyValuePair<string, string>>> forms, string? formPage = null)
    {
        ArgumentNullException.ThrowIfNull(forms);
        var (_, html) = await GetAsync(formPage ?? url);
        var token = AntiforgeryToken(html) ?? throw new InvalidOperationException($"No anti-forgery token on {formPage ?? url}.");
        return await Task.WhenAll(forms.Select(async form =>
        {
            using var content = new FormUrlEncodedContent(form.Append(new("__RequestVerificationToken", token)));
            using var response = await http.PostAsync(new Uri(url, UriKind.Relative), content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }));
    }

    /// <summary>The value of the form's hidden <c>Input.Version</c> field (the version an edit form was opened at).</summary>
    public static int VersionOnForm(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var match = VersionPattern().Match(html);
        Assert.True(match.Success, "The form has no Input.Version field.");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string? AntiforgeryToken(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var match = TokenPattern().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>Each form on the page that posts, as HTML from its opening tag to its end.</summary>
    public static IEnumerable<string> PostForms(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        return PostFormPattern().Matches(html).Select(m => m.Value);
    }

    public void Dispose() => http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostFormPattern();

    [GeneratedRegex("name=\"Input.Version\" value=\"(-?[0-9]+)\"")]
    private static partial Regex VersionPattern();
}
