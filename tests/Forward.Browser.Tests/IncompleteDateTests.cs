using Forward.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Forward.Browser.Tests;

/// <summary>
/// A search form's date field with a date typed only in part: Chromium sends it as empty, which the server reads as "not
/// given" and answers for another date (From: today). The page's script stops the search and says so; only a browser
/// can show this, as no request is made.
/// </summary>
public sealed class IncompleteDateTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_search_with_a_date_typed_in_part_is_not_sent_and_the_field_says_so()
    {
        var world = await TestWorld.CreateAsync(browser.Factory);
        var page = await SignedInPageAsync(world.PracticeStaffA);

        // The Appointments search is posted: two digits fill the first part of From (day or month, by the browser's
        // locale) and leave the rest empty.
        await page.GotoAsync("/Appointments");
        var from = page.GetByLabel("From", new() { Exact = true });
        await from.FocusAsync();
        await page.Keyboard.TypeAsync("12");
        Assert.True(await from.EvaluateAsync<bool>("input => input.validity.badInput"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        var summary = page.Locator(".nhsuk-error-summary");
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Enter a complete 'from' date, or clear it" })).ToBeVisibleAsync();
        await Assertions.Expect(summary).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#From-error")).ToHaveTextAsync("Error: Enter a complete 'from' date, or clear it");
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("^Error: Appointments"));
        Assert.EndsWith("/Appointments", page.Url, StringComparison.Ordinal); // not sent: no results for today
        Assert.Contains("From-error", await from.GetAttributeAsync("aria-describedby") ?? string.Empty, StringComparison.Ordinal);

        // Cleared, the search goes: empty From is today, as the hint says.
        await from.FillAsync(string.Empty);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("found=1", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator(".nhsuk-error-summary")).ToHaveCountAsync(0);

        // A search by address (a GET form) is stopped the same way, with the message for its own field.
        await page.GotoAsync("/Booking/Find");
        var to = page.GetByLabel("To", new() { Exact = true });
        await to.FillAsync(string.Empty); // the page fills in its default dates
        await to.FocusAsync();
        await page.Keyboard.TypeAsync("12");
        Assert.True(await to.EvaluateAsync<bool>("input => input.validity.badInput"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator(".nhsuk-error-summary").GetByRole(AriaRole.Link, new() { Name = "Enter a complete 'to' date, or clear it" })).ToBeVisibleAsync();
        Assert.EndsWith("/Booking/Find", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_time_typed_in_part_is_not_saved_and_the_field_says_so()
    {
        // Chromium sends "19:--" as empty, and the server could only say "Enter the time the session ends".
        var world = await TestWorld.CreateAsync(browser.Factory);
        var page = await SignedInPageAsync(world.Commissioner);
        await page.GotoAsync($"/Admin/Session/{world.SessionId}");
        var end = page.GetByLabel("End time", new() { Exact = true });
        await end.FillAsync(string.Empty);
        await end.FocusAsync();
        await page.Keyboard.TypeAsync("19");
        Assert.True(await end.EvaluateAsync<bool>("input => input.validity.badInput"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save session" }).ClickAsync();

        var summary = page.Locator(".nhsuk-error-summary");
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Enter a complete end time" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#Input_EndTime-error")).ToHaveTextAsync("Error: Enter a complete end time");
        Assert.EndsWith($"/Admin/Session/{world.SessionId}", page.Url, StringComparison.Ordinal); // not sent
    }

    [Fact]
    public async Task The_servers_errors_the_page_still_shows_stay_in_the_summary_beside_the_scripts()
    {
        // The server refused the NHS number; then a date typed in part is stopped in the browser. Nothing was sent, so
        // the number is still wrong and its field still says so: the summary lists both, in the form's order.
        var world = await TestWorld.CreateAsync(browser.Factory);
        var page = await SignedInPageAsync(world.PracticeStaffA);
        await page.GotoAsync("/Appointments");
        await page.GetByLabel("NHS number").FillAsync("943 476 5918");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var summary = page.Locator(".nhsuk-error-summary");
        await Assertions.Expect(summary.GetByRole(AriaRole.Link)).ToHaveTextAsync(["NHS number is not valid: its check digit does not match."]);

        var from = page.GetByLabel("From", new() { Exact = true });
        await from.FocusAsync();
        await page.Keyboard.TypeAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(summary.GetByRole(AriaRole.Link)).ToHaveTextAsync(["NHS number is not valid: its check digit does not match.", "Enter a complete 'from' date, or clear it"]);
        await Assertions.Expect(summary).ToHaveCountAsync(1);
        await Assertions.Expect(summary).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#NhsNumber-error")).ToContainTextAsync("NHS number is not valid");

        // From put right and To typed in part: From's item goes (its field no longer shows an error), the number's stays.
        await from.FillAsync(string.Empty);
        var to = page.GetByLabel("To", new() { Exact = true });
        await to.FocusAsync();
        await page.Keyboard.TypeAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(summary.GetByRole(AriaRole.Link)).ToHaveTextAsync(["NHS number is not valid: its check digit does not match.", "Enter a complete 'to' date, or clear it"]);
        Assert.EndsWith("/Appointments", page.Url, StringComparison.Ordinal);
    }

    private async Task<IPage> SignedInPageAsync(string userName)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(ForwardFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/SignIn", StringComparison.Ordinal));
        return page;
    }
}
