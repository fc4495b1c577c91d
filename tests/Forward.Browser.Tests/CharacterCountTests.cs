using Forward.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Forward.Browser.Tests;

/// <summary>
/// NHS.UK's character count under a text box counts characters as the service does against the limit (Unicode code
/// points, FreeText.Characters), not UTF-16 code units: an emoji is one character, not two. Only a browser runs it.
/// </summary>
public sealed class CharacterCountTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Emoji_count_once_and_text_the_count_calls_within_the_limit_is_taken()
    {
        var world = await TestWorld.CreateAsync(browser.Factory);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await page.GetByLabel("User name").FillAsync(world.PracticeStaffA);
        await page.GetByLabel("Password").FillAsync(ForwardFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/SignIn", StringComparison.Ordinal));
        await page.GotoAsync("/Booking/Find");
        await BrowserFixture.StepAsync(page, "Opening the first free slot", async () =>
        {
            await page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Book ") }).First.ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/Booking/Book", StringComparison.Ordinal));
        });

        // 490 characters of the 500 allowed, 550 UTF-16 code units: NHS.UK's own count said "50 characters too many".
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 60));
        var reason = page.GetByLabel("Reason for the appointment");
        await reason.FillAsync(new string('x', 430) + emoji);
        await Assertions.Expect(page.Locator(".nhsuk-character-count__status")).ToHaveTextAsync("You have 10 characters remaining");

        // A line break is one character too, though the browser sends it as two (CR LF).
        var text = new string('x', 215) + "\n" + new string('x', 215) + emoji;
        await reason.FillAsync(text);
        await Assertions.Expect(page.Locator(".nhsuk-character-count__status")).ToHaveTextAsync("You have 9 characters remaining");

        // And the service takes it.
        var nhsNumber = TestPatients.NewNhsNumber();
        await page.GetByLabel("NHS number").FillAsync(nhsNumber);
        await page.GetByLabel("First name").FillAsync("Ela");
        await page.GetByLabel("Last name").FillAsync("Countbrowser");
        var born = page.GetByRole(AriaRole.Group, new() { Name = "Date of birth" });
        await born.GetByLabel("Day").FillAsync("2");
        await born.GetByLabel("Month").FillAsync("11");
        await born.GetByLabel("Year").FillAsync("1990");
        await page.GetByLabel("Contact phone number").FillAsync("07700 900 458");
        await page.Locator("#Input_Consent").CheckAsync();
        await BrowserFixture.StepAsync(page, "Booking", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/Booking/Confirmation/", StringComparison.Ordinal));
        });

        var booked = await world.WithDbAsync(db => Task.FromResult(db.Appointments.Single(a => a.Patient!.NhsNumber == nhsNumber)));
        Assert.Equal(text, booked.Reason);
    }
}
