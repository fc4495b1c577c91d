using System.Globalization;
using System.Net;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Access;

/// <summary>
/// Every form that posts carries an anti-forgery token, on every page each role can open, and a post without the token
/// is refused with 400 — for every page, as each role that may use it. (The sign-in and sign-out pages check the token
/// themselves, to tell a form that outlived its token from a forged one: AccountPagesTests.)
/// </summary>
public sealed class AntiforgeryTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
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

                foreach (var form in PageClient.PostForms(html))
                {
                    formsSeen++;
                    if (!form.Contains("name=\"__RequestVerificationToken\"", StringComparison.Ordinal))
                    {
                        failures.Add($"{page} as {role}: a post form without an anti-forgery token");
                    }
                }

                // Refused everywhere, the sign-in page too: a user already signed in goes on only when the post names them
                // (AccountPagesTests), and this one names nobody.
                var refused = HttpStatusCode.BadRequest;
                var naked = await client.PostFormWithoutTokenAsync(page, new Dictionary<string, string> { ["anything"] = "1" });
                if (naked.StatusCode != refused)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{page} as {role}: a post without a token answered {(int)naked.StatusCode}"));
                }
            }
        }

        Assert.True(formsSeen >= 5, $"only {formsSeen} post forms were found");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// Pages addressed by an id cannot be listed and opened like the others, but the token is checked before the page
    /// looks for its record: a post without one is refused with 400 for any id, by every role the page lets in (the
    /// others are turned away first, which is a refusal too). Each such page must be reached by at least one role.
    /// </summary>
    [Fact]
    public async Task Posts_without_a_token_to_pages_addressed_by_an_id_are_refused()
    {
        var pages = MappedEndpoint.All(factory)
            .Where(e => e.IsPage && e.Path.Contains('{', StringComparison.Ordinal))
            .Select(e => e.PathWith("1"))
            .Distinct()
            .ToList();
        Assert.Contains("/Appointments/Details/1", pages);

        var failures = new List<string>();
        var refusedWith400 = pages.ToDictionary(p => p, _ => 0);
        foreach (var role in Roles.Prepend("anonymous"))
        {
            using var client = role == "anonymous" ? new PageClient(factory) : await PageClient.SignedInAsync(factory, role);
            foreach (var page in pages)
            {
                foreach (var handler in new[] { string.Empty, "?handler=Deactivate", "?handler=Outcome", "?handler=Assign" })
                {
                    var naked = await client.PostFormWithoutTokenAsync(page + handler, new Dictionary<string, string> { ["anything"] = "1" });
                    switch (naked.StatusCode)
                    {
                        case HttpStatusCode.BadRequest:
                            refusedWith400[page]++;
                            break;
                        case HttpStatusCode.Redirect or HttpStatusCode.Forbidden
                            when naked.StatusCode == HttpStatusCode.Forbidden || naked.Headers.Location?.OriginalString.Contains("/Account/", StringComparison.Ordinal) == true:
                            break; // this role may not use the page at all
                        default:
                            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{page}{handler} as {role}: a post without a token answered {(int)naked.StatusCode} {naked.Headers.Location}"));
                            break;
                    }
                }
            }
        }

        failures.AddRange(refusedWith400.Where(p => p.Value == 0).Select(p => $"{p.Key}: no role reached it, so nothing showed its token is checked"));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
