using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data.Compliance;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Compliance;

/// <summary>
/// The ICS level, monthly series, heat grid and reminder effect, over a <see cref="TestWorld"/> (its figures are worked
/// by hand in ComplianceApiTests: 1,740 minutes a plain week for 40,000 patients, 43.5 per 1,000).
/// </summary>
public sealed class ComplianceLevelsTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string Week = "from=2026-06-08&to=2026-06-14";

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string path) => client.GetAsync(new Uri("/api/v1/compliance" + path, UriKind.Relative));

    private static decimal Totals(JsonElement e, string name) => e.GetProperty("figures").GetProperty("totals").GetProperty(name).GetDecimal();

    [Fact]
    public async Task The_ics_figure_is_the_sum_of_its_ccgs_and_only_its_own_commissioners_see_it()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);

        var ics = await Json(await Get(commissioner, $"?level=ics&id={world.SystemId}&{Week}"));
        Assert.Equal("ics", ics.GetProperty("entity").GetProperty("level").GetString());
        Assert.Equal(1740m, Totals(ics, "extendedMinutes"));
        Assert.Equal(40000m, Totals(ics, "population"));
        Assert.Equal(43.5m, ics.GetProperty("figures").GetProperty("minutesPer1000PerWeek").GetDecimal());
        var ccg = Assert.Single(ics.GetProperty("children").EnumerateArray());
        Assert.Equal("ccg", ccg.GetProperty("entity").GetProperty("level").GetString());
        Assert.Equal(world.CcgId, ccg.GetProperty("entity").GetProperty("id").GetInt32());
        Assert.Equal(1740m, Totals(ccg, "extendedMinutes"));

        Assert.Equal(HttpStatusCode.Forbidden, (await Get(await elsewhere.ClientAsync(elsewhere.Commissioner), $"?level=ics&id={world.SystemId}&{Week}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(await world.ClientAsync(world.PracticeStaffA), $"?level=ics&id={world.SystemId}&{Week}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(commissioner, $"?level=ics&id=999999&{Week}")).StatusCode);
    }

    [Fact]
    public async Task Months_cut_the_range_at_calendar_months_and_add_up_to_the_whole()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);

        // The world's slots run from 8 to 28 June; a range from 15 June to 10 July has two months, June clipped at the start.
        var months = await Json(await Get(commissioner, $"/months?level=ccg&id={world.CcgId}&from=2026-06-15&to=2026-07-10"));
        var rows = months.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("2026-06-15", rows[0].GetProperty("from").GetString());
        Assert.Equal("2026-06-30", rows[0].GetProperty("to").GetString());
        Assert.Equal(16, rows[0].GetProperty("days").GetInt32());
        Assert.Equal("2026-07-01", rows[1].GetProperty("from").GetString());
        Assert.Equal("2026-07-10", rows[1].GetProperty("to").GetString());

        var whole = await Json(await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2026-06-15&to=2026-07-10"));
        Assert.Equal(Totals(whole, "extendedMinutes"), rows.Sum(r => Totals(r, "extendedMinutes")));
        Assert.Equal(1740m * 2, Totals(rows[0], "extendedMinutes")); // two plain weeks of slots in June after the 15th
        Assert.Equal(0m, Totals(rows[1], "extendedMinutes"));
    }

    [Fact]
    public async Task Each_hub_shows_its_dna_rate_before_and_after_its_first_reminded_appointment()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var firstWeek = slots.Where(s => s.StartUtc < new DateTime(2026, 6, 13, 0, 0, 0, DateTimeKind.Utc)).Select(s => s.StartUtc).Distinct().Take(4).ToList();
        var secondWeek = slots.Where(s => s.StartUtc > new DateTime(2026, 6, 15, 0, 0, 0, DateTimeKind.Utc)).Select(s => s.StartUtc).Distinct().Take(5).ToList();

        // Before reminders: 2 of 4 missed. After: 1 of 5 missed; every one of those had a reminder sent.
        await world.WithDbAsync(async db =>
        {
            var patient = new Patient
            {
                NhsNumber = TestPatients.NewNhsNumber(),
                GivenName = "Remy",
                FamilyName = "Testperson",
                DateOfBirth = new DateOnly(1970, 1, 1),
                RegisteredPracticeId = world.PracticeA.Id,
                IsSynthetic = true,
            };
            db.Patients.Add(patient);
            Appointment Add(DateTime start, AppointmentStatus status)
            {
                var appointment = new Appointment
                {
                    Patient = patient,
                    HubId = world.HubId,
                    StartUtc = start,
                    EndUtc = start.AddMinutes(15),
                    Channel = BookingChannel.Practice,
                    BookedBy = "test",
                    Status = status,
                    CreatedUtc = start.AddDays(-3),
                };
                db.Appointments.Add(appointment);
                return appointment;
            }

            Add(firstWeek[0], AppointmentStatus.DidNotAttend);
            Add(firstWeek[1], AppointmentStatus.DidNotAttend);
            Add(firstWeek[2], AppointmentStatus.Attended);
            Add(firstWeek[3], AppointmentStatus.Attended);
            var reminded = secondWeek.Select((start, i) => Add(start, i == 2 ? AppointmentStatus.DidNotAttend : AppointmentStatus.Attended)).ToList();
            await db.SaveChangesAsync();
            foreach (var appointment in reminded)
            {
                db.OutboxMessages.Add(new OutboxMessage
                {
                    Kind = NotificationKind.Reminder,
                    Channel = NotificationChannel.Sms,
                    AppointmentId = appointment.Id,
                    TemplateId = "reminder",
                    Personalisation = "{}",
                    Recipient = "07700900000",
                    DueUtc = appointment.StartUtc.AddHours(-24),
                    SentUtc = appointment.StartUtc.AddHours(-24),
                    Status = OutboxStatus.Sent,
                    CreatedUtc = appointment.CreatedUtc,
                    IdempotencyKey = OutboxMessage.KeyFor(appointment.Id, NotificationKind.Reminder, NotificationChannel.Sms),
                });
            }

            await db.SaveChangesAsync();

            // Written past the booking code, like a bulk load: the compliance day summaries are made again.
            await db.InTransactionAsync(ct => ComplianceDayStore.RebuildAsync(db, ct));
        });

        var commissioner = await world.ClientAsync(world.Commissioner);
        var result = await Json(await Get(commissioner, $"/reminders?level=ccg&id={world.CcgId}&from=2026-06-08&to=2026-06-21"));
        var hubs = result.GetProperty("hubs").EnumerateArray().ToList();
        Assert.Equal(2, hubs.Count); // both of the CCG's hubs are listed, reminders or not
        var hub = hubs.Single(h => h.GetProperty("hub").GetProperty("id").GetInt32() == world.HubId);
        Assert.Equal(new DateTimeOffset(secondWeek[0], TimeSpan.Zero), hub.GetProperty("remindersSince").GetDateTimeOffset());
        Assert.Equal(2, hub.GetProperty("before").GetProperty("didNotAttend").GetInt32());
        Assert.Equal(0.5m, hub.GetProperty("before").GetProperty("dnaRate").GetDecimal());
        Assert.Equal(0.2m, hub.GetProperty("after").GetProperty("dnaRate").GetDecimal());
        Assert.Equal(-0.3m, hub.GetProperty("change").GetDecimal());
        var other = hubs.Single(h => h.GetProperty("hub").GetProperty("id").GetInt32() == world.OtherHubId);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("remindersSince").ValueKind);

        // Practice B's staff see B's patients only: none of them had appointments at the world's hub.
        var staffB = await world.ClientAsync(world.PracticeStaffB);
        var forB = await Json(await Get(staffB, $"/reminders?level=practice&id={world.PracticeB.Id}&from=2026-06-08&to=2026-06-21"));
        Assert.All(forB.GetProperty("hubs").EnumerateArray(), h => Assert.Equal(0, h.GetProperty("after").GetProperty("attended").GetInt32()));
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(staffB, $"/reminders?level=practice&id={world.PracticeA.Id}&{Week}")).StatusCode);

        // The dashboard shows the same, and the table downloads as CSV.
        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = (await page.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&From=2026-06-08&To=2026-06-21")).Html;
        Assert.Contains($"data-reminder-hub=\"{world.HubId}\"", html, StringComparison.Ordinal);
        Assert.Contains("-30.0 points", html, StringComparison.Ordinal);
        var csv = await page.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=reminders&Scope=ccg:{world.CcgId}&From=2026-06-08&To=2026-06-21", UriKind.Relative));
        var line = csv.Split('\n').Single(l => l.Contains(FormattableString.Invariant($",{world.HubId},"), StringComparison.Ordinal));
        Assert.Contains(",2,0.5,", line, StringComparison.Ordinal);
        Assert.Contains(",1,0.2", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ics_reminders_table_lists_the_commissioners_own_ccgs_hubs_only()
    {
        var world = await TestWorld.CreateAsync(factory);
        var foreignHubId = await world.WithDbAsync(async db =>
        {
            var ccg = new Ccg { OdsCode = $"X{world.Prefix}", Name = $"Neighbour CCG {world.Prefix}", CareSystemId = world.SystemId, StatedPopulation = 10000 };
            var network = new PrimaryCareNetwork { Code = $"XPCN{world.Prefix}", Name = $"Neighbour PCN {world.Prefix}", Locality = "Neighbour", Ccg = ccg };
            var practice = new Practice { OdsCode = $"X{world.Prefix}P", Name = $"Neighbour Practice {world.Prefix}", Network = network, ListSize = 10000, ClinicalSystem = "EMIS Web" };
            var hub = new Hub { Code = $"XH{world.Prefix}", Name = $"Neighbour Hub {world.Prefix}", SiteName = "Neighbour site", Town = "Elsewhere", Ccg = ccg, Tier = HubTier.PrimaryCareHub, OpeningHours = "none" };
            hub.ServedPractices.Add(new HubPractice { Practice = practice });
            db.AddRange(ccg, hub);
            await db.SaveChangesAsync();
            return hub.Id;
        });
        var commissioner = await world.ClientAsync(world.Commissioner);
        Assert.Equal(HttpStatusCode.Forbidden, (await Get(commissioner, $"?level=hub&id={foreignHubId}&{Week}")).StatusCode);

        var result = await Json(await Get(commissioner, $"/reminders?level=ics&id={world.SystemId}&{Week}"));
        var ids = result.GetProperty("hubs").EnumerateArray().Select(h => h.GetProperty("hub").GetProperty("id").GetInt32()).Order().ToList();
        Assert.Equal(new[] { world.HubId, world.OtherHubId }.Order(), ids);

        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = (await page.GetAsync($"/Compliance?Scope=ics:{world.SystemId}&From=2026-06-08&To=2026-06-14")).Html;
        Assert.Contains($"data-reminder-hub=\"{world.HubId}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-reminder-hub=\"{foreignHubId}\"", html, StringComparison.Ordinal);
        var csv = await page.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=reminders&Scope=ics:{world.SystemId}&From=2026-06-08&To=2026-06-14", UriKind.Relative));
        Assert.Contains(FormattableString.Invariant($",{world.HubId},"), csv, StringComparison.Ordinal);
        Assert.DoesNotContain(FormattableString.Invariant($",{foreignHubId},"), csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_cuts_by_month_draws_a_heat_grid_and_offers_the_ics()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        // The world's hubs have had slots since 1 June, so May is before Forward's records; June is cut at the 28th (four
        // weeks, so rated), with its slots planned beyond.
        await world.PlanAsync(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 29));
        var (status, html) = await commissioner.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&From=2026-05-01&To=2026-06-28&Period=month");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<option value=\"ics:{world.SystemId}\">ICS: Test system", html, StringComparison.Ordinal);
        Assert.Contains("Month by month", html, StringComparison.Ordinal);
        Assert.Contains("data-period=\"2026-05-01\"", html, StringComparison.Ordinal);
        Assert.Contains("data-period=\"2026-06-01\"", html, StringComparison.Ordinal);

        // Heat grid: the CCG's one PCN × two months; June has four weeks of slots for 40,000 patients in 28 days (6,960 ÷ 40 ÷ 28 × 7 = 43.5).
        // May has none recorded: its 0.0 is not rated (old code: Red).
        Assert.Contains("data-table=\"grid\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-grid-row=\"pcn:{world.PracticeA.NetworkId}\"", html, StringComparison.Ordinal);
        Assert.Contains("forward-heat--amber\" data-rag=\"Amber\">43.5 A", html, StringComparison.Ordinal);
        Assert.Contains("forward-heat\" data-rag=\"NotApplicable\">0.0 <", html, StringComparison.Ordinal);
        Assert.Contains("Before records, not rated", html, StringComparison.Ordinal);

        var grid = (await commissioner.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=grid&Scope=ccg:{world.CcgId}&From=2026-05-01&To=2026-06-28&Period=month", UriKind.Relative)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, grid.Length); // header + one PCN × two months
        Assert.StartsWith("2026-05-01,2026-05-31,pcn,", grid[1], StringComparison.Ordinal);
        Assert.StartsWith("2026-06-01,2026-06-28,pcn,", grid[2], StringComparison.Ordinal);

        // The ICS view lists the commissioner's CCG with a link to its figures.
        var ics = (await commissioner.GetAsync($"/Compliance?Scope=ics:{world.SystemId}&From=2026-06-08&To=2026-06-14")).Html;
        Assert.Contains($"data-child=\"ccg:{world.CcgId}\"", ics, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"Scope=ccg%3A{world.CcgId}"), ics, StringComparison.Ordinal);

        var bad = (await commissioner.GetAsync($"/Compliance?handler=Csv&Table=nonsense&Scope=ccg:{world.CcgId}")).Html;
        Assert.Contains("Choose a table", bad, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#Table\"", bad, StringComparison.Ordinal); // no such field on the page
    }

    [Fact]
    public async Task A_session_row_drills_to_the_appointments_behind_it_without_naming_patients()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var ids = new List<long>();
        foreach (var slot in slots.Take(2))
        {
            var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode));
            ids.Add((await Json(booked)).GetProperty("id").GetInt64());
        }

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var hub = (await commissioner.GetAsync($"/Compliance?Scope=hub:{world.HubId}&From=2026-06-08&To=2026-06-14")).Html;
        var link = $"/Compliance/Bookings?Scope=hub%3A{world.HubId}&amp;From=2026-06-08&amp;To=2026-06-14&amp;Session={world.SessionId}";
        Assert.Contains(link, hub, StringComparison.Ordinal);

        var (status, list) = await commissioner.GetAsync(System.Net.WebUtility.HtmlDecode(link));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-total=\"2\"", list, StringComparison.Ordinal);
        Assert.All(ids, id => Assert.Contains($"data-appointment=\"{id}\"", list, StringComparison.Ordinal));
        Assert.DoesNotContain("Testperson", list, StringComparison.Ordinal); // patients are not named

        var csv = (await commissioner.Http.GetStringAsync(new Uri(System.Net.WebUtility.HtmlDecode(link).Replace("/Compliance/Bookings?", "/Compliance/Bookings?handler=Csv&", StringComparison.Ordinal), UriKind.Relative)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("AppointmentId,StartLondon,", csv[0], StringComparison.Ordinal);

        // When each was booked, as an instant too (old code: London time alone, which repeats in October's last hour).
        Assert.EndsWith(",StartUtc,BookedUtc", csv[0].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.All(csv.Skip(1), row => Assert.EndsWith(",2026-06-08T08:00:00Z", row.TrimEnd('\r'), StringComparison.Ordinal));

        // The CCG's figure links to the same appointments; practice B's staff may not list A's.
        var ccg = (await commissioner.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&From=2026-06-08&To=2026-06-14")).Html;
        Assert.Contains("See the 2 appointments behind these figures", ccg, StringComparison.Ordinal);
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        var refused = await staffB.Http.GetAsync(new Uri($"/Compliance/Bookings?Scope=practice:{world.PracticeA.Id}&From=2026-06-08&To=2026-06-14", UriKind.Relative));
        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden || refused.Headers.Location?.OriginalString.Contains("AccessDenied", StringComparison.Ordinal) == true);
        var ics = (await commissioner.GetAsync($"/Compliance/Bookings?Scope=ics:{world.SystemId}&From=2026-06-08&To=2026-06-14")).Html;
        Assert.Contains("Choose a CCG, PCN, practice or hub to list its appointments", ics, StringComparison.Ordinal);

        // The page has no form: an unreadable date is a page error in words, not a link to a field that is not there.
        var unreal = (await commissioner.GetAsync($"/Compliance/Bookings?Scope=hub:{world.HubId}&From=2026-13-01&To=2026-06-30")).Html;
        Assert.Contains("The start date in the address is not a real date", unreal, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#From\"", unreal, StringComparison.Ordinal);
        Assert.Contains("Go to the access dashboard", unreal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sessions_list_names_the_session_even_when_empty_and_a_session_outside_the_scope_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var otherHubSession = await world.WithDbAsync(db => db.Sessions.Where(s => s.HubId == world.OtherHubId).Select(s => s.Id).SingleAsync());
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        const string range = "From=2026-06-08&To=2026-06-14";

        // A session nobody is booked into is named: without it the heading read as if the whole hub had no appointments.
        var (status, empty) = await commissioner.GetAsync($"/Compliance/Bookings?Scope=hub:{world.HubId}&{range}&Session={world.SessionId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Test Hub {world.Prefix[1..]}, 8 June 2026 to 14 June 2026, Evening GP clinic:", empty, StringComparison.Ordinal);
        Assert.Contains("data-total=\"0\"", empty, StringComparison.Ordinal);

        // A session of a hub the scope's figures do not count (another hub of the CCG, a hub of another CCG, no session
        // at all) is refused on the page and its CSV, not listed as having no appointments.
        foreach (var (scope, session) in new[]
        {
            ($"hub:{world.HubId}", otherHubSession),
            ($"practice:{world.PracticeA.Id}", otherHubSession),
            ($"ccg:{world.CcgId}", elsewhere.SessionId),
            ($"ccg:{world.CcgId}", int.MaxValue),
        })
        {
            var address = $"/Compliance/Bookings?Scope={scope}&{range}&Session={session}";
            var page = WebUtility.HtmlDecode((await commissioner.GetAsync(address)).Html);
            Assert.Contains("The address of this page is not valid: open this list from the access dashboard", page, StringComparison.Ordinal);
            Assert.DoesNotContain("data-total", page, StringComparison.Ordinal);
            var csv = await commissioner.Http.GetAsync(new Uri(address.Replace("/Compliance/Bookings?", "/Compliance/Bookings?handler=Csv&", StringComparison.Ordinal), UriKind.Relative));
            Assert.NotEqual("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.Contains("The address of this page is not valid", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The CCG's own other hub's session is one of its figures' sessions: listed, and named.
        var ccgList = (await commissioner.GetAsync($"/Compliance/Bookings?Scope=ccg:{world.CcgId}&{range}&Session={otherHubSession}")).Html;
        Assert.Contains($"Test CCG {world.Prefix[1..]}, 8 June 2026 to 14 June 2026, Saturday clinic:", ccgList, StringComparison.Ordinal);
    }
}
