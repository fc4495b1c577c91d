using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Access;

/// <summary>
/// Every form that posts carries an anti-forgery token, on every page each role can open, and a post without the token
/// is refused with 400 — for every page, as each role that may use it.
/// </summary>
public sealed partial class AntiforgeryTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] Roles = ["commissioner", "practice", "hubclinician", "nhs111"];

    [Fact]
    public async Task Every_post_form_on_every_page_has_a_token_and_posts_without_one_are_refused()
    {
        var pages = MappedEndpoint.All(factory)
            .Where(e => e.IsPage)
            .Select(e => e.Path)
            .Where(r => !r.Contains('{', StringComparison.Ordinal) && r != "/Account/SignOut" && r != "/Error")
            .Distinct()
            .ToList();
        Assert.Contains("/Booking/Find", pages);

        var formsSeen = 0;
        var failures = new List<string>();
        foreach (var role in Roles.Prepend("anonymous"))
        {
            using var client = role == "anonymous" ? new PageClient(factory) : await PageClient.SignedInAsync(factory, role);
            foreach (var page in pages)
            {
                var (status, html) = await client.GetAsync(page);
                if (status != HttpStatusCode.OK)
                {
                    continue;
                }

                foreach (Match form in PostForm().Matches(html))
                {
                    formsSeen++;
                    if (!form.Value.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal))
                    {
                        failures.Add($"{page} as {role}: a post form without an anti-forgery token");
                    }
                }

                var naked = await client.PostFormWithoutTokenAsync(page, new Dictionary<string, string> { ["anything"] = "1" });
                if (naked.StatusCode != HttpStatusCode.BadRequest)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{page} as {role}: a post without a token answered {(int)naked.StatusCode}"));
                }
            }
        }

        Assert.True(formsSeen >= 5, $"only {formsSeen} post forms were found");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [GeneratedRegex("<form[^>]*method=\"post\"[^>]*>.*?</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex PostForm();
}
