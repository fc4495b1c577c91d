using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Compliance;

/// <summary>
/// The compliance API over a <see cref="TestWorld"/>. Its week, Monday 8 to Sunday 14 June 2026, is plain (no bank
/// holiday, no clock change), and TestWorld's rota gives, by hand:
/// hub (serves A only): GP 18:30–20:00 × 2 clinicians = 180 min/day, nurse telephone 18:30–19:30 = 60 min/day,
/// × 5 weekdays = 1,200 min, all for A (25,000 patients) → 1,200 × 1,000 ÷ 25,000 = 48 minutes per 1,000 per week;
/// other hub (serves B only): 18:30–20:00 × 1 clinician on 5 weekdays and Saturday = 540 min for B (15,000) → 36;
/// CCG: 1,740 min for 40,000 → 43.5.
/// </summary>
public sealed class ComplianceApiTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string Week = "from=2026-06-08&to=2026-06-14";

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string query) =>
        client.GetAsync(new Uri("/api/v1/compliance" + query, UriKind.Relative));

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    private static decimal Dec(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    private static decimal TotalsDec(JsonElement e, string name) => e.GetProperty("figures").GetProperty("totals").GetProperty(name).GetDecimal();

    [Fact]
    public async Task Practice_A_gets_48_minutes_per_1000_per_week_all_from_its_one_hub()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);

        var a = await Json(await Get(commissioner, $"?level=practice&id={world.PracticeA.Id}&{Week}"));
        var figures = a.GetProperty("figures");
        Assert.Equal("practice", a.GetProperty("entity").GetProperty("level").GetString());
        Assert.Equal(1200m, TotalsDec(a, "extendedMinutes"));
        Assert.Equal(25000m, TotalsDec(a, "population"));
        Assert.Equal(1200m * 1000m / 25000m, Dec(figures, "minutesPer1000PerWeek"));
        Assert.Equal(48m, Dec(figures, "minutesPer1000PerWeek"));
        Assert.Equal("Green", figures.GetProperty("capacityRag").GetString());
        Assert.Equal(30m, Dec(figures, "capacityMinimum"));
        Assert.Equal(45m, Dec(figures, "capacityStretch"));
        Assert.Equal(1m, Dec(figures, "eveningCoverage")); // 18:30–20:00 every weekday
        Assert.Equal(0m, Dec(figures, "weekendCoverage")); // no weekend sessions
        Assert.Equal("Red", figures.GetProperty("weekendCoverageRag").GetString());

        // The practice's children are its hubs; the one hub holds all its minutes.
        var hub = Assert.Single(a.GetProperty("children").EnumerateArray());
        Assert.Equal(world.HubId, hub.GetProperty("entity").GetProperty("id").GetInt32());
        Assert.Equal(1200m, TotalsDec(hub, "extendedMinutes"));

        var b = await Json(await Get(commissioner, $"?level=practice&id={world.PracticeB.Id}&{Week}"));
        Assert.Equal(540m, TotalsDec(b, "extendedMinutes"));
        Assert.Equal(36m, Dec(b.GetProperty("figures"), "minutesPer1000PerWeek"));
        Assert.Equal("Amber", b.GetProperty("figures").GetProperty("capacityRag").GetString());

        var ccg = await Json(await Get(commissioner, $"?level=ccg&id={world.CcgId}&{Week}"));
        Assert.Equal(1740m, TotalsDec(ccg, "extendedMinutes"));
        Assert.Equal(43.5m, Dec(ccg.GetProperty("figures"), "minutesPer1000PerWeek"));
    }

    [Fact]
    public async Task A_hub_shared_by_A_and_B_is_apportioned_by_list_size_even_in_a_report_about_A_alone()
    {
        var world = await TestWorld.CreateAsync(factory);
        await world.WithDbAsync(async db =>
        {
            db.HubPractices.Add(new Forward.Domain.Hubs.HubPractice { HubId = world.HubId, PracticeId = world.PracticeB.Id });
            return await db.SaveChangesAsync();
        });
        var commissioner = await world.ClientAsync(world.Commissioner);

        // 1,200 minutes shared 25,000 : 15,000 → A 750 (exactly 30 per 1,000: amber, the minimum is met), B 450 + 540.
        var a = await Json(await Get(commissioner, $"?level=practice&id={world.PracticeA.Id}&{Week}"));
        Assert.Equal(750m, TotalsDec(a, "extendedMinutes"));
        Assert.Equal(30m, Dec(a.GetProperty("figures"), "minutesPer1000PerWeek"));
        Assert.Equal("Amber", a.GetProperty("figures").GetProperty("capacityRag").GetString());
        var b = await Json(await Get(commissioner, $"?level=practice&id={world.PracticeB.Id}&{Week}"));
        Assert.Equal(990m, TotalsDec(b, "extendedMinutes"));
        Assert.Equal(66m, Dec(b.GetProperty("figures"), "minutesPer1000PerWeek"));

        // The hub's own figure is over everyone it serves, and its sessions still add up to it.
        var hub = await Json(await Get(commissioner, $"?level=hub&id={world.HubId}&{Week}"));
        Assert.Equal(40000m, TotalsDec(hub, "population"));
        Assert.Equal(30m, Dec(hub.GetProperty("figures"), "minutesPer1000PerWeek"));
    }

    [Fact]
    public async Task Bookings_cancellations_and_outcomes_give_utilisation_dna_and_channel_figures()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        var ids = new List<long>();
        foreach (var slot in slots.Take(4))
        {
            ids.Add((await Json(await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id)))).GetProperty("id").GetInt64());
        }

        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{ids[1]}/cancel", UriKind.Relative), new { reason = "Better" })).StatusCode);
        using (factory.Clock.TravelTo(slots[3].StartUtc.AddMinutes(5)))
        {
            var hub = await world.ClientAsync(world.HubClinician);
            Assert.Equal(HttpStatusCode.OK, (await hub.PostAsync(new Uri($"/api/v1/appointments/{ids[2]}/did-not-attend", UriKind.Relative), null)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await hub.PostAsync(new Uri($"/api/v1/appointments/{ids[3]}/attended", UriKind.Relative), null)).StatusCode);
        }

        var commissioner = await world.ClientAsync(world.Commissioner);
        var a = await Json(await Get(commissioner, $"?level=practice&id={world.PracticeA.Id}&{Week}"));
        var f = a.GetProperty("figures");

        // Offered: GP 6 slots × 2 clinicians + nurse 3 slots = 15 a day × 5 = 75; held (not cancelled): 3.
        Assert.Equal(75m, TotalsDec(a, "offeredSlots"));
        Assert.Equal(3m, TotalsDec(a, "usedSlots"));
        Assert.Equal(3m / 75m, Dec(f, "utilisation"));
        Assert.Equal(0.5m, Dec(f, "dnaRate")); // 1 DNA ÷ (1 attended + 1 DNA)
        Assert.Equal(1, f.GetProperty("cancellations").GetInt32());
        Assert.Equal(0.25m, Dec(f, "cancellationRate"));
        Assert.Equal(1m, Dec(f, "sameDayShare")); // booked on the morning of the day
        Assert.Equal(0m, Dec(f, "remoteShare")); // face to face GP slots
        Assert.Equal(1m, Dec(f.GetProperty("channelMix"), "practice"));
        Assert.Equal(0m, Dec(f.GetProperty("channelMix"), "nhs111"));
        Assert.Equal(3m * 1000m / 25000m, Dec(f, "appointmentsPer1000PerWeek"));

        // B's patients booked nothing.
        var b = await Json(await Get(commissioner, $"?level=practice&id={world.PracticeB.Id}&{Week}"));
        Assert.Equal(0m, TotalsDec(b, "appointments"));
        Assert.Equal(JsonValueKind.Null, b.GetProperty("figures").GetProperty("dnaRate").ValueKind);
    }

    [Fact]
    public async Task Drill_down_children_add_up_to_their_parent_at_every_level()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var slots = await world.FreeSlotsAsync();
        await Json(await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slots[0].Id)));
        var commissioner = await world.ClientAsync(world.Commissioner);

        var ccg = await Json(await Get(commissioner, $"?level=ccg&id={world.CcgId}&{Week}"));
        var pcn = Assert.Single(ccg.GetProperty("children").EnumerateArray());
        Assert.Equal("pcn", pcn.GetProperty("entity").GetProperty("level").GetString());
        Assert.Equal(world.PracticeA.NetworkId, pcn.GetProperty("entity").GetProperty("id").GetInt32());
        foreach (var total in new[] { "extendedMinutes", "offeredSlots", "usedSlots", "appointments", "population" })
        {
            Assert.Equal(TotalsDec(ccg, total), TotalsDec(pcn, total));
        }

        var network = await Json(await Get(commissioner, $"?level=pcn&id={world.PracticeA.NetworkId}&{Week}"));
        var practices = network.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal([world.PracticeA.Id, world.PracticeB.Id], practices.Select(p => p.GetProperty("entity").GetProperty("id").GetInt32()).Order());
        foreach (var total in new[] { "extendedMinutes", "offeredSlots", "usedSlots", "appointments", "population" })
        {
            Assert.Equal(TotalsDec(network, total), practices.Sum(p => TotalsDec(p, total)));
        }

        Assert.Equal(1740m, practices.Sum(p => TotalsDec(p, "extendedMinutes")));
        Assert.Equal(1, practices.Sum(p => TotalsDec(p, "appointments")));

        // A hub's children are its sessions: GP 900 minutes, nurse 300.
        var hub = await Json(await Get(commissioner, $"?level=hub&id={world.HubId}&{Week}"));
        Assert.Equal(48m, Dec(hub.GetProperty("figures"), "minutesPer1000PerWeek"));
        var sessions = hub.GetProperty("children").EnumerateArray().ToList();
        Assert.All(sessions, s => Assert.Equal("session", s.GetProperty("entity").GetProperty("level").GetString()));
        Assert.Equal([300m, 900m], sessions.Select(s => TotalsDec(s, "extendedMinutes")).Order());
        Assert.Equal(TotalsDec(hub, "extendedMinutes"), sessions.Sum(s => TotalsDec(s, "extendedMinutes")));
        Assert.Equal(TotalsDec(hub, "appointments"), sessions.Sum(s => TotalsDec(s, "appointments")));
        Assert.Equal(1m, TotalsDec(sessions.Single(s => s.GetProperty("entity").GetProperty("id").GetInt32() == world.SessionId), "appointments"));
    }

    [Fact]
    public async Task Weeks_gives_one_row_per_monday_to_sunday_week_clipped_to_the_range()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);

        var response = await Json(await Get(practice, $"/weeks?level=practice&id={world.PracticeA.Id}&from=2026-06-08&to=2026-06-24"));
        var weeks = response.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(["2026-06-08", "2026-06-15", "2026-06-22"], weeks.Select(w => w.GetProperty("from").GetString()));
        Assert.Equal(["2026-06-14", "2026-06-21", "2026-06-24"], weeks.Select(w => w.GetProperty("to").GetString()));
        Assert.Equal(48m, Dec(weeks[0].GetProperty("figures"), "minutesPer1000PerWeek"));
        Assert.Equal(48m, Dec(weeks[1].GetProperty("figures"), "minutesPer1000PerWeek"));

        // Mon–Wed of the last week: 3 × 240 minutes over 3 days, a rate of 720 × 7,000 ÷ (25,000 × 3) = 67.2 per week.
        Assert.Equal(720m, weeks[2].GetProperty("figures").GetProperty("totals").GetProperty("extendedMinutes").GetDecimal());
        Assert.Equal(67.2m, Dec(weeks[2].GetProperty("figures"), "minutesPer1000PerWeek"));
    }

    [Fact]
    public async Task Practice_staff_see_only_their_practice_and_commissioners_only_their_ccg()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var staffA = await world.ClientAsync(world.PracticeStaffA);
        var staffB = await world.ClientAsync(world.PracticeStaffB);
        var outsider = await world.ClientAsync(elsewhere.Commissioner);
        var commissioner = await world.ClientAsync(world.Commissioner);

        Assert.Equal(HttpStatusCode.OK, (await Get(staffA, $"?level=practice&id={world.PracticeA.Id}&{Week}")).StatusCode);
        await AssertProblem(await Get(staffB, $"?level=practice&id={world.PracticeA.Id}&{Week}"), HttpStatusCode.Forbidden, "compliance-not-yours");
        await AssertProblem(await Get(staffB, $"/weeks?level=practice&id={world.PracticeA.Id}&{Week}"), HttpStatusCode.Forbidden, "compliance-not-yours");
        await AssertProblem(await Get(staffA, $"?level=ccg&id={world.CcgId}&{Week}"), HttpStatusCode.Forbidden, "compliance-not-yours");
        await AssertProblem(await Get(staffA, $"?level=hub&id={world.HubId}&{Week}"), HttpStatusCode.Forbidden, "compliance-not-yours");

        foreach (var query in new[] { $"?level=ccg&id={world.CcgId}", $"?level=pcn&id={world.PracticeA.NetworkId}", $"?level=practice&id={world.PracticeA.Id}", $"?level=hub&id={world.HubId}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(commissioner, $"{query}&{Week}")).StatusCode);
            await AssertProblem(await Get(outsider, $"{query}&{Week}"), HttpStatusCode.Forbidden, "compliance-not-yours");
        }

        foreach (var user in new[] { world.Nhs111, world.HubClinician })
        {
            var client = await world.ClientAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await Get(client, $"?level=practice&id={world.PracticeA.Id}&{Week}")).StatusCode);
        }

        using var anonymous = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(anonymous, $"?level=practice&id={world.PracticeA.Id}&{Week}")).StatusCode);
    }

    [Fact]
    public async Task Bad_requests_are_problem_details()
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);

        await AssertProblem(await Get(commissioner, $"?level=ccg&id=999999&{Week}"), HttpStatusCode.NotFound, "compliance-entity-not-found");
        await AssertProblem(await Get(commissioner, $"?level=practice&id=999999&{Week}"), HttpStatusCode.NotFound, "compliance-entity-not-found");
        await AssertProblem(await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2026-06-14&to=2026-06-08"), HttpStatusCode.BadRequest, "validation-failed");
        await AssertProblem(await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2025-06-01&to=2026-06-02"), HttpStatusCode.BadRequest, "validation-failed"); // 367 days
        Assert.Equal(HttpStatusCode.OK, (await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2025-06-02&to=2026-06-02")).StatusCode); // 366 days

        // Past the years the bank holiday calendar lists, the rules cannot be applied.
        var beyond = await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2030-12-01&to=2031-01-31");
        var body = await beyond.Content.ReadAsStringAsync();
        await AssertProblem(beyond, HttpStatusCode.BadRequest, "validation-failed");
        Assert.Contains("bank holidays for those years only", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2030-12-01&to=2030-12-31")).StatusCode);
        await AssertProblem(await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2026-06-08"), HttpStatusCode.BadRequest, "validation-failed");
        await AssertProblem(await Get(commissioner, $"?level=region&id={world.CcgId}&{Week}"), HttpStatusCode.BadRequest, "validation-failed");
        await AssertProblem(await Get(commissioner, $"?level=ccg&{Week}"), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=not-a-date&to=2026-06-08")).StatusCode);
    }

    /// <summary>
    /// Dates are read as yyyy-mm-dd only: read the invariant culture's way, 01/06/2026 (1 June to a UK user) was 6 January,
    /// figures for the wrong month with no error, and 30/06/2026 was refused.
    /// </summary>
    [Theory]
    [InlineData("from=01/06/2026&to=07/06/2026", "from")]
    [InlineData("from=2026-06-01&to=06/07/2026", "to")]
    [InlineData("from=1%20Jun%202026&to=2026-06-07", "from")]
    [InlineData("from=2026-06-01T23:30&to=2026-06-07", "from")]
    public async Task A_date_not_written_as_yyyy_mm_dd_is_refused_naming_it_not_read_month_first(string dates, string field)
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);

        foreach (var path in new[] { string.Empty, "/weeks", "/months", "/reminders" })
        {
            var response = await commissioner.GetAsync(new Uri($"/api/v1/compliance{path}?level=ccg&id={world.CcgId}&{dates}", UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode} {body}");
            Assert.Contains($"The value of {field} could not be read", body, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await Get(commissioner, $"?level=ccg&id={world.CcgId}&from=2026-06-01&to=2026-06-07")).StatusCode);
    }
}
