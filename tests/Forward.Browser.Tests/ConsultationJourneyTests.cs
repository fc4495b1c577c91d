using System.Text.RegularExpressions;
using Forward.Domain.Consultation;
using Forward.Domain.Notifications;
using Forward.Web.Tests.Consultation;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Forward.Browser.Tests;

/// <summary>
/// Online consultation end to end in a real browser: a patient (not signed in) sends a request on /Consult; staff of that
/// practice sign in, find it in their queue, open it and book the patient a hub slot from it; the patient's booking
/// confirmation is in the outbox and the request is closed as booked.
/// </summary>
public sealed partial class ConsultationJourneyTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static Task ContinueAsync(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true }).ClickAsync();

    [Fact]
    public async Task A_patient_sends_a_request_and_practice_staff_book_them_a_slot_from_the_queue()
    {
        var world = await TestWorld.CreateAsync(browser.Factory);
        await ConsultJourney.SetPracticeAsync(browser.Factory, world.PracticeA);
        var nhsNumber = TestPatients.NewNhsNumber();

        // The patient: no sign-in.
        var patient = await browser.NewPageAsync();
        await patient.GotoAsync("/Consult");
        await patient.GetByLabel("Search by practice name, practice code or area").FillAsync(world.PracticeA.OdsCode);
        await patient.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await patient.Locator($"input[name='PracticeOds'][value='{world.PracticeA.OdsCode}']").CheckAsync();
        await ContinueAsync(patient);

        await Assertions.Expect(patient.Locator("h1")).ToHaveTextAsync("Check if you need urgent help");
        var noes = patient.Locator("input[type='radio'][value='false']");
        for (var i = 0; i < await noes.CountAsync(); i++)
        {
            await noes.Nth(i).CheckAsync();
        }

        await ContinueAsync(patient);
        await Assertions.Expect(patient.Locator("h1")).ToHaveTextAsync("Your details");
        await patient.GetByLabel("NHS number").FillAsync(nhsNumber);
        await patient.GetByLabel("First name").FillAsync("Sam");
        await patient.GetByLabel("Last name").FillAsync("Consultbrowser");
        var born = patient.GetByRole(AriaRole.Group, new() { Name = "Date of birth" });
        await born.GetByLabel("Day").FillAsync("19");
        await born.GetByLabel("Month").FillAsync("7");
        await born.GetByLabel("Year").FillAsync("1982");
        await patient.GetByLabel("Mobile number").FillAsync("07700 900 777");
        await ContinueAsync(patient);

        await patient.Locator($"input[name='Kind'][value='{nameof(ConsultationKind.Medical)}']").CheckAsync();
        await ContinueAsync(patient);
        await Assertions.Expect(patient.Locator("h1")).ToHaveTextAsync("Your medical problem");
        await patient.GetByLabel("Your problem in a few words").FillAsync("Painful wrist");
        await patient.Locator($"input[name='About.Duration'][value='{nameof(DurationBand.TwoToSevenDays)}']").CheckAsync();
        await patient.Locator($"input[name='About.Severity'][value='{nameof(SeverityBand.Moderate)}']").CheckAsync();
        await patient.GetByLabel("Describe your problem").FillAsync("I fell on my wrist playing football and it still hurts.");
        await ContinueAsync(patient);

        await Assertions.Expect(patient.Locator("h1")).ToHaveTextAsync("Check your answers before sending your request");
        await patient.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await patient.WaitForURLAsync(url => url.Contains("/Consult/Confirmation", StringComparison.Ordinal));
        var reference = (await patient.Locator("[data-testid='reference']").InnerTextAsync()).Trim();
        Assert.Matches(ReferencePattern(), reference);

        // Practice staff: the queue, the request, then a slot booked from it.
        var staff = await browser.NewPageAsync();
        await staff.GotoAsync("/Account/SignIn");
        await staff.GetByLabel("User name").FillAsync(world.PracticeStaffA);
        await staff.GetByLabel("Password").FillAsync(ForwardFactory.DemoPassword);
        await staff.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await staff.WaitForURLAsync(url => !url.Contains("/Account/SignIn", StringComparison.Ordinal));

        await staff.GetByRole(AriaRole.Link, new() { Name = "Online requests" }).First.ClickAsync();
        var row = staff.Locator($"tr[data-reference='{reference}']");
        await Assertions.Expect(row).ToContainTextAsync("Painful wrist");
        await row.GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();

        await Assertions.Expect(staff.Locator("h1")).ToHaveTextAsync($"Online request {reference}");
        await Assertions.Expect(staff.Locator("#details")).ToHaveTextAsync("I fell on my wrist playing football and it still hurts.");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Book an appointment" }).ClickAsync(); // an NHS.UK link styled and announced as a button

        await Assertions.Expect(staff.Locator("#booking-for-request")).ToContainTextAsync(reference);
        await staff.GetByRole(AriaRole.Link, new() { NameRegex = BookLink() }).First.ClickAsync();
        await staff.WaitForURLAsync(url => url.Contains("/Booking/Book", StringComparison.Ordinal));
        await Assertions.Expect(staff.GetByLabel("NHS number")).ToHaveValueAsync(nhsNumber);
        await Assertions.Expect(staff.GetByLabel("Last name")).ToHaveValueAsync("Consultbrowser");
        await Assertions.Expect(staff.GetByLabel("Contact phone number")).ToHaveValueAsync("07700900777");
        await staff.Locator("#Input_Consent").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Book appointment" }).ClickAsync();
        await staff.WaitForURLAsync(url => url.Contains("/Booking/Confirmation/", StringComparison.Ordinal));
        await Assertions.Expect(staff.Locator(".nhsuk-panel")).ToContainTextAsync("Appointment booked");
        Assert.Contains("Sam Consultbrowser", await staff.ContentAsync(), StringComparison.Ordinal);

        // The database: the request is closed as booked, and the patient's confirmation waits in the outbox.
        var (request, confirmations) = await world.WithDbAsync(async db =>
        {
            var r = await db.ConsultationRequests.AsNoTracking().SingleAsync(x => x.Reference == reference);
            var messages = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.AppointmentId == r.BookedAppointmentId && m.Kind == NotificationKind.BookingConfirmation)
                .Select(m => m.Recipient).ToListAsync();
            return (r, messages);
        });
        Assert.Equal(ConsultationStatus.Closed, request.Status);
        Assert.Equal(ConsultationOutcome.BookAppointment, request.Outcome);
        Assert.NotNull(request.BookedAppointmentId);
        Assert.Contains("07700900777", confirmations);

        // And the queue shows it under Closed.
        await staff.GotoAsync("/Triage?status=closed");
        await Assertions.Expect(staff.Locator($"tr[data-reference='{reference}']")).ToContainTextAsync("Appointment booked");
    }

    [GeneratedRegex("^Book ")]
    private static partial Regex BookLink();

    [GeneratedRegex("^[2-9A-Z]{3}-[2-9A-Z]{5}$")]
    private static partial Regex ReferencePattern();
}
