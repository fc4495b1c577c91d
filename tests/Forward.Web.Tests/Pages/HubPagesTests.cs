using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Pages;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Pages;

/// <summary>Bookings and form posts the hub, admin and audit page tests share.</summary>
internal static class PageTestData
{
    /// <summary>Books a slot through the JSON API as <paramref name="userName"/>; returns the appointment id.</summary>
    public static async Task<long> BookAsync(TestWorld world, string userName, long slotId, string familyName, string consent = "Granted", string? nhsNumber = null)
    {
        using var api = await world.ClientAsync(userName);
        var body = new
        {
            slotIds = new[] { slotId },
            patient = new { nhsNumber = nhsNumber ?? TestPatients.NewNhsNumber(), givenName = "Alex", familyName, dateOfBirth = "1980-05-17", phone = "07700 900123" },
            reason = "Cough for three weeks",
            consent,
        };
        var response = await api.PostAsJsonAsync("/api/v1/appointments", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>A free slot of the world's other hub (which serves practice B), soonest first.</summary>
    public static Task<Slot> OtherHubSlotAsync(TestWorld world) =>
        world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.HubId == world.OtherHubId && s.Status == SlotStatus.Free && s.StartUtc > world.Factory.Clock.GetUtcNow().UtcDateTime)
            .OrderBy(s => s.StartUtc).FirstAsync());

    /// <summary>
    /// Posts a form the way a browser does, with repeated names allowed (checkboxes), after taking an anti-forgery token
    /// from <paramref name="formPage"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(PageClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, string formPage)
    {
        var (_, html) = await client.GetAsync(formPage);
        var token = PageClient.AntiforgeryToken(html) ?? throw new InvalidOperationException($"No anti-forgery token on {formPage}.");
        using var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        return await client.Http.PostAsync(new Uri(url, UriKind.Relative), content);
    }

    public static string NhsNumberOf(string digits) => $"{digits[..3]} {digits[3..6]} {digits[6..]}";

    /// <summary>
    /// A date as an NHS.UK date input posts it, in boxes <paramref name="name"/>.Day, .Month and .Year: "2026-06-09" as
    /// 9, 6 and 2026 (typed as a person would, no leading zero); "" as three empty boxes; anything else as typed in the boxes, day/month/year: "9/6/" is day 9, month 6, no year.
    /// </summary>
    public static KeyValuePair<string, string>[] DateBoxes(string name, string date)
    {
        string[] parts = date.Length == 0 ? ["", "", ""]
            : DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var whole)
                ? [whole.Day.ToString(System.Globalization.CultureInfo.InvariantCulture), whole.Month.ToString(System.Globalization.CultureInfo.InvariantCulture), whole.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                : date.Split('/');
        return [new($"{name}.Day", parts[0]), new($"{name}.Month", parts[1]), new($"{name}.Year", parts[2])];
    }

    /// <summary><see cref="DateBoxes"/> as a form's fields, for the forms tests build as dictionaries.</summary>
    public static Dictionary<string, string> WithDate(this Dictionary<string, string> fields, string name, string date)
    {
        foreach (var (key, value) in DateBoxes(name, date))
        {
            fields[key] = value;
        }

        return fields;
    }
}

public sealed class HubPagesTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    /// <summary>The evening GP session on Monday 8 June starts at 18:30 London, 17:30 UTC.</summary>
    private static readonly DateTime EveningStartUtc = new(2026, 6, 8, 17, 30, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Day_list_shows_the_hubs_appointments_and_not_another_hubs()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var nhsNumber = TestPatients.NewNhsNumber();
        var mine = await PageTestData.BookAsync(world, world.PracticeStaffA, slot.Id, "Hubpatient", nhsNumber: nhsNumber);
        var theirs = await PageTestData.BookAsync(world, world.PracticeStaffB, (await PageTestData.OtherHubSlotAsync(world)).Id, "Otherpatient");

        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var (status, html) = await clinician.GetAsync("/Hubs/DayList?date=2026-06-08");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-appointment=\"{mine}\"", html, StringComparison.Ordinal);
        Assert.Contains("Alex Hubpatient", html, StringComparison.Ordinal);
        Assert.Contains(PageTestData.NhsNumberOf(nhsNumber), html, StringComparison.Ordinal);
        Assert.Contains(world.PracticeA.Name, html, StringComparison.Ordinal);
        Assert.Contains("18:30–18:45", html, StringComparison.Ordinal);
        Assert.Contains("Evening GP clinic", html, StringComparison.Ordinal);
        Assert.Contains("data-count=\"booked\">1<", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-appointment=\"{theirs}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Otherpatient", html, StringComparison.Ordinal);

        // The number to call and what the booker wrote are on the row, and the name leads to the appointment (old code:
        // none of them, so a telephone clinic had no number to ring).
        var row = Regex.Match(html, $"<tr[^>]*data-appointment=\"{mine}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("data-phone>07700 900123<", row, StringComparison.Ordinal);
        Assert.Contains("data-reason>Reason: Cough for three weeks<", row, StringComparison.Ordinal);
        Assert.Matches($"<a [^>]*href=\"/Appointments/Details/{mine}\"[^>]*>Alex Hubpatient</a>", row);

        // What a booking system wrote (GP Connect's description and comment, NHS 111's notes) reaches the clinician too
        // (old code: stored and shown nowhere).
        await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == mine).ExecuteUpdateAsync(u => u.SetProperty(a => a.Description, "Chest infection, on warfarin").SetProperty(a => a.Comment, "Prefers a female GP")));
        var noted = Regex.Match((await clinician.GetAsync("/Hubs/DayList?date=2026-06-08")).Html, $"<tr[^>]*data-appointment=\"{mine}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("data-description>Chest infection, on warfarin<", noted, StringComparison.Ordinal);
        Assert.Contains("data-comment>Comment: Prefers a female GP<", noted, StringComparison.Ordinal);
        var details = (await clinician.GetAsync($"/Appointments/Details/{mine}")).Html;
        Assert.Contains("data-description>Chest infection, on warfarin<", details, StringComparison.Ordinal);
        Assert.Contains("data-comment>Prefers a female GP<", details, StringComparison.Ordinal);
        Assert.Contains(">17 May 1980<", details, StringComparison.Ordinal); // a date of birth without its weekday

        // A date refused (a year mistyped, a day that does not exist) shows today's list as it is, with the error. Old code:
        // today's heading and empty counts, "There are no appointments ... on Monday 8 June 2026", without reading them.
        foreach (var refused in new[] { "0202-06-08", "2026-02-30" })
        {
            var (refusedStatus, today) = await clinician.GetAsync("/Hubs/DayList?date=" + refused);
            Assert.Equal(HttpStatusCode.OK, refusedStatus);
            Assert.Contains("nhsuk-error-summary", today, StringComparison.Ordinal);
            Assert.Contains($"data-appointment=\"{mine}\"", today, StringComparison.Ordinal);
            Assert.Contains("data-count=\"booked\">1<", today, StringComparison.Ordinal);
            Assert.DoesNotContain("There are no appointments", today, StringComparison.Ordinal);
        }

        // Another day's list does not show it; another hub's list is refused to this hub's clinician.
        Assert.DoesNotContain("Hubpatient", (await clinician.GetAsync("/Hubs/DayList?date=2026-06-09")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await clinician.GetAsync($"/Hubs/DayList?date=2026-06-08&hub={world.OtherHubId}")).Status);

        // The other hub's clinician sees their own patient only.
        using var other = await PageClient.SignedInAsync(factory, world.OtherHubClinician);
        var otherHtml = (await other.GetAsync("/Hubs/DayList?date=2026-06-08")).Html;
        Assert.Contains("Otherpatient", otherHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Hubpatient", otherHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commissioners_see_a_hub_list_read_only_and_practice_staff_not_at_all()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        var id = await PageTestData.BookAsync(world, world.PracticeStaffA, slot.Id, "Readonlypatient");

        using (factory.Clock.TravelTo(EveningStartUtc.AddMinutes(10)))
        {
            using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
            var (status, html) = await commissioner.GetAsync($"/Hubs/DayList?date=2026-06-08&hub={world.HubId}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains($"data-appointment=\"{id}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Readonlypatient", html, StringComparison.Ordinal);
            Assert.DoesNotContain(">NHS number<", html, StringComparison.Ordinal);
            Assert.Contains("without the patients", html, StringComparison.Ordinal);
            Assert.DoesNotContain("handler=Outcome", html, StringComparison.Ordinal);
            Assert.DoesNotContain("/Hubs/Record/", html, StringComparison.Ordinal);

            // Posting the outcome anyway is refused and changes nothing.
            var post = await commissioner.PostFormAsync("/Hubs/DayList?handler=Outcome", new Dictionary<string, string> { ["id"] = $"{id}", ["attended"] = "true" }, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
            Assert.Equal(AppointmentStatus.Booked, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).FirstAsync()));
        }

        using var practice = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var refused = await practice.Http.GetAsync(new Uri("/Hubs/DayList", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.True(
            refused.StatusCode == HttpStatusCode.Forbidden || refused.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
            $"Expected access denied, got {refused.StatusCode} {refused.Headers.Location}");
    }

    [Fact]
    public async Task Attended_and_did_not_attend_can_be_recorded_only_after_the_start()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        Assert.Equal(EveningStartUtc, slots[0].StartUtc);
        var attended = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[0].Id, "Comesalong");
        var missed = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[1].Id, "Staysaway");

        // Before 18:30 there are no buttons, and a forged post is turned away by the domain rule.
        using (var morning = await PageClient.SignedInAsync(factory, world.HubClinician))
        {
            var html = (await morning.GetAsync("/Hubs/DayList")).Html;
            Assert.Contains("Comesalong", html, StringComparison.Ordinal);
            Assert.DoesNotContain("handler=Outcome", html, StringComparison.Ordinal);
            var early = await morning.PostFormAsync("/Hubs/DayList?handler=Outcome", new Dictionary<string, string> { ["id"] = $"{attended}", ["attended"] = "true" }, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            Assert.Contains("only after the appointment", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(AppointmentStatus.Booked, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == attended).Select(a => a.Status).FirstAsync()));
        }

        using (factory.Clock.TravelTo(EveningStartUtc.AddMinutes(5)))
        {
            // The morning's cookie would have expired by the evening: sign in again.
            using var evening = await PageClient.SignedInAsync(factory, world.HubClinician);
            var html = (await evening.GetAsync("/Hubs/DayList")).Html;
            Assert.Contains("action=\"/Hubs/DayList?handler=Outcome\"", html, StringComparison.Ordinal);
            Assert.Contains("name=\"attended\" value=\"false\">Did not attend", html, StringComparison.Ordinal);

            var ok = await evening.PostFormAsync("/Hubs/DayList?handler=Outcome", new Dictionary<string, string> { ["id"] = $"{attended}", ["attended"] = "true", ["Date"] = "2026-06-08" }, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.Equal("/Hubs/DayList?date=2026-06-08", ok.Headers.Location?.OriginalString);

            // A post without the answer, or with one that is not true or false, records nothing (old code: did not attend).
            foreach (var answer in new Dictionary<string, string>[] { new() { ["id"] = $"{attended}" }, new() { ["id"] = $"{attended}", ["attended"] = "maybe" } })
            {
                var unread = await evening.PostFormAsync("/Hubs/DayList?handler=Outcome", answer, formPage: "/Hubs/DayList");
                Assert.Equal(HttpStatusCode.BadRequest, unread.StatusCode);
                Assert.Contains("Choose attended or did not attend", await unread.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.Equal(AppointmentStatus.Attended, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == attended).Select(a => a.Status).FirstAsync()));
            }

            var dna = await evening.PostFormAsync("/Hubs/DayList?handler=Outcome", new Dictionary<string, string> { ["id"] = $"{missed}", ["attended"] = "false" }, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Redirect, dna.StatusCode);

            var after = (await evening.GetAsync("/Hubs/DayList?date=2026-06-08")).Html;
            Assert.Contains("data-count=\"attended\">1<", after, StringComparison.Ordinal);
            Assert.Contains("data-count=\"did-not-attend\">1<", after, StringComparison.Ordinal);
            Assert.Contains("data-count=\"booked\">0<", after, StringComparison.Ordinal);

            // A recorded outcome can be put right from the list, one way only (old code: no button, only the API could).
            var missedRow = Regex.Match(after, $"<tr[^>]*data-appointment=\"{missed}\".*?</tr>", RegexOptions.Singleline).Value;
            Assert.Contains("value=\"true\" data-correct-outcome>Change to attended", missedRow, StringComparison.Ordinal);
            Assert.DoesNotContain("value=\"false\">Did not attend", missedRow, StringComparison.Ordinal);
            var attendedRow = Regex.Match(after, $"<tr[^>]*data-appointment=\"{attended}\".*?</tr>", RegexOptions.Singleline).Value;
            Assert.Contains("value=\"false\" data-correct-outcome>Change to did not attend", attendedRow, StringComparison.Ordinal);
            var version = Regex.Match(missedRow, "name=\"version\" value=\"(\\d+)\"").Groups[1].Value;
            var corrected = await evening.PostFormAsync("/Hubs/DayList?handler=Outcome", new Dictionary<string, string> { ["id"] = $"{missed}", ["attended"] = "true", ["version"] = version }, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Redirect, corrected.StatusCode);
            Assert.Equal(AppointmentStatus.Attended, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == missed).Select(a => a.Status).FirstAsync()));
            var dnaAgain = await evening.PostFormAsync("/Hubs/DayList?handler=Outcome", new Dictionary<string, string> { ["id"] = $"{missed}", ["attended"] = "false" }, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Redirect, dnaAgain.StatusCode);
        }

        var statuses = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == attended || a.Id == missed).ToDictionaryAsync(a => a.Id, a => a.Status));
        Assert.Equal(AppointmentStatus.Attended, statuses[attended]);
        Assert.Equal(AppointmentStatus.DidNotAttend, statuses[missed]);
        var audited = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == world.HubClinician && e.EntityType == "Appointment").Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditActions.Attended, audited);
        Assert.Contains(AuditActions.DidNotAttend, audited);
    }

    [Fact]
    public async Task An_outcome_from_a_day_list_shown_before_another_clinicians_is_refused_and_theirs_kept()
    {
        var world = await TestWorld.CreateAsync(factory);
        var id = await PageTestData.BookAsync(world, world.PracticeStaffA, (await world.FreeSlotsAsync())[0].Id, "Seentwice");

        using (factory.Clock.TravelTo(EveningStartUtc.AddMinutes(5)))
        {
            using var first = await PageClient.SignedInAsync(factory, world.HubClinician);
            using var second = await PageClient.SignedInAsync(factory, world.HubClinician);
            var shown = (await first.GetAsync("/Hubs/DayList")).Html;
            var version = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Version).SingleAsync());
            Assert.Contains($"name=\"version\" value=\"{version}\"", shown, StringComparison.Ordinal);
            var fields = (string attended) => new Dictionary<string, string> { ["id"] = $"{id}", ["attended"] = attended, ["version"] = $"{version}" };

            var attendedPost = await second.PostFormAsync("/Hubs/DayList?handler=Outcome", fields("true"), formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Redirect, attendedPost.StatusCode);
            var stale = await first.PostFormAsync("/Hubs/DayList?handler=Outcome", fields("false"), formPage: "/Hubs/DayList");

            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            Assert.Contains("This appointment was updated after the list was shown", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(AppointmentStatus.Attended, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));

            // A version that is not a number (a hand-made post) matches no version.
            var handMade = fields("false");
            handMade["version"] = "abc";
            var refused = await first.PostFormAsync("/Hubs/DayList?handler=Outcome", handMade, formPage: "/Hubs/DayList");
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.DoesNotContain("is not valid", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // The API does the same with If-Match; without it, a clinician can still correct an outcome on purpose.
            using var api = await world.ClientAsync(world.HubClinician);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/appointments/{id}/did-not-attend");
            request.Headers.TryAddWithoutValidation("If-Match", $"W/\"{version}\"");
            Assert.Equal(HttpStatusCode.Conflict, (await api.SendAsync(request)).StatusCode);
            Assert.Equal(AppointmentStatus.Attended, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));
            Assert.Equal(HttpStatusCode.OK, (await api.PostAsync(new Uri($"/api/v1/appointments/{id}/did-not-attend", UriKind.Relative), null)).StatusCode);
            Assert.Equal(AppointmentStatus.DidNotAttend, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));
        }
    }

    [Fact]
    public async Task The_patients_consent_recorded_from_the_day_list_opens_their_record()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var id = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[0].Id, "Notasked", consent: "NotAsked");
        var cancelled = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[2].Id, "Cancelledconsent", consent: "NotAsked");
        using (var practice = await world.ClientAsync(world.PracticeStaffA))
        {
            Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync($"/api/v1/appointments/{cancelled}/cancel", new { reason = "Feeling better" })).StatusCode);
        }

        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var html = (await clinician.GetAsync("/Hubs/DayList?date=2026-06-08")).Html;
        var row = Regex.Match(html, $"<tr[^>]*data-appointment=\"{id}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains("action=\"/Hubs/DayList?handler=Consent\"", row, StringComparison.Ordinal);
        Assert.Contains("name=\"consent\" value=\"Granted\">Patient agrees to share their record", row, StringComparison.Ordinal);
        Assert.Contains("name=\"consent\" value=\"Refused\">Patient refuses", row, StringComparison.Ordinal);
        Assert.DoesNotContain($"/Hubs/Record/{id}", row, StringComparison.Ordinal);
        var cancelledRow = Regex.Match(html, $"<tr[^>]*data-appointment=\"{cancelled}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.DoesNotContain("handler=Consent", cancelledRow, StringComparison.Ordinal);
        var version = Regex.Match(row, "name=\"version\" value=\"(\\d+)\"").Groups[1].Value;
        var fields = (string consent) => new Dictionary<string, string> { ["id"] = $"{id}", ["consent"] = consent, ["version"] = version, ["Date"] = "2026-06-08" };

        // The patient agrees in the room (old code: no such form, and the record could never open).
        var agreed = await clinician.PostFormAsync("/Hubs/DayList?handler=Consent", fields("Granted"), formPage: "/Hubs/DayList");
        Assert.Equal(HttpStatusCode.Redirect, agreed.StatusCode);
        Assert.Equal("/Hubs/DayList?date=2026-06-08", agreed.Headers.Location?.OriginalString);
        Assert.Equal(RecordSharingConsent.Granted, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Consent).SingleAsync()));
        var after = (await clinician.GetAsync("/Hubs/DayList?date=2026-06-08")).Html;
        Assert.Contains("agrees to share their record", after, StringComparison.Ordinal);
        row = Regex.Match(after, $"<tr[^>]*data-appointment=\"{id}\".*?</tr>", RegexOptions.Singleline).Value;
        Assert.Contains($"href=\"/Hubs/Record/{id}?date=2026-06-08\"", row, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"Granted\"", row, StringComparison.Ordinal);
        Assert.Contains("value=\"Refused\">Patient refuses", row, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync($"/Hubs/Record/{id}")).Status);

        // The same form sent again (another window, or the list shown before) is refused and the answer kept.
        var stale = await clinician.PostFormAsync("/Hubs/DayList?handler=Consent", fields("Refused"), formPage: "/Hubs/DayList");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("This appointment was updated after the list was shown", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(RecordSharingConsent.Granted, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Consent).SingleAsync()));

        // A cancelled appointment's consent is refused even from a hand-made form, as is one without the token.
        var cancelledVersion = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == cancelled).Select(a => a.Version).SingleAsync());
        var refused = await clinician.PostFormAsync("/Hubs/DayList?handler=Consent", new Dictionary<string, string> { ["id"] = $"{cancelled}", ["consent"] = "Granted", ["version"] = $"{cancelledVersion}" }, formPage: "/Hubs/DayList");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("was cancelled", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await clinician.PostFormWithoutTokenAsync("/Hubs/DayList?handler=Consent", fields("Refused"))).StatusCode);

        // Another hub's clinician cannot see it; the commissioner's list offers no form and a post is forbidden.
        using var other = await PageClient.SignedInAsync(factory, world.OtherHubClinician);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostFormAsync("/Hubs/DayList?handler=Consent", fields("Refused"), formPage: "/Hubs/DayList")).StatusCode);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        Assert.DoesNotContain("handler=Consent", (await commissioner.GetAsync($"/Hubs/DayList?hub={world.HubId}&date=2026-06-08")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await commissioner.PostFormAsync("/Hubs/DayList?handler=Consent", fields("Refused"), formPage: "/Hubs/DayList")).StatusCode);

        Assert.Equal(RecordSharingConsent.Granted, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Consent).SingleAsync()));
        var audited = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.Consent && e.HubId == world.HubId).Select(e => new { e.Actor, e.EntityId, e.Detail }).ToListAsync());
        Assert.Equal(world.HubClinician, Assert.Single(audited).Actor);
        Assert.Equal($"{id}", audited[0].EntityId);
    }

    [Fact]
    public async Task Record_opens_with_consent_and_is_refused_without_and_both_are_audited()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var granted = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[0].Id, "Sharesrecord", consent: "Granted");
        var refused = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[2].Id, "Keepsrecord", consent: "Refused");
        await world.WithDbAsync(async db =>
        {
            var patient = await db.Appointments.Where(a => a.Id == granted).Select(a => a.Patient!).FirstAsync();
            patient.SummaryProblems = "Asthma since childhood";
            patient.SummaryMedications = "Salbutamol inhaler";
            patient.SummaryAllergies = "Penicillin";
            patient.IsSynthetic = true;
            return await db.SaveChangesAsync();
        });

        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var list = (await clinician.GetAsync("/Hubs/DayList?date=2026-06-08")).Html;
        Assert.Contains($"href=\"/Hubs/Record/{granted}?date=2026-06-08\"", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"/Hubs/Record/{refused}", list, StringComparison.Ordinal);

        var (openStatus, open) = await clinician.GetAsync($"/Hubs/Record/{granted}");
        Assert.Equal(HttpStatusCode.OK, openStatus);
        Assert.Contains("Alex Sharesrecord", open, StringComparison.Ordinal);
        Assert.Contains("Asthma since childhood", open, StringComparison.Ordinal);
        Assert.Contains("Salbutamol inhaler", open, StringComparison.Ordinal);
        Assert.Contains("Penicillin", open, StringComparison.Ordinal);
        Assert.Contains("Synthetic demo data", open, StringComparison.Ordinal);

        var (deniedStatus, denied) = await clinician.GetAsync($"/Hubs/Record/{refused}");
        Assert.Equal(HttpStatusCode.Forbidden, deniedStatus);
        Assert.Contains("You cannot open this record", denied, StringComparison.Ordinal);
        Assert.Contains("refused to share", denied, StringComparison.Ordinal);
        Assert.DoesNotContain("Keepsrecord", denied, StringComparison.Ordinal);
        Assert.Contains("recorded their answer with the record sharing buttons on the hub's day list", denied, StringComparison.Ordinal); // old code: "when the appointment was booked", as if nothing could be done

        // Another hub's clinician is refused even with consent.
        using var other = await PageClient.SignedInAsync(factory, world.OtherHubClinician);
        var (otherStatus, otherHtml) = await other.GetAsync($"/Hubs/Record/{granted}");
        Assert.Equal(HttpStatusCode.Forbidden, otherStatus);
        Assert.DoesNotContain("Asthma", otherHtml, StringComparison.Ordinal);

        // An id with no appointment behind it (probing) is answered 404 and audited too.
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync($"/Hubs/Record/{long.MaxValue}")).Status);

        var events = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action.StartsWith("record.") && (e.Actor == world.HubClinician || e.Actor == world.OtherHubClinician))
            .Select(e => new { e.Actor, e.Action, e.EntityId, e.Outcome }).ToListAsync());
        Assert.Contains(events, e => e.Actor == world.HubClinician && e.Action == AuditActions.RecordView && e.EntityId == $"{granted}" && e.Outcome == "success");
        Assert.Contains(events, e => e.Actor == world.HubClinician && e.Action == AuditActions.RecordViewDenied && e.EntityId == $"{refused}" && e.Outcome == "denied");
        Assert.Contains(events, e => e.Actor == world.OtherHubClinician && e.Action == AuditActions.RecordViewDenied && e.EntityId == $"{granted}");
        Assert.Contains(events, e => e.Actor == world.HubClinician && e.Action == AuditActions.RecordViewDenied && e.EntityId == $"{long.MaxValue}" && e.Outcome == "not-found");
        Assert.Equal(4, events.Count);

        // The day list names every patient with their NHS number: showing it is audited as well, once for the list and
        // once under each patient it named, so a search for a patient finds it (old code: the list only).
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Actor == world.HubClinician && e.Action == AuditActions.DayListView && e.HubId == world.HubId && e.Detail == "date=2026-06-08; rows=2")));
        var named = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == world.HubClinician && e.Action == AuditActions.DayListView && e.EntityType == "Appointment").Select(e => new { e.EntityId, e.PatientId }).ToListAsync());
        var patients = await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == granted || a.Id == refused).Select(a => new { a.Id, a.PatientId }).ToListAsync());
        Assert.Equal(
            patients.Select(p => $"{p.Id}:{p.PatientId}").Order(),
            named.Select(n => $"{n.EntityId}:{n.PatientId}").Distinct().Order());
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var search = (await commissioner.GetAsync($"/Audit?PatientId={patients[0].PatientId}&EventAction={AuditActions.DayListView}")).Html;
        Assert.Contains("named on the day list of 2026-06-08", search, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_shared_for_an_appointment_closes_when_it_is_cancelled_and_outside_its_days()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var cancelled = await PageTestData.BookAsync(world, world.PracticeStaffA, slots[0].Id, "Cancelsrecord", consent: "Granted");
        var later = slots.First(s => s.StartUtc >= new DateTime(2026, 6, 11, 0, 0, 0, DateTimeKind.Utc));
        var ahead = await PageTestData.BookAsync(world, world.PracticeStaffA, later.Id, "Aheadrecord", consent: "Granted");
        var practice = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync($"/api/v1/appointments/{cancelled}/cancel", new { reason = "Feeling better" })).StatusCode);

        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        Assert.DoesNotContain($"/Hubs/Record/{cancelled}", (await clinician.GetAsync("/Hubs/DayList?date=2026-06-08")).Html, StringComparison.Ordinal);
        var (cancelledStatus, cancelledHtml) = await clinician.GetAsync($"/Hubs/Record/{cancelled}");
        Assert.Equal(HttpStatusCode.Forbidden, cancelledStatus);
        Assert.Contains("was cancelled", cancelledHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Cancelsrecord", cancelledHtml, StringComparison.Ordinal);

        // Today is 8 June: an appointment on the 11th opens from the 10th.
        var day = Wording.Iso(London.DateOf(later.StartUtc));
        Assert.DoesNotContain($"/Hubs/Record/{ahead}", (await clinician.GetAsync($"/Hubs/DayList?date={day}")).Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await clinician.GetAsync($"/Hubs/Record/{ahead}")).Status);
        using (factory.Clock.TravelTo(later.StartUtc.AddDays(-1)))
        {
            using var dayBefore = await PageClient.SignedInAsync(factory, world.HubClinician);
            Assert.Contains($"/Hubs/Record/{ahead}", (await dayBefore.GetAsync($"/Hubs/DayList?date={day}")).Html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await dayBefore.GetAsync($"/Hubs/Record/{ahead}")).Status);
        }

        var outcomes = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action.StartsWith("record.") && e.Actor == world.HubClinician).OrderBy(e => e.Id).Select(e => e.Outcome).ToListAsync());
        Assert.Equal(["denied", "denied", "success"], outcomes);
    }

    [Fact]
    public async Task An_unknown_appointment_record_is_not_found()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        Assert.Equal(HttpStatusCode.NotFound, (await clinician.GetAsync("/Hubs/Record/987654321")).Status);
    }
}
