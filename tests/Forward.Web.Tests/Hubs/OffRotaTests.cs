using System.Globalization;
using System.Net;
using Forward.Domain.Audit;
using Forward.Domain.Notifications;
using Forward.Web.Notifications;
using Forward.Web.Tests.Infrastructure;
using Forward.Web.Tests.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// A rota change keeps a booked appointment its session no longer has (a closed date): the change names it, the hub's day
/// list and the appointment page mark it for someone who can contact the patient, and no reminder sends them to it.
/// </summary>
public sealed class OffRotaTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static DateTime Utc(int day, int hour, int minute) => new(2026, 6, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public async Task A_booking_on_a_closed_date_is_named_marked_for_the_hub_and_not_reminded_until_the_date_reopens()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tuesday = (await world.FreeSlotsAsync(Utc(9, 0, 0)))[0];
        var wednesday = (await world.FreeSlotsAsync(Utc(10, 0, 0)))[0];
        Assert.Equal(Utc(9, 17, 30), tuesday.StartUtc);
        var closed = await PageTestData.BookAsync(world, world.PracticeStaffA, tuesday.Id, "Closedtuesday");
        var kept = await PageTestData.BookAsync(world, world.PracticeStaffA, wednesday.Id, "Keptwednesday");
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";

        var close = await commissioner.PostFormAsync(
            $"{page}?handler=AddDate",
            new Dictionary<string, string> { ["NewDate.Date"] = "2026-06-09", ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = "Flooded" },
            formPage: page);

        // The commissioner is told which appointment, and that the hub will see it; the audit names it too.
        Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        var message = System.Net.WebUtility.HtmlDecode((await commissioner.GetAsync(page)).Html);
        Assert.Contains($"the hub's day list marks them for its clinicians to contact the patients and rebook or cancel; no reminder is sent for them while the rota leaves them out. Appointment {closed}.", message, StringComparison.Ordinal);
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SessionChange && e.Detail == $"booked appointments no longer on the rota: {closed}")));

        // The hub's clinician sees it marked, with the way to the patient's phone number; the next day's is not marked.
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var tuesdayList = (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-09")).Html;
        Assert.Contains("data-off-rota-count=\"1\"", tuesdayList, StringComparison.Ordinal);
        Assert.Matches($"data-appointment=\"{closed}\">(?:(?!</tr>).)*data-off-rota>Not on the rota(?:(?!</tr>).)*href=\"/Appointments/Details/{closed}\">Contact the patient", tuesdayList.ReplaceLineEndings(" "));
        Assert.DoesNotContain("data-off-rota", (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-10")).Html, StringComparison.Ordinal);
        using var practice = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Contains("data-off-rota", (await practice.GetAsync($"/Appointments/Details/{closed}")).Html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-off-rota", (await practice.GetAsync($"/Appointments/Details/{kept}")).Html, StringComparison.Ordinal);

        // When the reminder falls due, it is not sent (old code: sent for a clinic that will not run).
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        using (factory.Clock.TravelTo(Utc(8, 17, 31)))
        {
            await dispatcher.DispatchDueAsync();
        }

        var reminder = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == closed && m.Kind == NotificationKind.Reminder));
        Assert.Equal(OutboxStatus.Cancelled, reminder.Status);
        Assert.Equal("appointment-off-rota", reminder.LastError);

        // Reopened, the date's booking is on the rota again and no longer marked.
        var overrideId = await world.WithDbAsync(db => db.SessionOverrides.Where(o => o.SessionId == world.SessionId).Select(o => o.Id).SingleAsync());
        var reopen = await commissioner.PostFormAsync($"{page}?handler=RemoveDate", new Dictionary<string, string> { ["overrideId"] = overrideId.ToString(CultureInfo.InvariantCulture) }, formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, reopen.StatusCode);
        Assert.DoesNotContain("data-off-rota", (await clinician.GetAsync("/Hubs/DayList?Date=2026-06-09")).Html, StringComparison.Ordinal);
        using (factory.Clock.TravelTo(Utc(9, 17, 31)))
        {
            await dispatcher.DispatchDueAsync();
        }

        Assert.Equal(OutboxStatus.Sent, (await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AppointmentId == kept && m.Kind == NotificationKind.Reminder))).Status);
    }
}
