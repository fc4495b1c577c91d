using System.Globalization;
using System.Net;
using Forward.Domain.Audit;
using Forward.Web.Tests.Infrastructure;
using Forward.Web.Tests.Pages;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Access;

/// <summary>
/// Pages answer GET, HEAD and POST, and only through one of their handlers. Every page the app maps (read from its
/// route table, as the authorisation matrix does) is sent other methods, posts it takes no handler for, and handler
/// names it does not have, by every role: each is refused (405 or 404), never drawn without its data and never 500.
/// </summary>
public sealed class PageMethodTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] Roles = ["commissioner", "practice", "hubclinician", "nhs111"];

    private static readonly string[] OtherMethods = ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS"];

    [Fact]
    public async Task Every_page_answers_other_methods_405_with_allow_and_heads_as_it_gets()
    {
        var pages = await PagesAsync();
        var failures = new List<string>();
        foreach (var role in Roles)
        {
            using var client = await PageClient.SignedInAsync(factory, role);
            foreach (var page in pages.Where(p => p.Path != "/Account/SignOut"))
            {
                foreach (var method in OtherMethods)
                {
                    using var response = await SendAsync(client.Http, method, page.Url);
                    var allow = string.Join(", ", response.Content.Headers.Allow);
                    if (response.StatusCode != HttpStatusCode.MethodNotAllowed || allow != "GET, HEAD, POST")
                    {
                        failures.Add(string.Create(CultureInfo.InvariantCulture, $"{method} {page.Url} as {role}: {(int)response.StatusCode}, Allow '{allow}'"));
                    }
                }

                // HEAD is answered by the page's OnGet, as GET is (the same status, no body).
                using var get = await SendAsync(client.Http, "GET", page.Url);
                using var head = await SendAsync(client.Http, "HEAD", page.Url);
                if (head.StatusCode != get.StatusCode || head.StatusCode == HttpStatusCode.MethodNotAllowed)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"HEAD {page.Url} as {role}: {(int)head.StatusCode}, GET {(int)get.StatusCode}"));
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// An anonymous caller is sent to sign in for any other method, public pages included, exactly as for a path where
    /// there is no page: it learns neither what the page holds nor that it exists.
    /// </summary>
    [Fact]
    public async Task Other_methods_from_an_anonymous_caller_are_sent_to_sign_in_as_for_a_page_that_does_not_exist()
    {
        using var anonymous = new PageClient(factory);
        var pages = await PagesAsync();
        var failures = new List<string>();
        foreach (var method in OtherMethods)
        {
            using var nowhere = await SendAsync(anonymous.Http, method, "/No/Such/Page");
            Assert.Equal(HttpStatusCode.Redirect, nowhere.StatusCode);
            foreach (var page in pages)
            {
                using var response = await SendAsync(anonymous.Http, method, page.Url);
                if (response.StatusCode != nowhere.StatusCode || Target(response) != Target(nowhere) || response.Content.Headers.Allow.Count > 0)
                {
                    failures.Add(string.Create(CultureInfo.InvariantCulture, $"{method} {page.Url} anonymously: {(int)response.StatusCode} {response.Headers.Location}"));
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// A post with a valid token to a page that takes no posts is 405 (Allow: GET, HEAD), whatever handler it names; one
    /// to a page whose posts all name a handler, naming none, is 404; a handler name the page does not have is 404. Every
    /// page must be reached by some role (others are turned away by the role gate first, which is a refusal too).
    /// </summary>
    [Fact]
    public async Task Posts_no_handler_takes_and_unknown_handler_names_are_refused_on_every_page()
    {
        // But the error page: it is drawn for a failed request with that request's own query, ?handler= included
        // (UnexpectedFaultTests).
        var pages = (await PagesAsync()).Where(p => p.Path != "/Error").ToList();
        var failures = new List<string>();
        var reached = pages.ToDictionary(p => p.Url, _ => 0);
        foreach (var role in Roles.Prepend("anonymous"))
        {
            using var client = role == "anonymous" ? new PageClient(factory) : await PageClient.SignedInAsync(factory, role);
            var token = PageClient.AntiforgeryToken((await client.GetAsync(role == "anonymous" ? "/Account/SignIn" : "/")).Html)
                ?? throw new InvalidOperationException($"No anti-forgery token for {role}.");

            // The sign-out page last: were a post to reach its handler (as on the old code), the rest would be signed out.
            foreach (var page in pages.OrderBy(p => p.Path == "/Account/SignOut"))
            {
                var checks = new List<(string Method, string Url, HttpStatusCode Expected, string? Allow)>
                {
                    ("GET", page.Url + "?handler=NoSuchHandler", HttpStatusCode.NotFound, null),
                };
                if (page.Posts.Count == 0)
                {
                    // The page takes no posts at all, whatever handler they name.
                    checks.Add(("POST", page.Url, HttpStatusCode.MethodNotAllowed, "GET, HEAD"));
                    checks.Add(("POST", page.Url + "?handler=NoSuchHandler", HttpStatusCode.MethodNotAllowed, "GET, HEAD"));
                }
                else
                {
                    checks.Add(("POST", page.Url + "?handler=NoSuchHandler", HttpStatusCode.NotFound, null));
                    if (!page.Posts.Contains(null))
                    {
                        checks.Add(("POST", page.Url, HttpStatusCode.NotFound, null));
                    }
                }

                foreach (var (method, url, expected, allow) in checks)
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
                    if (method == "POST")
                    {
                        request.Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]);
                    }

                    using var response = await client.Http.SendAsync(request);
                    if (TurnedAwayByRole(response))
                    {
                        continue;
                    }

                    reached[page.Url]++;
                    var allowed = string.Join(", ", response.Content.Headers.Allow);
                    if (response.StatusCode != expected || (allow is not null && allowed != allow))
                    {
                        failures.Add(string.Create(CultureInfo.InvariantCulture, $"{method} {url} as {role}: {(int)response.StatusCode} (Allow '{allowed}'), expected {(int)expected}{(allow is null ? string.Empty : $" (Allow '{allow}')")}"));
                    }
                }
            }
        }

        failures.AddRange(reached.Where(p => p.Value == 0).Select(p => $"{p.Key}: no role got past the role gate, so nothing was shown"));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    /// <summary>
    /// The record page audits every view and every refusal, so it must not say a refusal was audited for a request it
    /// never handled: TRACE and a post (its only handler is OnGet) are refused before it, and nothing is audited.
    /// </summary>
    [Fact]
    public async Task The_record_page_refuses_other_methods_without_claiming_an_audit()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var id = await PageTestData.BookAsync(world, world.PracticeStaffA, slot.Id, "Methodical");
        Task<int> AuditedAsync() => world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action.StartsWith("record.") && e.EntityId == $"{id}"));

        foreach (var userName in new[] { world.HubClinician, world.PracticeStaffA })
        {
            using var client = await PageClient.SignedInAsync(factory, userName);
            var token = PageClient.AntiforgeryToken((await client.GetAsync("/")).Html) ?? throw new InvalidOperationException("No anti-forgery token.");
            using var trace = await SendAsync(client.Http, "TRACE", $"/Hubs/Record/{id}");
            using var post = await client.Http.PostAsync(new Uri($"/Hubs/Record/{id}", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
            foreach (var response in new[] { trace, post })
            {
                var html = await response.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
                Assert.DoesNotContain("audit log", html, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("You cannot open this record", html, StringComparison.Ordinal);
            }

            Assert.Equal(0, await AuditedAsync());
        }

        // A GET is still handled, and audited.
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/Hubs/Record/{id}")).Status);
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.RecordView && e.EntityId == $"{id}")));
    }

    /// <summary>Where a redirect goes, without its query (which names the page asked for).</summary>
    private static string? Target(HttpResponseMessage response) => response.Headers.Location?.OriginalString.Split('?')[0];

    private static bool TurnedAwayByRole(HttpResponseMessage response)
    {
        var location = response.Headers.Location?.OriginalString ?? string.Empty;
        return response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            || (response.StatusCode == HttpStatusCode.Redirect && (location.Contains("/Account/SignIn", StringComparison.Ordinal) || location.Contains("/Account/AccessDenied", StringComparison.Ordinal)));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method is "PUT" or "PATCH" or "POST")
        {
            request.Content = new FormUrlEncodedContent([]);
        }

        return await client.SendAsync(request);
    }

    /// <summary>
    /// Every page in the route table, with an id of 1 where its route takes one (the refusals here come before any
    /// record is looked up), and the names of its post handlers (null for an unnamed OnPost), as Razor Pages loads them.
    /// </summary>
    private async Task<List<(string Path, string Url, IReadOnlyList<string?> Posts)>> PagesAsync()
    {
        var loader = factory.Services.GetRequiredService<PageLoader>();
        var pages = new List<(string Path, string Url, IReadOnlyList<string?> Posts)>();
        foreach (var endpoint in MappedEndpoint.All(factory).Where(e => e.IsPage))
        {
            var compiled = await loader.LoadAsync(endpoint.Endpoint!.Metadata.GetMetadata<PageActionDescriptor>()!, endpoint.Endpoint.Metadata);
            IReadOnlyList<string?> posts = [.. compiled.HandlerMethods.Where(h => HttpMethods.IsPost(h.HttpMethod)).Select(h => h.Name)];
            pages.Add((endpoint.Path, endpoint.PathWith("1"), posts));
        }

        Assert.Contains(pages, p => p.Path == "/Hubs/Record/{appointmentId:long}" && p.Posts.Count == 0);
        Assert.Contains(pages, p => p.Path == "/Admin/Hub/{id:int}" && p.Posts.Count > 0 && !p.Posts.Contains(null));
        Assert.Contains(pages, p => p.Path == "/Booking/Book" && p.Posts.Contains(null));
        return pages;
    }
}
