using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Forward.Domain.Audit;
using Forward.Domain.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Pages;

public sealed class AdminPagesTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

    /// <summary>The session form's fields; change any by name, and give days as repeated "Input.Days" values.</summary>
    private static List<KeyValuePair<string, string>> SessionFields(string name, string start, string end, IEnumerable<string>? days = null, string role = "PracticeNurse", string mode = "Telephone", string slotMinutes = "20", string clinicians = "1", string validFrom = "2026-06-01", string validUntil = "", int? version = null)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Input.Name", name),
            new("Input.StartTime", start),
            new("Input.EndTime", end),
            new("Input.Role", role),
            new("Input.Mode", mode),
            new("Input.SlotMinutes", slotMinutes),
            new("Input.Clinicians", clinicians),
        };
        fields.AddRange(PageTestData.DateBoxes("Input.ValidFrom", validFrom));
        fields.AddRange(PageTestData.DateBoxes("Input.ValidUntil", validUntil));
        fields.AddRange((days ?? Weekdays).Select(d => new KeyValuePair<string, string>("Input.Days", d)));
        if (version is { } v)
        {
            fields.Add(new("Input.Version", v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return fields;
    }

    [Fact]
    public async Task A_commissioner_account_linked_to_no_ccg_is_refused_the_hub_list_not_shown_an_error()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var nowhere = await PageClient.SignedInAsync(factory, await world.AddCommissionerWithoutCcgAsync());

        var response = await nowhere.Http.GetAsync(new Uri("/Admin/Hubs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode); // old code: 500
    }

    /// <summary>Whether the day checkbox with this value is ticked (attribute order is the tag helper's business).</summary>
    private static bool IsChecked(string html, string day)
    {
        var box = Regex.Match(html, $"<input[^>]*name=\"Input.Days\"[^>]*value=\"{day}\"[^>]*>|<input[^>]*value=\"{day}\"[^>]*name=\"Input.Days\"[^>]*>");
        Assert.True(box.Success, $"No checkbox for {day}");
        return box.Value.Contains("checked", StringComparison.Ordinal);
    }

    private static DateTime Utc(int day, int hour, int minute) => new(2026, 6, day, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Commissioners_see_the_hubs_of_their_own_ccg_only()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, html) = await commissioner.GetAsync("/Admin/Hubs");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-hub=\"{world.HubId}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-hub=\"{world.OtherHubId}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Admin/Hub/{world.HubId}\"", html, StringComparison.Ordinal);
        Assert.Contains("25,000", html, StringComparison.Ordinal); // practice A's list size is the hub's population
        Assert.Contains("Tier 1: primary care hub", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-hub=\"{elsewhere.HubId}\"", html, StringComparison.Ordinal);

        var (hubStatus, hub) = await commissioner.GetAsync($"/Admin/Hub/{world.HubId}");
        Assert.Equal(HttpStatusCode.OK, hubStatus);
        Assert.Contains("Evening GP clinic", hub, StringComparison.Ordinal);
        Assert.Contains("Evening nurse telephone", hub, StringComparison.Ordinal);
        Assert.Contains(world.PracticeA.Name, hub, StringComparison.Ordinal);
        Assert.DoesNotContain(world.PracticeB.Name, hub, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Admin/Session/{world.SessionId}\"", hub, StringComparison.Ordinal);
        Assert.Contains($"href=\"/Admin/Session?hubId={world.HubId}\"", hub, StringComparison.Ordinal);
        Assert.Contains("Generate slots now", hub, StringComparison.Ordinal);
        Assert.Contains("data-booking-window>As far ahead as the booker&#x27;s channel allows<", hub, StringComparison.Ordinal);

        // A hub with a window of its own (Leicester City's) says so.
        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.MaximumBookingAheadHours, 48)));
        Assert.Contains("data-booking-window>Same day up to 48 hours ahead, whoever books<", (await commissioner.GetAsync($"/Admin/Hub/{world.HubId}")).Html, StringComparison.Ordinal);

        // The test world's practices are real rows, not generated: no tag. Seeded ones are generated and say so (old code:
        // a made-up list size read as a real practice's).
        Assert.DoesNotContain("data-synthetic", hub, StringComparison.Ordinal);
        await world.WithDbAsync(db => db.Practices.Where(p => p.Id == world.PracticeA.Id).ExecuteUpdateAsync(u => u.SetProperty(p => p.IsSynthetic, true)));
        var tagged = (await commissioner.GetAsync($"/Admin/Hub/{world.HubId}")).Html;
        Assert.Contains($"{world.PracticeA.Name} ({world.PracticeA.OdsCode}), Test PCN {world.Prefix[1..]}: 25,000 patients", tagged, StringComparison.Ordinal);
        Assert.Matches(@"25,000 patients\s*<strong class=""nhsuk-tag nhsuk-tag--grey"" data-synthetic>Synthetic</strong>", tagged);
        Assert.Contains("Practices tagged synthetic were generated for this copy of Forward", tagged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_commissioner_sets_the_hubs_booking_window_and_searches_and_bookings_keep_to_it_at_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var far = (await world.FreeSlotsAsync()).First(s => s.StartUtc > now.AddHours(24));
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Hub/{world.HubId}";
        var save = $"{page}?handler=Window";

        var saved = await commissioner.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "24" }, page);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var (_, html) = await commissioner.GetAsync(page);
        Assert.Contains("Booking window saved: same day up to 24 hours ahead, whoever books", html, StringComparison.Ordinal);
        Assert.Contains("data-booking-window>Same day up to 24 hours ahead, whoever books<", html, StringComparison.Ordinal);
        Assert.Matches("name=\"Window.Hours\"[^>]*value=\"24\"|value=\"24\"[^>]*name=\"Window.Hours\"", html);

        // The practice's next search and booking keep to it: nothing past 24 hours is listed or taken.
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var listed = await practice.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12");
        Assert.NotEmpty(listed.GetProperty("slots").EnumerateArray());
        Assert.All(listed.GetProperty("slots").EnumerateArray(), s => Assert.True(s.GetProperty("startUtc").GetDateTime() <= now.AddHours(24)));
        using (var refused = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(far.Id)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("This hub takes bookings at most 24 hours ahead.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Sent again, in turn or several at once, nothing changes and nothing more is audited; blank gives the channels
        // their own windows back.
        await commissioner.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "24" }, page);
        Assert.Equal(HttpStatusCode.Redirect, (await commissioner.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = string.Empty }, page)).StatusCode);
        var together = await commissioner.PostAtOnceAsync(save, Enumerable.Repeat(new Dictionary<string, string> { ["Window.Hours"] = "24" }, 4), page);
        Assert.All(together, r => Assert.Equal(HttpStatusCode.Redirect, r.Status));
        Assert.Equal(HttpStatusCode.Redirect, (await commissioner.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = string.Empty }, page)).StatusCode);
        Assert.Null(await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.MaximumBookingAheadHours).FirstAsync()));
        var audit = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.HubChange && e.HubId == world.HubId).OrderBy(e => e.Id).Select(e => new { e.Actor, e.Detail }).ToListAsync());
        Assert.Equal(["booking window: the channel's → 24 hours", "booking window: 24 hours → the channel's", "booking window: the channel's → 24 hours", "booking window: 24 hours → the channel's"], audit.Select(a => a.Detail));
        Assert.All(audit, a => Assert.Equal(world.Commissioner, a.Actor));
        using (var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(far.Id)))
        {
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("721")]
    [InlineData("forty-eight")]
    [InlineData("2147483648")]
    [InlineData("1.5")]
    [InlineData("#18")] // the framework's converter read these three as hexadecimal: 24 hours
    [InlineData("0x18")]
    [InlineData("&H18")]
    [InlineData("٢٤")] // Arabic-Indic 24
    public async Task A_booking_window_that_is_no_number_of_hours_from_1_to_720_is_a_field_error_and_changes_nothing(string hours)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Hub/{world.HubId}";

        var response = await commissioner.PostFormAsync($"{page}?handler=Window", new Dictionary<string, string> { ["Window.Hours"] = hours }, page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("Enter the booking window as a whole number of hours from 1 to 720, for example 48, or leave it blank", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Null(await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.MaximumBookingAheadHours).FirstAsync()));
        Assert.False(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.HubChange && e.HubId == world.HubId)));
    }

    [Fact]
    public async Task A_commissioner_of_another_ccg_cannot_manage_the_hub()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var sessionsBefore = await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.HubId));

        using var outsider = await PageClient.SignedInAsync(factory, elsewhere.Commissioner);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/Admin/Hub/{world.HubId}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/Admin/Session/{world.SessionId}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/Admin/Session?hubId={world.HubId}")).Status);

        var generate = await outsider.PostFormAsync($"/Admin/Hub/{world.HubId}?handler=Generate", new Dictionary<string, string>(), formPage: "/Admin/Hubs");
        Assert.Equal(HttpStatusCode.Forbidden, generate.StatusCode);
        var window = await outsider.PostFormAsync($"/Admin/Hub/{world.HubId}?handler=Window", new Dictionary<string, string> { ["Window.Hours"] = "1" }, formPage: "/Admin/Hubs");
        Assert.Equal(HttpStatusCode.Forbidden, window.StatusCode);
        var create = await PageTestData.PostAsync(outsider, $"/Admin/Session?hubId={world.HubId}", SessionFields("Sneaky clinic", "10:00", "12:00"), "/Admin/Hubs");
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        var close = await outsider.PostFormAsync($"/Admin/Session/{world.SessionId}?handler=Deactivate", new Dictionary<string, string>(), formPage: "/Admin/Hubs");
        Assert.Equal(HttpStatusCode.Forbidden, close.StatusCode);

        Assert.Equal(sessionsBefore, await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.HubId)));
        Assert.True(await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == world.SessionId).Select(s => s.IsActive).FirstAsync()));
        Assert.Null(await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.MaximumBookingAheadHours).FirstAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/Admin/Hub/987654")).Status);

        // Other roles do not get in at all.
        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        var refused = await clinician.Http.GetAsync(new Uri($"/Admin/Hub/{world.HubId}", UriKind.Relative));
        Assert.True(
            refused.StatusCode == HttpStatusCode.Forbidden || refused.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
            $"Expected access denied, got {refused.StatusCode} {refused.Headers.Location}");
    }

    [Fact]
    public async Task A_session_ending_before_it_starts_shows_the_field_error_and_saves_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var form = $"/Admin/Session?hubId={world.HubId}";

        var response = await PageTestData.PostAsync(commissioner, form, SessionFields("Backwards clinic", "19:00", "18:00"), form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_EndTime\">End time must be after the start time</a>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"Input_EndTime-error\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Backwards clinic\"", html, StringComparison.Ordinal); // what was typed is kept
        Assert.Contains("<title>Error: ", html, StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.Sessions.AnyAsync(s => s.Name == "Backwards clinic")));

        // Missing and mistyped values are field errors too, not crashes.
        var blank = await PageTestData.PostAsync(commissioner, form, SessionFields(string.Empty, string.Empty, "20:00", days: [], slotMinutes: "ten"), form);
        var blankHtml = await blank.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, blank.StatusCode);
        Assert.Contains("href=\"#Input_Name\">Enter a name for the session", blankHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_Days\">Select at least one day", blankHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_StartTime\">Enter the time the session starts", blankHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"#Input_SlotMinutes\">Enter the slot length as a whole number of minutes", blankHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_date_typed_in_part_is_a_field_error_and_saves_nothing_and_a_whole_date_or_none_still_saves()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var form = (await commissioner.GetAsync(page)).Html;
        Assert.Contains("name=\"Input.ValidUntil.Year\"", form, StringComparison.Ordinal);
        Assert.DoesNotContain("type=\"date\"", form, StringComparison.Ordinal); // a browser's date field posts a half-typed date as nothing
        var opened = PageClient.VersionOnForm(form);
        List<KeyValuePair<string, string>> Fields(string validFrom, string validUntil, int version) =>
            SessionFields("Evening GP clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: "3", validFrom: validFrom, validUntil: validUntil, version: version);
        Task<Session> StoredAsync() => world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));

        // 31 December with no year yet: old code saved the session, "No slots needed to change", running with no end date.
        var halfUntil = await PageTestData.PostAsync(commissioner, page, Fields("2026-01-01", "31/12/", opened), page);
        Assert.Equal(HttpStatusCode.OK, halfUntil.StatusCode);
        var html = await halfUntil.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"#Input_ValidUntil-year\">Runs until must include a year</a>", html, StringComparison.Ordinal);
        Assert.Matches("name=\"Input.ValidUntil.Day\"[^>]*value=\"31\"|value=\"31\"[^>]*name=\"Input.ValidUntil.Day\"", html); // what was typed is kept

        // The start date without its month, likewise.
        var halfFrom = await PageTestData.PostAsync(commissioner, page, Fields("1//2026", string.Empty, opened), page);
        Assert.Equal(HttpStatusCode.OK, halfFrom.StatusCode);
        Assert.Contains("<a href=\"#Input_ValidFrom-month\">Runs from must include a month</a>", await halfFrom.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unchanged = await StoredAsync();
        Assert.Equal((2, (DateOnly?)null, opened), (unchanged.Clinicians, unchanged.ValidUntil, unchanged.Version));
        Assert.False(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SessionChange && e.HubId == world.HubId)));

        // A whole date saves; all three boxes empty is "no end date", as it always was.
        Assert.Equal(HttpStatusCode.Redirect, (await PageTestData.PostAsync(commissioner, page, Fields("2026-01-01", "2026-12-31", opened), page)).StatusCode);
        Assert.Equal((3, (DateOnly?)new DateOnly(2026, 12, 31)), ((await StoredAsync()).Clinicians, (await StoredAsync()).ValidUntil));
        Assert.Equal(HttpStatusCode.Redirect, (await PageTestData.PostAsync(commissioner, page, Fields("2026-01-01", string.Empty, opened + 1), page)).StatusCode);
        Assert.Null((await StoredAsync()).ValidUntil);
    }

    [Fact]
    public async Task A_closed_date_typed_in_part_is_a_field_error_and_closes_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var freeBefore = await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free));

        var half = await commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Closed" }.WithDate("NewDate.Date", "9/6/"), formPage: page);

        Assert.Equal(HttpStatusCode.OK, half.StatusCode); // old code (a browser date field): "Enter the date", though one was half typed
        var html = await half.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"#NewDate_Date-year\">Date must include a year</a>", html, StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.SessionOverrides.AnyAsync(o => o.SessionId == world.SessionId)));
        Assert.Equal(freeBefore, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free)));
    }

    [Fact]
    public async Task A_session_name_or_date_reason_too_long_is_a_field_error_not_cut_short_by_the_browser()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var form = (await commissioner.GetAsync(page)).Html;
        Assert.DoesNotContain("maxlength", form, StringComparison.Ordinal); // a browser cuts pasted text at it without a word
        var opened = PageClient.VersionOnForm(form);

        var longName = await PageTestData.PostAsync(commissioner, page, SessionFields(new string('n', 101), "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: "3", validFrom: "2026-01-01", version: opened), page);
        Assert.Equal(HttpStatusCode.OK, longName.StatusCode);
        Assert.Contains("<a href=\"#Input_Name\">Session name must be 100 characters or fewer</a>", await longName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unchanged = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal(("Evening GP clinic", 2), (unchanged.Name, unchanged.Clinicians));

        var longReason = await commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = new string('r', 201) }.WithDate("NewDate.Date", "2026-06-09"), formPage: page);
        Assert.Equal(HttpStatusCode.OK, longReason.StatusCode);
        Assert.Contains("<a href=\"#NewDate_Reason\">Reason must be 200 characters or fewer</a>", await longReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.SessionOverrides.AnyAsync(o => o.SessionId == world.SessionId)));
    }

    [Fact]
    public async Task A_slot_length_or_clinician_count_in_hexadecimal_is_a_field_error_and_saves_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var opened = PageClient.VersionOnForm((await commissioner.GetAsync(page)).Html);

        // The framework's converter read "0xF" as 15 and "#3" as 3, and saved them.
        var hex = await PageTestData.PostAsync(commissioner, page, SessionFields("Renamed clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "0xF", clinicians: "#3", validFrom: "2026-01-01", version: opened), page);
        Assert.Equal(HttpStatusCode.OK, hex.StatusCode);
        var html = await hex.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"#Input_SlotMinutes\">Enter the slot length as a whole number of minutes, for example 15</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_Clinicians\">Enter the number of clinicians as a whole number, for example 2</a>", html, StringComparison.Ordinal);
        var unchanged = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal(("Evening GP clinic", 15, 2), (unchanged.Name, unchanged.SlotMinutes, unchanged.Clinicians));

        // Digits with spaces around, as a pasted number comes, still save.
        var digits = await PageTestData.PostAsync(commissioner, page, SessionFields("Renamed clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: " 30 ", clinicians: "3", validFrom: "2026-01-01", version: opened), page);
        Assert.Equal(HttpStatusCode.Redirect, digits.StatusCode);
        var saved = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal(("Renamed clinic", 30, 3), (saved.Name, saved.SlotMinutes, saved.Clinicians));
    }

    [Fact]
    public async Task A_valid_session_is_saved_audited_and_creates_its_slots_at_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var form = $"/Admin/Session?hubId={world.HubId}";

        var response = await PageTestData.PostAsync(commissioner, form, SessionFields("Morning nurse calls", "10:00", "12:00"), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/Admin/Hub/{world.HubId}#rota", response.Headers.Location?.OriginalString);
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().FirstAsync(s => s.HubId == world.HubId && s.Name == "Morning nurse calls"));
        Assert.Equal(SessionDays.Weekdays, session.Days);
        Assert.Equal(ClinicianRole.PracticeNurse, session.Role);
        Assert.Equal(DeliveryMode.Telephone, session.Mode);

        // The test horizon is today plus 2 days: Mon 8, Tue 9 and Wed 10 June, 10:00–12:00 in 20-minute slots = 6 a day.
        var slots = await world.WithDbAsync(db => db.Slots.Where(s => s.SessionId == session.Id).ToListAsync());
        Assert.Equal(18, slots.Count);
        Assert.All(slots, s => Assert.Equal(SlotStatus.Free, s.Status));
        Assert.Contains(slots, s => s.StartUtc == Utc(8, 9, 0)); // 10:00 BST
        Assert.All(slots, s => Assert.Equal(ClinicianRole.PracticeNurse, s.Role));

        var audit = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.SessionChange && e.EntityId == session.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToListAsync());
        var created = Assert.Single(audit);
        Assert.Equal(world.Commissioner, created.Actor);
        Assert.Equal(world.HubId, created.HubId);
        Assert.StartsWith("created: Morning nurse calls", created.Detail, StringComparison.Ordinal);

        var hub = (await commissioner.GetAsync($"/Admin/Hub/{world.HubId}")).Html;
        Assert.Contains("Session added: Morning nurse calls. 18 slots added.", hub, StringComparison.Ordinal);
        Assert.Contains("Morning nurse calls", hub, StringComparison.Ordinal);

        // Generating again changes nothing: regeneration is idempotent.
        var generate = await commissioner.PostFormAsync($"/Admin/Hub/{world.HubId}?handler=Generate", new Dictionary<string, string>(), formPage: $"/Admin/Hub/{world.HubId}");
        Assert.Equal(HttpStatusCode.Redirect, generate.StatusCode);
        Assert.Contains("Slots generated: 0 slots added, 0 withdrawn, 0 restored", (await commissioner.GetAsync($"/Admin/Hub/{world.HubId}")).Html, StringComparison.Ordinal);
        Assert.Equal(18, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == session.Id)));
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SlotsGenerated && e.Actor == world.Commissioner && e.HubId == world.HubId)));
    }

    [Fact]
    public async Task Changing_a_session_updates_its_free_slots_and_keeps_the_booked_ones()
    {
        var world = await TestWorld.CreateAsync(factory);
        var booked = (await world.FreeSlotsAsync())[0];
        await PageTestData.BookAsync(world, world.PracticeStaffA, booked.Id, "Keepsgp");
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, form) = await commissioner.GetAsync($"/Admin/Session/{world.SessionId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("value=\"Evening GP clinic\"", form, StringComparison.Ordinal);
        Assert.True(IsChecked(form, "Monday"), "Monday should be ticked");
        Assert.True(IsChecked(form, "Friday"), "Friday should be ticked");
        Assert.False(IsChecked(form, "Saturday"), "Saturday should not be ticked");
        Assert.False(IsChecked(form, "BankHolidays"), "Bank holidays should not be ticked");
        Assert.Contains("value=\"18:30\"", form, StringComparison.Ordinal);

        // Same times and clinicians, but an advanced nurse practitioner on video from now on.
        var response = await PageTestData.PostAsync(
            commissioner,
            $"/Admin/Session/{world.SessionId}",
            SessionFields("Evening clinic", "18:30", "20:00", role: "AdvancedNursePractitioner", mode: "Video", slotMinutes: "15", clinicians: "2", validFrom: "2026-01-01", version: PageClient.VersionOnForm(form)),
            $"/Admin/Session/{world.SessionId}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        // The booked GP appointment is kept, as booked: the commissioner is told its patient needs contacting.
        Assert.Contains("1 booked appointment no longer matches this session&#x27;s rota (its dates, times, clinician, type or slot length changed)", (await commissioner.GetAsync(response.Headers.Location!.OriginalString)).Html, StringComparison.Ordinal);

        var slots = await world.WithDbAsync(db => db.Slots.Where(s => s.SessionId == world.SessionId && s.StartUtc < Utc(11, 0, 0)).ToListAsync());
        var kept = Assert.Single(slots, s => s.Id == booked.Id);
        Assert.Equal(SlotStatus.Booked, kept.Status);
        Assert.Equal(ClinicianRole.GeneralPractitioner, kept.Role); // a booked slot is never rewritten
        Assert.All(slots.Where(s => s.Status == SlotStatus.Free), s => Assert.Equal(ClinicianRole.AdvancedNursePractitioner, s.Role));
        Assert.All(slots.Where(s => s.Status == SlotStatus.Free), s => Assert.Equal(DeliveryMode.Video, s.Mode));
        Assert.Equal(36, slots.Count); // 3 days × 6 slots × 2 clinicians, none doubled
        Assert.Equal("Evening clinic", await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == world.SessionId).Select(s => s.Name).FirstAsync()));
    }

    [Fact]
    public async Task A_session_saved_from_a_form_opened_before_someone_elses_change_is_refused_and_the_form_shows_theirs()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var first = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var second = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var opened = PageClient.VersionOnForm((await first.GetAsync(page)).Html);

        // The second commissioner adds a third clinician; the first, from the form opened before, moves the end time.
        var more = await PageTestData.PostAsync(second, page, SessionFields("Evening GP clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: "3", validFrom: "2026-01-01", version: opened), page);
        Assert.Equal(HttpStatusCode.Redirect, more.StatusCode);
        var slotsAfterSecond = await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free));
        var stale = await PageTestData.PostAsync(first, page, SessionFields("Evening GP clinic", "18:30", "19:30", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: "1", validFrom: "2026-01-01", version: opened), page);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        var html = await stale.Content.ReadAsStringAsync();
        Assert.Contains("Someone else changed Evening GP clinic after you opened it", html, StringComparison.Ordinal);
        Assert.Contains("value=\"20:00\"", html, StringComparison.Ordinal);
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal((3, new TimeOnly(20, 0)), (session.Clinicians, session.EndTime));
        Assert.Equal(opened + 1, session.Version);
        Assert.Equal(session.Version, PageClient.VersionOnForm(html));
        Assert.Equal(slotsAfterSecond, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free)));

        // A form without its version, or with one that is not a number, is refused the same way.
        foreach (var version in new[] { null, "abc" })
        {
            var fields = SessionFields("Evening GP clinic", "18:30", "19:30", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", validFrom: "2026-01-01");
            if (version is not null)
            {
                fields.Add(new("Input.Version", version));
            }

            Assert.Contains("Someone else changed", await (await PageTestData.PostAsync(first, page, fields, page)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(3, await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == world.SessionId).Select(s => s.Clinicians).SingleAsync()));
    }

    [Fact]
    public async Task One_add_a_session_form_sent_several_times_adds_one_session()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var form = $"/Admin/Session?hubId={world.HubId}";
        string KeyOn(string html) => Regex.Match(html, "name=\"Input.FormKey\" value=\"([0-9A-F]+)\"").Groups[1].Value;
        var key = KeyOn((await commissioner.GetAsync(form)).Html);
        Assert.NotEmpty(key);
        var fields = SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30");
        fields.Add(new("Input.FormKey", key));

        var sent = await commissioner.PostAtOnceAsync(form, Enumerable.Repeat(fields, 4));
        var again = await PageTestData.PostAsync(commissioner, form, fields, form);

        Assert.All(sent, s => Assert.Equal(HttpStatusCode.Redirect, s.Status));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1, await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.HubId && s.Name == "Saturday clinic")));

        // Another visit to the form is another session; a key the page did not make is refused.
        var next = KeyOn((await commissioner.GetAsync(form)).Html);
        Assert.NotEqual(key, next);
        var second = SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30");
        second.Add(new("Input.FormKey", next));
        Assert.Equal(HttpStatusCode.Redirect, (await PageTestData.PostAsync(commissioner, form, second, form)).StatusCode);
        var forged = SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30");
        forged.Add(new("Input.FormKey", "zz"));
        var refused = await PageTestData.PostAsync(commissioner, form, forged, form);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Add the session from the form on this page", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.HubId && s.Name == "Saturday clinic")));

        // A key made for one hub's form, sent to another hub's, was not sent from that form.
        var otherForm = $"/Admin/Session?hubId={world.OtherHubId}";
        var before = await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.OtherHubId));
        var elsewhere = await PageTestData.PostAsync(commissioner, otherForm, fields, otherForm);
        Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);
        Assert.Contains("Add the session from the form on this page", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.OtherHubId)));
    }

    [Fact]
    public async Task An_add_a_session_form_sent_again_with_other_details_says_it_added_the_first_and_adds_the_second_when_sent_once_more()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var form = $"/Admin/Session?hubId={world.HubId}";
        static string KeyOn(string html) => Regex.Match(html, "name=\"Input.FormKey\" value=\"([0-9A-F]+)\"").Groups[1].Value;
        var key = KeyOn((await commissioner.GetAsync(form)).Html);
        var saturday = SessionFields("Saturday clinic", "09:00", "13:00", days: ["Saturday"], slotMinutes: "15");
        saturday.Add(new("Input.FormKey", key));
        Assert.Equal(HttpStatusCode.Redirect, (await PageTestData.PostAsync(commissioner, form, saturday, form)).StatusCode);

        // Back, change it to Sunday, send: not a retry of Saturday.
        var sunday = SessionFields("Sunday clinic", "10:00", "12:00", days: ["Sunday"], slotMinutes: "15");
        sunday.Add(new("Input.FormKey", key));
        var refused = await PageTestData.PostAsync(commissioner, form, sunday, form);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("This form has already added Saturday clinic", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Sunday clinic\"", page, StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.Sessions.AnyAsync(s => s.HubId == world.HubId && s.Name == "Sunday clinic")));

        // The form comes back with a new key: sent as it is, it adds Sunday.
        var newKey = KeyOn(page);
        Assert.NotEqual(key, newKey);
        var sundayAgain = SessionFields("Sunday clinic", "10:00", "12:00", days: ["Sunday"], slotMinutes: "15");
        sundayAgain.Add(new("Input.FormKey", newKey));
        Assert.Equal(HttpStatusCode.Redirect, (await PageTestData.PostAsync(commissioner, form, sundayAgain, form)).StatusCode);
        Assert.Equal(
            ["Saturday clinic", "Sunday clinic"],
            await world.WithDbAsync(db => db.Sessions.Where(s => s.HubId == world.HubId && (s.Name == "Saturday clinic" || s.Name == "Sunday clinic")).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync()));
    }

    [Fact]
    public async Task Session_saves_and_date_removals_sent_at_once_make_one_change_and_no_error_page()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var opened = PageClient.VersionOnForm((await commissioner.GetAsync(page)).Html);

        // Each a real change: the session has two clinicians.
        var saves = await commissioner.PostAtOnceAsync(page, Enumerable.Range(3, 6).Select(clinicians =>
            SessionFields("Evening GP clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: $"{clinicians}", validFrom: "2026-01-01", version: opened)));

        Assert.All(saves, s => Assert.True(s.Status == HttpStatusCode.Redirect || (s.Status == HttpStatusCode.OK && s.Html.Contains("Someone else changed", StringComparison.Ordinal)), $"{s.Status}"));
        Assert.Equal(1, saves.Count(s => s.Status == HttpStatusCode.Redirect));
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal(opened + 1, session.Version);
        Assert.Equal(2 * 6 * session.Clinicians, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free && s.StartUtc >= Utc(9, 0, 0) && s.StartUtc < Utc(11, 0, 0))));

        var close = await commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Closed" }.WithDate("NewDate.Date", "2026-06-09"), formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        var overrideId = await world.WithDbAsync(db => db.SessionOverrides.Where(o => o.SessionId == world.SessionId).Select(o => o.Id).SingleAsync());

        var removals = await commissioner.PostAtOnceAsync($"{page}?handler=RemoveDate", Enumerable.Repeat(new Dictionary<string, string> { ["overrideId"] = $"{overrideId}" }, 6), formPage: page);

        Assert.All(removals, r => Assert.Equal(HttpStatusCode.Redirect, r.Status));
        Assert.False(await world.WithDbAsync(db => db.SessionOverrides.AnyAsync(o => o.SessionId == world.SessionId)));
        Assert.Equal(6 * session.Clinicians, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free && s.StartUtc >= Utc(9, 0, 0) && s.StartUtc < Utc(10, 0, 0))));

        // One more removal of the date, from a page opened before it went: told it is gone, not shown an error page.
        var late = await commissioner.PostFormAsync($"{page}?handler=RemoveDate", new Dictionary<string, string> { ["overrideId"] = $"{overrideId}" }, formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, late.StatusCode);
        Assert.Contains("That closed or extra date is not on this session any more", (await commissioner.GetAsync(page)).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_today_once_the_session_has_started_leaves_the_slots_that_already_ran()
    {
        var world = await TestWorld.CreateAsync(factory);
        var page = $"/Admin/Session/{world.SessionId}";

        // Monday 8 June at 19:00 London (18:00 UTC): the 18:30 clinic has been running for half an hour.
        using (factory.Clock.TravelTo(Utc(8, 18, 0)))
        {
            using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
            var close = await commissioner.PostFormAsync(
                $"{page}?handler=AddDate",
                new Dictionary<string, string> { ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = "Clinician unwell" }.WithDate("NewDate.Date", "2026-06-08"),
                formPage: page);
            Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        }

        var today = await world.WithDbAsync(db => db.Slots.Where(s => s.SessionId == world.SessionId && s.StartUtc >= Utc(8, 0, 0) && s.StartUtc < Utc(9, 0, 0)).ToListAsync());
        Assert.Equal(12, today.Count);

        // What was offered before the closure stays offered in the day's figures; only what had not started is withdrawn.
        // (A slot starting at this very minute has started.)
        Assert.All(today.Where(s => s.StartUtc <= Utc(8, 18, 0)), s => Assert.Equal(SlotStatus.Free, s.Status));
        Assert.All(today.Where(s => s.StartUtc > Utc(8, 18, 0)), s => Assert.Equal(SlotStatus.Withdrawn, s.Status));
        Assert.Equal(6, today.Count(s => s.Status == SlotStatus.Free));
    }

    [Fact]
    public async Task Closing_a_date_withdraws_its_free_slots_but_keeps_a_booked_one_and_reopening_restores_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tuesday = (await world.FreeSlotsAsync(Utc(9, 0, 0)))[0];
        Assert.Equal(Utc(9, 17, 30), tuesday.StartUtc);
        await PageTestData.BookAsync(world, world.PracticeStaffA, tuesday.Id, "Bookedontuesday");
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";

        var close = await commissioner.PostFormAsync(
            $"{page}?handler=AddDate",
            new Dictionary<string, string> { ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = "Staff training" }.WithDate("NewDate.Date", "2026-06-09"),
            formPage: page);

        Assert.Equal(HttpStatusCode.Redirect, close.StatusCode);
        Assert.Equal($"{page}#dates", close.Headers.Location?.OriginalString);
        var onTuesday = await world.WithDbAsync(db => db.Slots.Where(s => s.SessionId == world.SessionId && s.StartUtc >= Utc(9, 0, 0) && s.StartUtc < Utc(10, 0, 0)).ToListAsync());
        Assert.Equal(12, onTuesday.Count);
        Assert.Equal(SlotStatus.Booked, Assert.Single(onTuesday, s => s.Id == tuesday.Id).Status);
        Assert.All(onTuesday.Where(s => s.Id != tuesday.Id), s => Assert.Equal(SlotStatus.Withdrawn, s.Status));
        Assert.Equal(12, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free && s.StartUtc >= Utc(10, 0, 0) && s.StartUtc < Utc(11, 0, 0))));

        var html = (await commissioner.GetAsync(page)).Html;
        Assert.Contains("Evening GP clinic closed on 9 June 2026. 11 free slots withdrawn.", html, StringComparison.Ordinal);
        Assert.Contains("1 booked appointment no longer matches this session&#x27;s rota (the session is closed on 9 June 2026)", html, StringComparison.Ordinal);
        Assert.Contains("It has been kept, and the hub&#x27;s day list marks it", html, StringComparison.Ordinal); // was "They have been kept"
        Assert.Contains("Staff training", html, StringComparison.Ordinal);
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.SessionChange && e.Actor == world.Commissioner && e.Detail!.StartsWith("closed on 2026-06-09"))));

        // The same form sent again (a double click, a retry) is done already: no second date, audit row or error.
        var again = await commissioner.PostFormAsync(
            $"{page}?handler=AddDate",
            new Dictionary<string, string> { ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = "  Staff training " }.WithDate("NewDate.Date", "2026-06-09"),
            formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1, await world.WithDbAsync(db => db.SessionOverrides.CountAsync(o => o.SessionId == world.SessionId)));
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.SessionChange && e.HubId == world.HubId && e.Detail!.StartsWith("closed on 2026-06-09"))));

        // The same date with another reason, or none, is a field error.
        var twice = await commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Closed" }.WithDate("NewDate.Date", "2026-06-09"), formPage: page);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Contains("href=\"#NewDate_Date\">This session is already closed on 9 June 2026", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Removing the closed date brings the free slots back.
        var overrideId = await world.WithDbAsync(db => db.SessionOverrides.Where(o => o.SessionId == world.SessionId).Select(o => o.Id).SingleAsync());
        var reopen = await commissioner.PostFormAsync($"{page}?handler=RemoveDate", new Dictionary<string, string> { ["overrideId"] = $"{overrideId}" }, formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, reopen.StatusCode);
        Assert.Equal(11, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free && s.StartUtc >= Utc(9, 0, 0) && s.StartUtc < Utc(10, 0, 0))));
        Assert.False(await world.WithDbAsync(db => db.SessionOverrides.AnyAsync(o => o.SessionId == world.SessionId)));
    }

    [Fact]
    public async Task An_extra_date_adds_slots_and_deactivating_a_session_withdraws_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        // A Saturday-only clinic starting next week has no slots in the horizon; an extra clinic on Tuesday gives it some.
        var form = $"/Admin/Session?hubId={world.HubId}";
        var create = await PageTestData.PostAsync(commissioner, form, SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30"), form);
        Assert.Equal(HttpStatusCode.Redirect, create.StatusCode);
        var sessionId = await world.WithDbAsync(db => db.Sessions.Where(s => s.HubId == world.HubId && s.Name == "Saturday clinic").Select(s => s.Id).SingleAsync());
        Assert.Equal(0, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == sessionId)));

        var page = $"/Admin/Session/{sessionId}";
        var extra = await commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Extra" }.WithDate("NewDate.Date", "2026-06-09"), formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, extra.StatusCode);
        Assert.Equal(2, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == sessionId && s.Status == SlotStatus.Free)));

        // Dates that would leave the extra date outside the session, or that no rota has, are refused on the form.
        var (_, edit) = await commissioner.GetAsync(page);
        var version = PageClient.VersionOnForm(edit);
        var later = await PageTestData.PostAsync(commissioner, page, SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30", validFrom: "2026-06-10", version: version), page);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Contains("The session has an extra date on 9 June 2026, outside these dates; remove it first", await later.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var forever = await PageTestData.PostAsync(commissioner, page, SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30", validUntil: "9999-12-31", version: version), page);
        Assert.Contains("Enter a date between 1 January 2000 and 31 December 2099", await forever.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2026, 6, 1), await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == sessionId).Select(s => s.ValidFrom).FirstAsync()));

        var off = await commissioner.PostFormAsync($"{page}?handler=Deactivate", new Dictionary<string, string>(), formPage: page);
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.Equal(0, await world.WithDbAsync(db => db.Slots.CountAsync(s => s.SessionId == sessionId && s.Status == SlotStatus.Free)));
        Assert.False(await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == sessionId).Select(s => s.IsActive).FirstAsync()));
        var deactivated = (await commissioner.GetAsync(page)).Html;
        Assert.Contains("Reactivate session", deactivated, StringComparison.Ordinal);

        // Its extra date is still listed, as one that runs no clinic (old code: "Extra session", with every slot withdrawn).
        Assert.Contains("Extra session (not running: the session is deactivated)", deactivated, StringComparison.Ordinal);
        Assert.Contains("Extra session (not running: the session is deactivated)", (await commissioner.GetAsync($"/Admin/Hub/{world.HubId}")).Html, StringComparison.Ordinal);

        // A closed date in the past is refused.
        var past = await commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Closed" }.WithDate("NewDate.Date", "2026-06-01"), formPage: page);
        Assert.Contains("Date must be today or in the future", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_session_form_sent_twice_is_saved_once_and_not_refused_as_someone_elses_change()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        var opened = PageClient.VersionOnForm((await commissioner.GetAsync(page)).Html);
        var fields = SessionFields("Evening GP clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: "3", validFrom: "2026-01-01", version: opened);

        var first = await PageTestData.PostAsync(commissioner, page, fields, page);
        var second = await PageTestData.PostAsync(commissioner, page, fields, page);

        Assert.Equal((HttpStatusCode.Redirect, HttpStatusCode.Redirect), (first.StatusCode, second.StatusCode));
        Assert.Contains("Session saved: Evening GP clinic", (await commissioner.GetAsync(second.Headers.Location!.OriginalString)).Html, StringComparison.Ordinal);
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal((3, opened + 1), (session.Clinicians, session.Version));
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.SessionChange && e.HubId == world.HubId && e.Detail!.StartsWith("updated:"))));
    }

    /// <summary>
    /// A rota change sent again (its answer lost, the user retries) finds it made: the answer says so, not "No slots needed
    /// to change", and still names the bookings the session's rota leaves out, which the lost answer named (old code: no
    /// warning, as the resend left none out itself). Each change is still made once.
    /// </summary>
    [Fact]
    public async Task A_rota_change_sent_again_says_it_was_already_saved_and_still_names_the_bookings_off_the_rota()
    {
        var world = await TestWorld.CreateAsync(factory);
        var tuesday = await PageTestData.BookAsync(world, world.PracticeStaffA, (await world.FreeSlotsAsync(Utc(9, 0, 0)))[0].Id, "Sentagaintuesday");
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        async Task<string> AnswerAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return WebUtility.HtmlDecode((await commissioner.GetAsync(response.Headers.Location!.OriginalString)).Html);
        }

        const string KeptOne = "It has been kept, and the hub's day list marks it for its clinicians to contact the patient and rebook or cancel";
        const string KeptMany = "They have been kept, and the hub's day list marks them for its clinicians to contact the patients and rebook or cancel";

        // 20-minute slots: the booked 18:30–18:45 is off the rota. The same form sent twice.
        var opened = PageClient.VersionOnForm((await commissioner.GetAsync(page)).Html);
        var twenty = SessionFields("Evening GP clinic", "18:30", "20:00", role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "20", clinicians: "2", validFrom: "2026-01-01", version: opened);
        var first = await AnswerAsync(await PageTestData.PostAsync(commissioner, page, twenty, page));
        Assert.Contains("1 booked appointment no longer matches this session's rota (its dates, times, clinician, type or slot length changed)", first, StringComparison.Ordinal);
        var again = await AnswerAsync(await PageTestData.PostAsync(commissioner, page, twenty, page));
        Assert.Contains("Session saved: Evening GP clinic. This change was already saved.", again, StringComparison.Ordinal);
        Assert.DoesNotContain("No slots needed to change", again, StringComparison.Ordinal);
        Assert.Contains($"1 booked appointment is off this session's rota. {KeptOne}; no reminder is sent for it while the rota leaves it out. Appointment {tuesday}.", again, StringComparison.Ordinal);
        var session = await world.WithDbAsync(db => db.Sessions.AsNoTracking().SingleAsync(s => s.Id == world.SessionId));
        Assert.Equal((20, opened + 1), (session.SlotMinutes, session.Version));
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.SessionChange && e.HubId == world.HubId && e.EntityType == "Session" && e.Detail!.StartsWith("updated:"))));

        // Wednesday closed, twice: the resend names both bookings the rota leaves out, the earlier change's too.
        var wednesday = await PageTestData.BookAsync(world, world.PracticeStaffA, (await world.FreeSlotsAsync(Utc(10, 0, 0)))[0].Id, "Sentagainwednesday");
        var close = new Dictionary<string, string> { ["NewDate.Kind"] = "Closed", ["NewDate.Reason"] = "Flooded" }.WithDate("NewDate.Date", "2026-06-10");
        var closed = await AnswerAsync(await commissioner.PostFormAsync($"{page}?handler=AddDate", close, formPage: page));
        Assert.Contains($"1 booked appointment no longer matches this session's rota (the session is closed on 10 June 2026). {KeptOne}", closed, StringComparison.Ordinal);
        var closedAgain = await AnswerAsync(await commissioner.PostFormAsync($"{page}?handler=AddDate", close, formPage: page));
        Assert.Contains("Evening GP clinic closed on 10 June 2026. This change was already saved.", closedAgain, StringComparison.Ordinal);
        Assert.DoesNotContain("No slots needed to change", closedAgain, StringComparison.Ordinal);
        Assert.Contains($"2 booked appointments are off this session's rota. {KeptMany}; no reminder is sent for them while the rota leaves them out. Appointments {tuesday}, {wednesday}.", closedAgain, StringComparison.Ordinal);
        Assert.Equal(1, await world.WithDbAsync(db => db.SessionOverrides.CountAsync(o => o.SessionId == world.SessionId)));

        // Deactivated twice (the button sent again).
        Assert.Contains("Evening GP clinic deactivated. ", await AnswerAsync(await commissioner.PostFormAsync($"{page}?handler=Deactivate", new Dictionary<string, string>(), formPage: page)), StringComparison.Ordinal);
        var offAgain = await AnswerAsync(await commissioner.PostFormAsync($"{page}?handler=Deactivate", new Dictionary<string, string>(), formPage: page));
        Assert.Contains("Evening GP clinic deactivated. This change was already saved.", offAgain, StringComparison.Ordinal);
        Assert.Contains($"Appointments {tuesday}, {wednesday}.", offAgain, StringComparison.Ordinal);
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.SessionChange && e.HubId == world.HubId && e.Detail!.StartsWith("deactivated:"))));

        // One add-a-session form sent twice: one session, and the second answer says it was added already.
        var add = $"/Admin/Session?hubId={world.HubId}";
        var fields = SessionFields("Saturday clinic", "09:00", "10:00", days: ["Saturday"], slotMinutes: "30");
        fields.Add(new("Input.FormKey", Regex.Match((await commissioner.GetAsync(add)).Html, "name=\"Input.FormKey\" value=\"([0-9A-F]+)\"").Groups[1].Value));
        Assert.Contains("Session added: Saturday clinic. No slots needed to change.", await AnswerAsync(await PageTestData.PostAsync(commissioner, add, fields, add)), StringComparison.Ordinal);
        var addedAgain = await AnswerAsync(await PageTestData.PostAsync(commissioner, add, fields, add));
        Assert.Contains("Session added: Saturday clinic. This change was already saved.", addedAgain, StringComparison.Ordinal);
        Assert.Equal(1, await world.WithDbAsync(db => db.Sessions.CountAsync(s => s.HubId == world.HubId && s.Name == "Saturday clinic")));
    }

    /// <summary>
    /// A change of days that would leave a closed date on a day the session no longer runs, or an extra date on one it now
    /// runs anyway, is refused as a change of dates that leaves them outside is, naming them (old code: saved, the date
    /// stayed listed doing nothing, and blocked an extra clinic that day as "already closed").
    /// </summary>
    [Fact]
    public async Task A_change_of_days_that_would_leave_closed_or_extra_dates_doing_nothing_is_refused_naming_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";
        async Task<HttpResponseMessage> SaveDaysAsync(params string[] days) =>
            await PageTestData.PostAsync(commissioner, page, SessionFields("Evening GP clinic", "18:30", "20:00", days: days, role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "15", clinicians: "2", validFrom: "2026-01-01", version: PageClient.VersionOnForm((await commissioner.GetAsync(page)).Html)), page);
        Task<HttpResponseMessage> AddDateAsync(string kind, string date) =>
            commissioner.PostFormAsync($"{page}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = kind }.WithDate("NewDate.Date", date), formPage: page);
        Task<SessionDays> DaysAsync() => world.WithDbAsync(db => db.Sessions.Where(s => s.Id == world.SessionId).Select(s => s.Days).SingleAsync());

        // Sundays, closed on Sunday 20 December 2026.
        Assert.Equal(HttpStatusCode.Redirect, (await SaveDaysAsync("Sunday")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await AddDateAsync("Closed", "2026-12-20")).StatusCode);

        var saturdays = await SaveDaysAsync("Saturday");
        Assert.Equal(HttpStatusCode.OK, saturdays.StatusCode);
        Assert.Contains("<a href=\"#Input_Days\">The session has a closed date on 20 December 2026, a day it would not run on these days; remove it first</a>", WebUtility.HtmlDecode(await saturdays.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(SessionDays.Sunday, await DaysAsync());

        // An extra Saturday, then Saturdays as well: the extra date would be one the session runs anyway. Both named.
        Assert.Equal(HttpStatusCode.Redirect, (await AddDateAsync("Extra", "2026-12-19")).StatusCode);
        var weekends = await SaveDaysAsync("Saturday", "Sunday");
        Assert.Contains("The session has an extra date on 19 December 2026, a day it would run on these days anyway; remove it first", WebUtility.HtmlDecode(await weekends.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var swapped = await SaveDaysAsync("Saturday");
        Assert.Contains("The session has a closed date on 20 December 2026, a day it would not run on these days, and an extra date on 19 December 2026, a day it would run on these days anyway; remove them first", WebUtility.HtmlDecode(await swapped.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(SessionDays.Sunday, await DaysAsync());

        // A change the dates still mean something under saves (Sundays and Mondays); once they are removed, Saturdays do.
        Assert.Equal(HttpStatusCode.Redirect, (await SaveDaysAsync("Sunday", "Monday")).StatusCode);
        foreach (var overrideId in await world.WithDbAsync(db => db.SessionOverrides.Where(o => o.SessionId == world.SessionId).Select(o => o.Id).ToListAsync()))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await commissioner.PostFormAsync($"{page}?handler=RemoveDate", new Dictionary<string, string> { ["overrideId"] = $"{overrideId}" }, formPage: page)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await SaveDaysAsync("Saturday")).StatusCode);
        Assert.Equal(SessionDays.Saturday, await DaysAsync());

        // A date already pointless (made before this rule) is not this change's doing: it does not stop other edits.
        await world.WithDbAsync(async db =>
        {
            db.SessionOverrides.Add(new SessionOverride { SessionId = world.SessionId, Date = new DateOnly(2026, 12, 27), Kind = SessionOverrideKind.Closed });
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Redirect, (await SaveDaysAsync("Saturday", "Monday")).StatusCode);
        Assert.Equal(SessionDays.Saturday | SessionDays.Monday, await DaysAsync());
    }

    /// <summary>
    /// The clocks go forward at 01:00 on Sunday 28 March 2027, so 01:00–02:00 that night never happens: a session on that
    /// night alone is refused (old code: "Session added: ... No slots needed to change.", and no slot ever), and one whose
    /// dates include it is saved with that date named.
    /// </summary>
    [Fact]
    public async Task A_session_whose_times_the_clocks_skip_on_every_date_is_refused_and_one_losing_some_dates_names_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var add = $"/Admin/Session?hubId={world.HubId}";
        const string Refused = "<a href=\"#Input_StartTime\">These times do not happen on 28 March 2027: the clocks go forward an hour that night and skip them, so the session would offer no appointments. Change its times or dates</a>";

        var once = await PageTestData.PostAsync(commissioner, add, SessionFields("Clock change clinic", "01:00", "02:00", days: ["Sunday"], slotMinutes: "30", validFrom: "2027-03-28", validUntil: "2027-03-28"), add);
        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        Assert.Contains(Refused, WebUtility.HtmlDecode(await once.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.Sessions.AnyAsync(s => s.HubId == world.HubId && s.Name == "Clock change clinic")));

        // A session changed to it likewise.
        var page = $"/Admin/Session/{world.SessionId}";
        var opened = PageClient.VersionOnForm((await commissioner.GetAsync(page)).Html);
        var changed = await PageTestData.PostAsync(commissioner, page, SessionFields("Evening GP clinic", "01:00", "02:00", days: ["Sunday"], role: "GeneralPractitioner", mode: "FaceToFace", slotMinutes: "30", clinicians: "2", validFrom: "2027-03-28", validUntil: "2027-03-28", version: opened), page);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains(Refused, WebUtility.HtmlDecode(await changed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(new TimeOnly(18, 30), await world.WithDbAsync(db => db.Sessions.Where(s => s.Id == world.SessionId).Select(s => s.StartTime).SingleAsync()));

        // Sundays from 21 March to 4 April: the other two offer slots, so it is saved, and the night it offers none named.
        var weekly = await PageTestData.PostAsync(commissioner, add, SessionFields("Clock change clinic", "01:00", "02:00", days: ["Sunday"], slotMinutes: "30", validFrom: "2027-03-21", validUntil: "2027-04-04"), add);
        Assert.Equal(HttpStatusCode.Redirect, weekly.StatusCode);
        Assert.Contains(
            "Session added: Clock change clinic. No slots needed to change. It offers no appointments on 28 March 2027: the clocks go forward an hour that night and skip its times.",
            WebUtility.HtmlDecode((await commissioner.GetAsync(weekly.Headers.Location!.OriginalString)).Html),
            StringComparison.Ordinal);

        // With no end date it loses that night every year: the first three are named, the rest (to 2099) counted.
        var everyYear = await PageTestData.PostAsync(commissioner, add, SessionFields("Sunday night clinic", "01:00", "02:00", days: ["Sunday"], slotMinutes: "30", validFrom: "2027-03-21"), add);
        Assert.Contains(
            "It offers no appointments on 28 March 2027, 26 March 2028, 25 March 2029 and 70 later dates: the clocks go forward an hour on those nights and skip its times.",
            WebUtility.HtmlDecode((await commissioner.GetAsync(everyYear.Headers.Location!.OriginalString)).Html),
            StringComparison.Ordinal);

        // An extra clinic that night for a Monday session at those times would offer none either: refused.
        var mondays = await PageTestData.PostAsync(commissioner, add, SessionFields("Monday night clinic", "01:00", "02:00", days: ["Monday"], slotMinutes: "30", validFrom: "2027-03-22", validUntil: "2027-04-05"), add);
        Assert.Equal(HttpStatusCode.Redirect, mondays.StatusCode);
        var mondayPage = $"/Admin/Session/{await world.WithDbAsync(db => db.Sessions.Where(s => s.HubId == world.HubId && s.Name == "Monday night clinic").Select(s => s.Id).SingleAsync())}";
        var extra = await commissioner.PostFormAsync($"{mondayPage}?handler=AddDate", new Dictionary<string, string> { ["NewDate.Kind"] = "Extra" }.WithDate("NewDate.Date", "2027-03-28"), formPage: mondayPage);
        Assert.Equal(HttpStatusCode.OK, extra.StatusCode);
        Assert.Contains(
            "<a href=\"#NewDate_Date\">The session's times do not happen on 28 March 2027: the clocks go forward an hour that night and skip them, so an extra clinic would offer no appointments</a>",
            WebUtility.HtmlDecode(await extra.Content.ReadAsStringAsync()),
            StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.SessionOverrides.AnyAsync(o => o.Session!.HubId == world.HubId && o.Session.Name == "Monday night clinic")));
    }

    [Fact]
    public async Task Deactivating_a_session_with_a_booking_says_the_session_was_deactivated()
    {
        var world = await TestWorld.CreateAsync(factory);
        var booked = (await world.FreeSlotsAsync())[0];
        await PageTestData.BookAsync(world, world.PracticeStaffA, booked.Id, "Deactivated");
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Session/{world.SessionId}";

        var off = await commissioner.PostFormAsync($"{page}?handler=Deactivate", new Dictionary<string, string>(), formPage: page);

        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        var html = (await commissioner.GetAsync(off.Headers.Location!.OriginalString)).Html;
        Assert.Contains("1 booked appointment no longer matches this session&#x27;s rota (the session was deactivated)", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("18:30:30", "20:00", "Enter the start time in hours and minutes, like 18:30")]
    [InlineData("18:30", "19:59:59", "Enter the end time in hours and minutes, like 20:00")]
    public async Task A_session_time_with_seconds_is_a_field_error_not_a_rota_half_a_minute_off(string start, string end, string message)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var form = $"/Admin/Session?hubId={world.HubId}";

        var response = await PageTestData.PostAsync(commissioner, form, SessionFields("Seconds clinic", start, end), form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.Sessions.AnyAsync(s => s.HubId == world.HubId && s.Name == "Seconds clinic")));
    }

    [Fact]
    public async Task A_booking_window_saved_from_a_page_opened_before_someone_elses_change_is_refused_and_shows_theirs()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var first = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var second = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = $"/Admin/Hub/{world.HubId}";
        var save = $"{page}?handler=Window";
        var firstPage = (await first.GetAsync(page)).Html;
        Assert.Matches("name=\"Window.Shown\"[^>]*value=\"none\"|value=\"none\"[^>]*name=\"Window.Shown\"", firstPage);

        Assert.Equal(HttpStatusCode.Redirect, (await second.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "24", ["Window.Shown"] = "none" }, page)).StatusCode);
        var stale = await first.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "72", ["Window.Shown"] = "none" }, page);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        var html = await stale.Content.ReadAsStringAsync();
        Assert.Contains("Someone else changed this hub&#x27;s booking window to 24 hours after you opened the page", html, StringComparison.Ordinal);
        Assert.Matches("name=\"Window.Hours\"[^>]*value=\"24\"|value=\"24\"[^>]*name=\"Window.Hours\"", html);
        Assert.Equal(24, await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.MaximumBookingAheadHours).FirstAsync()));

        // Sent again from the page as it now is, the change is made; the value already there, from a stale page, is done.
        Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "72", ["Window.Shown"] = "24" }, page)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await second.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "72", ["Window.Shown"] = "none" }, page)).StatusCode);
        Assert.Equal(72, await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.MaximumBookingAheadHours).FirstAsync()));

        // A shown value the page never writes is refused, and changes nothing.
        var forged = await first.PostFormAsync(save, new Dictionary<string, string> { ["Window.Hours"] = "12", ["Window.Shown"] = "-1" }, page);
        Assert.Contains("Save the booking window from the form on this page", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(72, await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.MaximumBookingAheadHours).FirstAsync()));
    }
}
