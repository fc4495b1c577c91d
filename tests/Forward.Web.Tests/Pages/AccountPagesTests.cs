using System.Net;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Pages;

public sealed class AccountPagesTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static Dictionary<string, string> Credentials(string userName, string password = ForwardFactory.DemoPassword, string? returnUrl = null)
    {
        var fields = new Dictionary<string, string> { ["UserName"] = userName, ["Password"] = password };
        if (returnUrl is not null)
        {
            fields["ReturnUrl"] = returnUrl;
        }

        return fields;
    }

    private static bool SetsAuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("Forward.Auth=", StringComparison.Ordinal) && !c.StartsWith("Forward.Auth=;", StringComparison.Ordinal));

    [Fact]
    public async Task Signing_in_with_the_right_password_sets_the_cookie_and_redirects_home()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);

        var response = await client.PostFormAsync("/Account/SignIn", Credentials(world.PracticeStaffA));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.True(SetsAuthCookie(response), "Expected the Forward.Auth cookie to be set.");

        // The cookie works: the start page now shows the practice's task, and the booking page opens.
        var (status, home) = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("class=\"nhsuk-card__link\" href=\"/Booking/Find\"", home, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Booking/Find")).Status);
    }

    /// <summary>
    /// The second tab's form sent with another user's name, even with a wrong password, once the first has signed in:
    /// the user is told who is signed in, not sent on as them (since 2f3aa2e it went on silently as the first user).
    /// </summary>
    [Fact]
    public async Task A_second_tabs_sign_in_as_someone_else_says_who_is_signed_in()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);
        var (_, secondTab) = await client.GetAsync("/Account/SignIn");

        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/Account/SignIn", Credentials(world.PracticeStaffA))).StatusCode);
        var fields = Credentials(world.Commissioner);
        fields["Password"] = "not-the-password";
        var response = await PostWithTokenAsync(client, "/Account/SignIn", fields, PageClient.AntiforgeryToken(secondTab)!);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(SetsAuthCookie(response));
        Assert.Contains($"You are already signed in as {world.PracticeStaffA}, in another tab or window. Sign out first to sign in as someone else.", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_returns_to_a_local_return_url()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);

        var response = await client.PostFormAsync("/Account/SignIn", Credentials(world.Nhs111, returnUrl: "/Booking/Find?From=2026-06-09"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Booking/Find?From=2026-06-09", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("//evil.example/Booking/Find")]
    [InlineData("/\\evil.example")]
    public async Task A_return_url_to_another_site_is_ignored(string returnUrl)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);

        var response = await client.PostFormAsync("/Account/SignIn", Credentials(world.Nhs111, returnUrl: returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    /// <summary>
    /// A local return address with a character a header cannot carry: the user is signed in and sent there, encoded
    /// (old code: Url.IsLocalUrl let it through as it was, and Kestrel answered 500 writing it into the Location header,
    /// after the password was checked, so nobody was signed in; <see cref="SignInOverKestrelTests"/> shows it over HTTP).
    /// </summary>
    [Theory]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/Appointments?q=é", "/Appointments?q=%C3%A9")]
    [InlineData("/Appointments#é", "/Appointments#%C3%A9")]
    [InlineData("/Appointments\u00A0", "/Appointments%C2%A0")]
    [InlineData("/Appointments?q=a b", "/Appointments?q=a%20b")]
    [InlineData("/Appointments?q=%C3%A9", "/Appointments?q=%C3%A9")]
    public async Task A_local_return_url_with_other_than_ascii_is_encoded_for_the_redirect(string returnUrl, string expected)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);

        var response = await client.PostFormAsync("/Account/SignIn", Credentials(world.HubClinician, returnUrl: returnUrl));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
        Assert.True(SetsAuthCookie(response), "Expected the Forward.Auth cookie to be set.");
        if (expected.StartsWith("/Appointments?", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(expected)).Status);
        }
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_and_signs_nobody_in()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);

        var response = await client.PostFormAsync("/Account/SignIn", Credentials(world.PracticeStaffA, "not-the-password"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(SetsAuthCookie(response));
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#UserName\">The user name or password is not right</a>", html, StringComparison.Ordinal);
        Assert.StartsWith("Error: ", Title(html), StringComparison.Ordinal);

        // The user name is kept; the password never comes back.
        Assert.Contains($"value=\"{world.PracticeStaffA}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Booking/Find")).Status);
    }

    [Fact]
    public async Task Empty_fields_are_asked_for_by_name()
    {
        using var client = new PageClient(factory);

        var response = await client.PostFormAsync("/Account/SignIn", Credentials(string.Empty, string.Empty));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#UserName\">Enter your user name</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Password\">Enter your password</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_locked_account_is_told_to_try_again_in_15_minutes()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);
        for (var i = 0; i < 5; i++)
        {
            await client.PostFormAsync("/Account/SignIn", Credentials(world.HubClinician, "wrong"));
        }

        // Even the right password is refused while the lock lasts, and the page says why.
        var response = await client.PostFormAsync("/Account/SignIn", Credentials(world.HubClinician));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(SetsAuthCookie(response));
        Assert.Contains("Try again in 15 minutes", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// A post from another site, made to sign this browser in as the attacker (login CSRF), signs nobody in: not without
    /// a token, nor with a token the attacker got for their own browser. The form is drawn again and works.
    /// </summary>
    [Fact]
    public async Task A_sign_in_post_without_a_token_that_fits_is_refused_and_the_form_drawn_again()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);
        using var attacker = new PageClient(factory);
        var (_, attackerForm) = await attacker.GetAsync("/Account/SignIn");
        var attackerToken = PageClient.AntiforgeryToken(attackerForm)!;

        foreach (var forged in new Func<Task<HttpResponseMessage>>[]
        {
            () => client.PostFormWithoutTokenAsync("/Account/SignIn", Credentials(world.PracticeStaffA)),
            () => PostWithTokenAsync(client, "/Account/SignIn", Credentials(world.PracticeStaffA), attackerToken),
        })
        {
            var response = await forged();
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.False(SetsAuthCookie(response));
            Assert.Contains("<li>The page had expired. Sign in again.</li>", html, StringComparison.Ordinal);
            Assert.StartsWith("Error: Sign in", Title(html), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Booking/Find")).Status);
            Assert.Equal(HttpStatusCode.Redirect, (await PostWithTokenAsync(client, "/Account/SignIn", Credentials(world.PracticeStaffA), PageClient.AntiforgeryToken(html)!)).StatusCode);
            using var signOut = await client.PostFormAsync("/Account/SignOut", new Dictionary<string, string>(), formPage: "/");
        }
    }

    /// <summary>
    /// The sign-in form open in two tabs: once one has signed in, the other's form goes on where it was going (old code:
    /// the "could not understand that request" page, its token being one made for nobody signed in).
    /// </summary>
    [Fact]
    public async Task A_second_tabs_sign_in_after_the_first_has_signed_in_goes_on_to_the_return_url()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = new PageClient(factory);
        var (_, secondTab) = await client.GetAsync("/Account/SignIn?ReturnUrl=%2FBooking%2FFind");

        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/Account/SignIn", Credentials(world.PracticeStaffA))).StatusCode);
        var response = await PostWithTokenAsync(client, "/Account/SignIn", Credentials(world.PracticeStaffA, returnUrl: "/Booking/Find"), PageClient.AntiforgeryToken(secondTab)!);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Booking/Find", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Booking/Find")).Status);
    }

    /// <summary>
    /// A sign-in form drawn while signed in, used after the session has ended: the form is drawn again, saying why,
    /// and signs in from there (old code: the "could not understand that request" page).
    /// </summary>
    [Fact]
    public async Task A_sign_in_form_from_before_the_session_ended_is_drawn_again_and_then_signs_in()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, oldForm) = await client.GetAsync("/Account/SignIn");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/Account/SignOut", new Dictionary<string, string>(), formPage: "/")).StatusCode);

        var response = await PostWithTokenAsync(client, "/Account/SignIn", Credentials(world.PracticeStaffA), PageClient.AntiforgeryToken(oldForm)!);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(SetsAuthCookie(response));
        Assert.Contains("<li>The page had expired. Sign in again.</li>", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{world.PracticeStaffA}\"", html, StringComparison.Ordinal);
        var again = await PostWithTokenAsync(client, "/Account/SignIn", Credentials(world.PracticeStaffA), PageClient.AntiforgeryToken(html)!);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.True(SetsAuthCookie(again), "Expected the Forward.Auth cookie to be set.");
    }

    /// <summary>
    /// Sign out pressed on a second page after the first has signed out: the user is told they are signed out (old code:
    /// the "could not understand that request" page, the token being one made for the user who had gone).
    /// </summary>
    [Fact]
    public async Task Signing_out_from_a_second_page_after_the_first_says_you_are_signed_out()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, secondPage) = await client.GetAsync("/Booking/Find");

        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/Account/SignOut", new Dictionary<string, string>(), formPage: "/")).StatusCode);
        var response = await PostWithTokenAsync(client, "/Account/SignOut", new Dictionary<string, string>(), PageClient.AntiforgeryToken(secondPage)!);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/SignOut", response.Headers.Location?.OriginalString);
        var (status, html) = await client.GetAsync("/Account/SignOut");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("You are signed out.", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// A page drawn for one user, its sign-out pressed after another has signed in in this browser: nobody is signed out
    /// on a token made for someone else; the page asks again, and signs out from there.
    /// </summary>
    [Fact]
    public async Task Signing_out_on_a_page_drawn_for_someone_else_asks_again()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, pageOfA) = await client.GetAsync("/Booking/Find");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/Account/SignOut", new Dictionary<string, string>(), formPage: "/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync("/Account/SignIn", Credentials(world.Nhs111))).StatusCode);

        var response = await PostWithTokenAsync(client, "/Account/SignOut", new Dictionary<string, string>(), PageClient.AntiforgeryToken(pageOfA)!);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<li>The page had expired. To sign out, press Sign out again.</li>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Booking/Find")).Status);
        var again = await PostWithTokenAsync(client, "/Account/SignOut", new Dictionary<string, string>(), PageClient.AntiforgeryToken(html)!);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Booking/Find")).Status);
    }

    [Fact]
    public async Task The_sign_in_page_lists_demo_users_in_testing_but_never_shows_the_password_there()
    {
        using var client = new PageClient(factory);

        var (status, html) = await client.GetAsync("/Account/SignIn");

        Assert.Equal(HttpStatusCode.OK, status);
        foreach (var user in new[] { "commissioner", "commissioner.beds", "practice", "hubclinician", "nhs111" })
        {
            Assert.Contains($"<code>{user}</code>", html, StringComparison.Ordinal);
        }

        Assert.Contains("Forward:Demo:Password", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ForwardFactory.DemoPassword, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_session_ends_when_its_account_is_moved_to_another_practice_or_removed()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("/Booking/Find")).Status);

        // The account now works for practice B: the cookie saying practice A no longer signs anyone in.
        await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.PracticeStaffA).ExecuteUpdateAsync(u => u.SetProperty(x => x.PracticeId, world.PracticeB.Id)));
        var moved = await staff.Http.GetAsync(new Uri("/Booking/Find", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal("/Account/SignIn", moved.Headers.Location?.AbsolutePath);

        // A removed account's cookie likewise, even once an account of the same name, role and hub is made again.
        using var hub = await PageClient.SignedInAsync(factory, world.HubClinician);
        Assert.Equal(HttpStatusCode.OK, (await hub.GetAsync("/Hubs/DayList")).Status);
        await world.WithDbAsync(async db =>
        {
            var old = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == world.HubClinician);
            await db.Users.Where(u => u.Id == old.Id).ExecuteDeleteAsync();
            db.Users.Add(new Forward.Domain.Access.UserAccount
            {
                UserName = old.UserName,
                DisplayName = old.DisplayName,
                Role = old.Role,
                HubId = old.HubId,
                CcgId = old.CcgId,
                PracticeId = old.PracticeId,
                OrganisationOds = old.OrganisationOds,
                PasswordHash = old.PasswordHash,
            });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Redirect, (await hub.Http.GetAsync(new Uri("/Hubs/DayList", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_page_session_ends_twelve_hours_after_sign_in_however_often_it_is_used()
    {
        var world = await TestWorld.CreateAsync(factory);
        var signedIn = factory.Clock.GetUtcNow();
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // Used every five hours: each use slides the eight-hour cookie on, but the session still ends at twelve.
        foreach (var (hours, expected) in new[] { (5, HttpStatusCode.OK), (10, HttpStatusCode.OK), (13, HttpStatusCode.Redirect) })
        {
            using (factory.Clock.TravelTo(signedIn.UtcDateTime.AddHours(hours)))
            {
                Assert.Equal(expected, (await staff.Http.GetAsync(new Uri("/Booking/Find", UriKind.Relative))).StatusCode);
            }
        }
    }

    [Fact]
    public async Task Anonymous_visitors_to_a_booking_page_are_sent_to_sign_in()
    {
        using var client = new PageClient(factory);

        var response = await client.Http.GetAsync(new Uri("/Booking/Find", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/SignIn", response.Headers.Location?.AbsolutePath);
        Assert.Contains("ReturnUrl=%2FBooking%2FFind", response.Headers.Location?.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commissioner_cannot_open_the_booking_page_and_gets_the_access_denied_page_with_403()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.Commissioner);

        var response = await client.Http.GetAsync(new Uri("/Booking/Find", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/AccessDenied", response.Headers.Location?.AbsolutePath);

        var (status, html) = await client.GetAsync(response.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("You do not have permission to view this page", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_needs_a_post_and_ends_the_session()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var client = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // A GET does not sign anyone out.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/SignOut")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Booking/Find")).Status);

        // Nor does a cross-site POST without the token: the page asks again.
        var naked = await client.PostFormWithoutTokenAsync("/Account/SignOut", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, naked.StatusCode);
        Assert.Contains("The page had expired", await naked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostFormWithoutTokenAsync("/Account/SignOut", new Dictionary<string, string> { ["x"] = "\u0000" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Booking/Find")).Status);

        // The same account signed in elsewhere (or its cookie copied), and a token it holds for the API.
        using var elsewhere = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.GetAsync("/Booking/Find")).Status);
        var api = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

        // A moment later (a session issued in the very second of a sign-out is taken as issued after it).
        using var later = factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.AddSeconds(2));
        var response = await client.PostFormAsync("/Account/SignOut", new Dictionary<string, string>(), formPage: "/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/Booking/Find")).Status);

        // Signing out ends the account's every session and token (old code: only this browser's cookie was deleted, and a
        // copy of it still opened every page for up to 12 hours).
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/Booking/Find")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);

        // Signing straight back in works.
        using var again = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/Booking/Find")).Status);

        // A demo account is shared by everyone trying Forward: signing out ends only that browser's cookie.
        await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.PracticeStaffB).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsDemo, true)));
        using var demoHere = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        using var demoThere = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        using var evenLater = factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.AddSeconds(2));
        Assert.Equal(HttpStatusCode.Redirect, (await demoHere.PostFormAsync("/Account/SignOut", new Dictionary<string, string>(), formPage: "/")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await demoHere.GetAsync("/Booking/Find")).Status);
        Assert.Equal(HttpStatusCode.OK, (await demoThere.GetAsync("/Booking/Find")).Status);
    }

    [Fact]
    public async Task The_start_page_offers_sign_in_to_visitors_and_each_role_its_own_tasks()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var anonymous = new PageClient(factory);
        var (status, html) = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"/Account/SignIn\" role=\"button\"", html, StringComparison.Ordinal);

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (_, commissionerHome) = await commissioner.GetAsync("/");
        Assert.Contains("class=\"nhsuk-card__link\" href=\"/Admin/Hubs\"", commissionerHome, StringComparison.Ordinal);
        Assert.Contains("class=\"nhsuk-card__link\" href=\"/Audit\"", commissionerHome, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Booking/Find\"", commissionerHome, StringComparison.Ordinal);

        using var hub = await PageClient.SignedInAsync(factory, world.HubClinician);
        var (_, hubHome) = await hub.GetAsync("/");
        Assert.Contains("class=\"nhsuk-card__link\" href=\"/Hubs/DayList\"", hubHome, StringComparison.Ordinal);
        Assert.Contains("class=\"nhsuk-card__link\" href=\"/Booking/Find\"", hubHome, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Audit\"", hubHome, StringComparison.Ordinal);
    }

    /// <summary>Posts the fields with <paramref name="token"/>: a form drawn earlier, in another tab or by another browser.</summary>
    private static async Task<HttpResponseMessage> PostWithTokenAsync(PageClient client, string url, Dictionary<string, string> fields, string token)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token });
        return await client.Http.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    private static string Title(string html)
    {
        var start = html.IndexOf("<title>", StringComparison.Ordinal) + "<title>".Length;
        return html[start..html.IndexOf("</title>", start, StringComparison.Ordinal)];
    }
}
