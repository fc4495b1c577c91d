using System.Text.RegularExpressions;
using Forward.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Forward.Browser.Tests;

/// <summary>The core journey in a real browser: sign in → find a slot → book → confirmation → the hub's list shows it.</summary>
public sealed partial class BookingJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/Account/SignIn");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(ForwardFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/SignIn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Practice_receptionist_books_a_hub_slot_and_the_hub_clinician_sees_it_on_the_day_list()
    {
        var world = await TestWorld.CreateAsync(browser.Factory);
        var nhsNumber = TestPatients.NewNhsNumber();
        var page = await browser.NewPageAsync();

        await SignInAsync(page, world.PracticeStaffA);
        await page.GotoAsync("/Booking/Find");

        // Practice staff search their own practice straight away; results are tables with a Book link per slot.
        var firstBook = page.GetByRole(AriaRole.Link, new() { NameRegex = BookLink() }).First;
        await BrowserFixture.StepAsync(page, "Opening the first free slot", async () =>
        {
            await firstBook.ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/Booking/Book", StringComparison.Ordinal));
        });
        Assert.Contains(world.PracticeA.Name, await page.ContentAsync(), StringComparison.Ordinal);

        // Submit empty first: the NHS.UK error summary lists the problems and links to the fields.
        await page.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();
        var summary = page.Locator(".nhsuk-error-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync();
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Enter the patient's NHS number" })).ToBeVisibleAsync();

        await page.GetByLabel("NHS number").FillAsync(nhsNumber);
        await page.GetByLabel("First name").FillAsync("Priya");
        await page.GetByLabel("Last name").FillAsync("Browsertest");
        var born = page.GetByRole(AriaRole.Group, new() { Name = "Date of birth" });
        await born.GetByLabel("Day").FillAsync("14");
        await born.GetByLabel("Month").FillAsync("3");
        await born.GetByLabel("Year").FillAsync("1975");
        await page.GetByLabel("Contact phone number").FillAsync("07700 900 456");
        await page.Locator("#Input_Consent").CheckAsync();

        // The reason's character count says how far over the limit it is; the text is not cut off, and the page
        // refuses it and keeps it in the box to shorten.
        var reason = page.GetByLabel("Reason for the appointment");
        await reason.FillAsync(new string('x', 510));
        await Assertions.Expect(page.Locator(".nhsuk-character-count__status")).ToHaveTextAsync("You have 10 characters too many");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();
        await Assertions.Expect(summary.GetByRole(AriaRole.Link, new() { Name = "Reason for the appointment must be 500 characters or fewer" })).ToBeVisibleAsync();
        Assert.Equal(510, (await reason.InputValueAsync()).Length);

        await reason.FillAsync("Follow-up of blood pressure");
        await Assertions.Expect(page.Locator(".nhsuk-character-count__status")).ToHaveTextAsync("You have 473 characters remaining");
        if (!await page.Locator("#Input_Consent").IsCheckedAsync())
        {
            await page.Locator("#Input_Consent").CheckAsync();
        }

        await BrowserFixture.StepAsync(page, "Booking", async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/Booking/Confirmation/", StringComparison.Ordinal));
        });
        var panel = page.Locator(".nhsuk-panel");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        var confirmation = await page.ContentAsync();
        Assert.Contains("Priya Browsertest", confirmation, StringComparison.Ordinal);
        var booked = await world.WithDbAsync(db => Task.FromResult(db.Appointments.Single(a => a.Patient!.NhsNumber == nhsNumber)));
        var localDate = Forward.Domain.Time.London.ToLocal(booked.StartUtc).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The hub clinician signs in on a fresh browser context and finds the patient on that day's list.
        var hubPage = await browser.NewPageAsync();
        await SignInAsync(hubPage, world.HubClinician);
        var list = hubPage.Locator("table.nhsuk-table");
        await BrowserFixture.StepAsync(hubPage, "The hub's day list", async () =>
        {
            await hubPage.GotoAsync($"/Hubs/DayList?date={localDate}");
            await Assertions.Expect(list).ToContainTextAsync("Priya Browsertest");
        });
        await Assertions.Expect(hubPage.GetByRole(AriaRole.Link, new() { NameRegex = ViewRecordLink() })).ToHaveCountAsync(1);
    }

    [GeneratedRegex("^Book ")]
    private static partial Regex BookLink();

    [GeneratedRegex("^View record")]
    private static partial Regex ViewRecordLink();
}
