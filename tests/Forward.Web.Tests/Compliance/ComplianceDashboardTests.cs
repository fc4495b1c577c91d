using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Forward.Domain.Hubs;
using Forward.Domain.Organisations;
using Forward.Web.Pages;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Compliance;

/// <summary>The access dashboard page and its CSV downloads over a <see cref="TestWorld"/> (figures: see ComplianceApiTests).</summary>
public sealed partial class ComplianceDashboardTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string Week = "From=2026-06-08&To=2026-06-14";

    private static void AssertAccessDenied(HttpResponseMessage response) =>
        Assert.True(
            response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
            $"Expected access denied, got {response.StatusCode} {response.Headers.Location}");

    private static List<string> CsvLines(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    [Fact]
    public async Task The_dashboard_shows_rag_figures_and_an_svg_capacity_chart_with_30_and_45_target_lines()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"/Compliance\" aria-current=\"page\"><strong class=\"nhsuk-header__navigation-item-current-fallback\">Access dashboard</strong>", html, StringComparison.Ordinal); // header navigation
        Assert.Contains(world.PracticeA.Name, html, StringComparison.Ordinal);
        var capacityCard = CapacityCard().Match(html);
        Assert.True(capacityCard.Success, "capacity card");
        Assert.Equal("48.0", capacityCard.Groups["value"].Value);
        Assert.Contains("data-rag=\"Green\">Green</strong>", html, StringComparison.Ordinal);

        var chart = Chart().Match(html);
        Assert.True(chart.Success, "capacity chart");
        var svg = chart.Value;
        Assert.Contains("data-target=\"30\"", svg, StringComparison.Ordinal);
        Assert.Contains("data-target=\"45\"", svg, StringComparison.Ordinal);
        Assert.Contains("<rect data-period=\"2026-06-08\" data-value=\"48\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", svg, StringComparison.Ordinal); // the CSP allows no inline style
        Assert.Contains("id=\"utilisation-chart\"", html, StringComparison.Ordinal);
        // Seen, not only read out: the key to the utilisation chart's two lines, and target figures dark enough to read.
        Assert.Contains("<p>The solid blue line is the share of offered slots that were booked; the dashed red line is the share of appointments with an outcome where the patient did not attend.</p>", html, StringComparison.Ordinal);
        Assert.Matches("<text [^>]*fill=\"#212b32\" font-weight=\"bold\">30</text>", svg);
        Assert.DoesNotMatch("<text [^>]*fill=\"" + global::Forward.Web.Pages.Compliance.ComplianceCharts.Amber + "\"", svg);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);

        // B has 36 minutes: amber.
        var b = (await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeB.Id}&{Week}")).Html;
        Assert.Equal("36.0", CapacityCard().Match(b).Groups["value"].Value);
        Assert.Contains("data-rag=\"Amber\">Amber</strong>", b, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ccg_table_drills_to_pcns_and_the_pcn_table_to_practices()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        // Without a scope a commissioner sees their CCG.
        var ccg = (await commissioner.GetAsync($"/Compliance?{Week}")).Html;
        Assert.Contains("43.5", CapacityCard().Match(ccg).Groups["value"].Value, StringComparison.Ordinal);
        Assert.Contains($"data-child=\"pcn:{world.PracticeA.NetworkId}\"", ccg, StringComparison.Ordinal);
        Assert.Contains($"Scope=pcn%3A{world.PracticeA.NetworkId}", ccg, StringComparison.Ordinal);

        var pcn = (await commissioner.GetAsync($"/Compliance?Scope=pcn:{world.PracticeA.NetworkId}&{Week}")).Html;
        Assert.Contains($"data-child=\"practice:{world.PracticeA.Id}\"", pcn, StringComparison.Ordinal);
        Assert.Contains($"data-child=\"practice:{world.PracticeB.Id}\"", pcn, StringComparison.Ordinal);

        var hub = (await commissioner.GetAsync($"/Compliance?Scope=hub:{world.HubId}&{Week}")).Html;
        Assert.Contains($"data-child=\"session:{world.SessionId}\"", hub, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_table_downloads_as_csv_with_a_header_and_one_row_per_line()
    {
        var world = await TestWorld.CreateAsync(factory);
        using (var api = await world.ClientAsync(world.PracticeStaffA))
        {
            var slot = (await world.FreeSlotsAsync())[0];
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).StatusCode);
        }

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var response = await commissioner.Http.GetAsync(new Uri($"/Compliance?handler=Csv&Table=children&Scope=pcn:{world.PracticeA.NetworkId}&{Week}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? string.Empty, StringComparison.Ordinal);

        var lines = CsvLines(await response.Content.ReadAsStringAsync());
        var header = lines[0].Split(',');
        Assert.Equal(["PeriodFrom", "PeriodTo", "Level", "Id", "Code", "Name", "Population", "ExtendedMinutes", "MinutesPer1000PerWeek", "CapacityRag"], header.Take(10));
        Assert.Equal(3, lines.Count); // header + practices A and B
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToDictionary(r => int.Parse(r[Array.IndexOf(header, "Id")], CultureInfo.InvariantCulture));
        decimal Cell(int practiceId, string column) => decimal.Parse(rows[practiceId][Array.IndexOf(header, column)], CultureInfo.InvariantCulture);
        Assert.Equal("2026-06-08", rows[world.PracticeA.Id][0]);
        Assert.Equal("practice", rows[world.PracticeA.Id][2]);
        Assert.Equal(world.PracticeA.OdsCode, rows[world.PracticeA.Id][4]);
        Assert.Equal(48m, Cell(world.PracticeA.Id, "MinutesPer1000PerWeek"));
        Assert.Equal("Green", rows[world.PracticeA.Id][Array.IndexOf(header, "CapacityRag")]);
        Assert.Equal(1200m, Cell(world.PracticeA.Id, "ExtendedMinutes"));
        Assert.Equal(1m, Cell(world.PracticeA.Id, "Booked"));
        Assert.Equal(36m, Cell(world.PracticeB.Id, "MinutesPer1000PerWeek"));
        Assert.Equal("Amber", rows[world.PracticeB.Id][Array.IndexOf(header, "CapacityRag")]);

        var weeks = CsvLines(await commissioner.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=weeks&Scope=practice:{world.PracticeA.Id}&From=2026-06-08&To=2026-06-21", UriKind.Relative)));
        Assert.Equal(lines[0], weeks[0]);
        Assert.Equal(3, weeks.Count);
        Assert.StartsWith("2026-06-08,2026-06-14,practice,", weeks[1], StringComparison.Ordinal);
        Assert.StartsWith("2026-06-15,2026-06-21,practice,", weeks[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Practice_staff_see_their_own_practice_only_and_other_roles_are_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);

        using var staffA = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var own = await staffA.GetAsync($"/Compliance?{Week}");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal("48.0", CapacityCard().Match(own.Html).Groups["value"].Value);

        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        AssertAccessDenied(await staffB.Http.GetAsync(new Uri($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}", UriKind.Relative)));
        AssertAccessDenied(await staffB.Http.GetAsync(new Uri($"/Compliance?handler=Csv&Scope=practice:{world.PracticeA.Id}&{Week}", UriKind.Relative)));
        AssertAccessDenied(await staffB.Http.GetAsync(new Uri($"/Compliance?Scope=ccg:{world.CcgId}&{Week}", UriKind.Relative)));

        using var outsider = await PageClient.SignedInAsync(factory, elsewhere.Commissioner);
        AssertAccessDenied(await outsider.Http.GetAsync(new Uri($"/Compliance?Scope=ccg:{world.CcgId}&{Week}", UriKind.Relative)));
        AssertAccessDenied(await outsider.Http.GetAsync(new Uri($"/Compliance?handler=Csv&Scope=pcn:{world.PracticeA.NetworkId}&{Week}", UriKind.Relative)));

        using var clinician = await PageClient.SignedInAsync(factory, world.HubClinician);
        AssertAccessDenied(await clinician.Http.GetAsync(new Uri($"/Compliance?{Week}", UriKind.Relative)));
        Assert.DoesNotContain("Access dashboard", (await clinician.GetAsync("/")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_part_week_at_the_ranges_start_keeps_its_figures_but_is_not_rated_on_the_page_chart_grid_csv_and_api()
    {
        // Wednesday 10 to Sunday 21 June: the first week is cut to Wednesday to Sunday. Practice A's hub runs weekday
        // evenings only, so those five days give 720 minutes, 40.3 a week, against 48 in a whole week.
        var world = await TestWorld.CreateAsync(factory);
        const string range = "From=2026-06-10&To=2026-06-21";
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var html = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{range}")).Html);
        var stub = PeriodRow("2026-06-10").Match(html);
        Assert.True(stub.Success, "part week row");
        Assert.Contains(">40.3<", stub.Value, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Part week, not rated</strong>", stub.Value, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"Green\">Green</strong>", PeriodRow("2026-06-15").Match(html).Value, StringComparison.Ordinal);
        var svg = Chart().Match(html).Value;
        Assert.Contains("<rect data-period=\"2026-06-10\" data-value=\"40.3\" data-rag=\"NotApplicable\"", svg, StringComparison.Ordinal);
        Assert.Contains("40.3 minutes (part week, not rated)</title>", svg, StringComparison.Ordinal);

        // The PCN's heat grid shows practice A's part week with its figure and no RAG.
        var pcn = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=pcn:{world.PracticeA.NetworkId}&{range}")).Html);
        Assert.Matches("data-period=\"2026-06-10\">\\s*<span class=\"forward-heat\" data-rag=\"NotApplicable\">40.3 </span>", pcn);
        Assert.Contains("data-not-rated>Part week, not rated</span>", pcn, StringComparison.Ordinal);

        var weeks = CsvLines(await commissioner.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=weeks&Scope=practice:{world.PracticeA.Id}&{range}", UriKind.Relative)));
        var header = weeks[0].Split(',');
        Assert.Equal("NotApplicable", weeks[1].Split(',')[Array.IndexOf(header, "CapacityRag")]);
        Assert.Equal("\"Part week, not rated\"", weeks[1][(weeks[1].LastIndexOf(",\"", StringComparison.Ordinal) + 1)..]);
        Assert.Equal("Green", weeks[2].Split(',')[Array.IndexOf(header, "CapacityRag")]);
        Assert.EndsWith(",", weeks[2], StringComparison.Ordinal);

        using var api = await world.ClientAsync(world.Commissioner);
        var json = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance/weeks?level=practice&id={world.PracticeA.Id}&from=2026-06-10&to=2026-06-21");
        var figures = json.GetProperty("weeks")[0].GetProperty("figures");
        Assert.Equal("NotApplicable", figures.GetProperty("capacityRag").GetString());
        Assert.Equal("PartWeek", figures.GetProperty("ratingWithheld").GetString());
        Assert.Equal(40.32m, figures.GetProperty("minutesPer1000PerWeek").GetDecimal());
        Assert.Equal("Green", json.GetProperty("weeks")[1].GetProperty("figures").GetProperty("capacityRag").GetString());
    }

    [Fact]
    public async Task A_range_under_four_weeks_that_is_not_whole_weeks_is_not_rated_in_its_headline_either()
    {
        // Practice A's hub runs weekday evenings only: a weekend alone shows no minutes, weekdays alone more than a week's.
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var api = await world.ClientAsync(world.Commissioner);
        async Task<System.Text.Json.JsonElement> FiguresAsync(string from, string to) =>
            (await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance?level=practice&id={world.PracticeA.Id}&from={from}&to={to}")).GetProperty("figures");

        var weekdays = await FiguresAsync("2026-06-08", "2026-06-12");
        Assert.Equal("NotApplicable", weekdays.GetProperty("capacityRag").GetString());
        Assert.Equal("ShortRange", weekdays.GetProperty("ratingWithheld").GetString());
        var html = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&From=2026-06-08&To=2026-06-12")).Html);
        Assert.Contains("data-rag=\"NotApplicable\">Not whole weeks, not rated</strong>", html, StringComparison.Ordinal);

        // A whole week, or four weeks from any day (of those the world has slots for), is rated.
        await world.PlanThroughAsync(new DateOnly(2026, 7, 10));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await FiguresAsync("2026-06-08", "2026-06-14")).GetProperty("ratingWithheld").ValueKind);
        Assert.NotEqual("NotApplicable", (await FiguresAsync("2026-06-10", "2026-07-07")).GetProperty("capacityRag").GetString());
    }

    [Fact]
    public async Task Figures_that_take_in_days_past_the_planned_slots_are_not_rated_until_those_days_are_planned()
    {
        // The test host's rolling horizon is two days; past it, slots are planned as far as the hubs' last session day with
        // slots: the world's weekday-evening hubs have them up to Friday 26 June, so the weekend after is not planned yet.
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var api = await world.ClientAsync(world.Commissioner);
        const string range = "From=2026-06-08&To=2026-07-05";
        async Task<System.Text.Json.JsonElement> ReportAsync() =>
            await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance?level=practice&id={world.PracticeA.Id}&from=2026-06-08&to=2026-07-05");
        async Task<System.Text.Json.JsonElement> WeeksAsync() =>
            (await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance/weeks?level=practice&id={world.PracticeA.Id}&from=2026-06-08&to=2026-07-05")).GetProperty("weeks");

        var report = await ReportAsync();
        Assert.Equal("2026-06-26", report.GetProperty("plannedThrough").GetString());
        Assert.Equal("NotYetPlanned", report.GetProperty("figures").GetProperty("ratingWithheld").GetString());
        Assert.Equal("NotApplicable", report.GetProperty("figures").GetProperty("capacityRag").GetString());
        var weeks = await WeeksAsync();
        Assert.Equal("Green", weeks[1].GetProperty("figures").GetProperty("capacityRag").GetString()); // 15 to 21 June
        Assert.Equal(0m, weeks[3].GetProperty("figures").GetProperty("minutesPer1000PerWeek").GetDecimal());
        Assert.Equal("NotYetPlanned", weeks[3].GetProperty("figures").GetProperty("ratingWithheld").GetString()); // was 0.0 Red

        var html = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{range}")).Html);
        Assert.Contains("Slots are planned up to 26 June 2026.", html, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Not yet planned, not rated</strong>", PeriodRow("2026-06-29").Match(html).Value, StringComparison.Ordinal);
        Assert.Contains("Grey, not rated: a period with days slots are not yet planned for.", Chart().Match(html).Value, StringComparison.Ordinal);

        // Once slots are planned past the range, the same range is rated and the notice goes.
        await world.PlanThroughAsync(new DateOnly(2026, 7, 6));
        report = await ReportAsync();
        Assert.Equal("2026-07-06", report.GetProperty("plannedThrough").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.GetProperty("figures").GetProperty("ratingWithheld").ValueKind);
        Assert.Equal("Green", (await WeeksAsync())[3].GetProperty("figures").GetProperty("capacityRag").GetString());
        html = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{range}")).Html);
        Assert.DoesNotContain("data-not-yet-planned", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Figures_that_start_before_forward_holds_slots_are_not_rated()
    {
        // The world's hubs have slots from today, Monday 8 June: the week before has none recorded. Counted as no
        // capacity, it read 0.0 Red, and the four weeks from 1 June 36.0 Amber for a practice offered 48 every week it
        // was on Forward.
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanThroughAsync(new DateOnly(2026, 7, 6));
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var api = await world.ClientAsync(world.Commissioner);
        async Task<System.Text.Json.JsonElement> JsonAsync(string path, string from, string to) =>
            await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance{path}?level=practice&id={world.PracticeA.Id}&from={from}&to={to}");
        static string? Withheld(System.Text.Json.JsonElement figures) => figures.GetProperty("ratingWithheld").GetString();

        var report = await JsonAsync(string.Empty, "2026-06-01", "2026-06-28");
        var figures = report.GetProperty("figures");
        Assert.Equal(36m, figures.GetProperty("minutesPer1000PerWeek").GetDecimal()); // still shown
        Assert.Equal(("NotApplicable", "BeforeRecords"), (figures.GetProperty("capacityRag").GetString(), Withheld(figures)));
        Assert.Equal("2026-06-08", report.GetProperty("recordsFrom").GetString());
        var weeks = (await JsonAsync("/weeks", "2026-06-01", "2026-06-28")).GetProperty("weeks");
        Assert.Equal(0m, weeks[0].GetProperty("figures").GetProperty("minutesPer1000PerWeek").GetDecimal());
        Assert.Equal(("NotApplicable", "BeforeRecords"), (weeks[0].GetProperty("figures").GetProperty("capacityRag").GetString(), Withheld(weeks[0].GetProperty("figures")))); // was 0.0 Red
        Assert.Equal("Green", weeks[1].GetProperty("figures").GetProperty("capacityRag").GetString()); // 8 to 14 June
        Assert.Equal("BeforeRecords", Withheld((await JsonAsync("/months", "2026-06-01", "2026-06-28")).GetProperty("months")[0].GetProperty("figures")));

        const string range = "From=2026-06-01&To=2026-06-28";
        var html = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{range}")).Html);
        Assert.Contains("Forward holds no slots before 8 June 2026.", html, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Before records, not rated</strong> against 30 (minimum)", html, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Before records, not rated</strong>", PeriodRow("2026-06-01").Match(html).Value, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"Green\">Green</strong>", PeriodRow("2026-06-08").Match(html).Value, StringComparison.Ordinal);
        Assert.Contains("Grey, not rated: a period starting before Forward holds slots.", Chart().Match(html).Value, StringComparison.Ordinal);
        var csv = CsvLines(await commissioner.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=weeks&Scope=practice:{world.PracticeA.Id}&{range}", UriKind.Relative)));
        Assert.StartsWith("2026-06-01,2026-06-07,practice,", csv[1], StringComparison.Ordinal);
        Assert.EndsWith(",\"Before records, not rated\"", csv[1], StringComparison.Ordinal);
        Assert.DoesNotContain("not rated", csv[2], StringComparison.Ordinal);

        // From the first day with slots, four weeks are rated and the notice goes.
        report = await JsonAsync(string.Empty, "2026-06-08", "2026-07-05");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.GetProperty("figures").GetProperty("ratingWithheld").ValueKind);
        Assert.Equal("Green", report.GetProperty("figures").GetProperty("capacityRag").GetString());
        Assert.DoesNotContain("data-before-records", (await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&From=2026-06-08&To=2026-07-05")).Html, StringComparison.Ordinal);

        // A practice whose one hub Forward holds no slots for at all, and that hub, are rated as they are, Red: nothing is
        // offered there, and no records to start from make that a gap in the provision, not in Forward's data. (A week
        // that has passed, so that "not yet planned" does not apply.)
        var (newPracticeId, newHubId) = await world.WithDbAsync(async db =>
        {
            var practice = new Practice { OdsCode = $"N{world.Prefix}C", Name = $"New Practice {world.Prefix}", NetworkId = world.PracticeA.NetworkId, ListSize = 10000, ClinicalSystem = "EMIS Web" };
            var hub = new Hub { Code = $"NH{world.Prefix}", Name = $"New Hub {world.Prefix}", SiteName = "New site", Town = "Testford", CcgId = world.CcgId, Tier = HubTier.PrimaryCareHub, OpeningHours = "none" };
            hub.ServedPractices.Add(new HubPractice { Practice = practice });
            db.Hubs.Add(hub);
            await db.SaveChangesAsync();
            return (practice.Id, hub.Id);
        });
        foreach (var (level, id) in new[] { ("practice", newPracticeId), ("hub", newHubId) })
        {
            var empty = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance?level={level}&id={id}&from=2026-06-01&to=2026-06-07");
            Assert.Equal(System.Text.Json.JsonValueKind.Null, empty.GetProperty("recordsFrom").ValueKind);
            Assert.Equal(0m, empty.GetProperty("figures").GetProperty("minutesPer1000PerWeek").GetDecimal());
            Assert.Equal(("Red", null), (empty.GetProperty("figures").GetProperty("capacityRag").GetString(), Withheld(empty.GetProperty("figures"))));
            var (status, emptyPage) = await commissioner.GetAsync($"/Compliance?Scope={level}:{id}&From=2026-06-01&To=2026-06-07");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("data-before-records", emptyPage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_month_cut_to_part_weeks_at_the_ranges_start_is_not_rated()
    {
        // Wednesday 10 June to Tuesday 28 July: June is cut to 21 days from a Wednesday; July is cut too, but has four weeks.
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanThroughAsync(new DateOnly(2026, 7, 31));
        using var api = await world.ClientAsync(world.Commissioner);

        var months = (await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance/months?level=practice&id={world.PracticeA.Id}&from=2026-06-10&to=2026-07-28")).GetProperty("months");

        Assert.Equal("PartMonth", months[0].GetProperty("figures").GetProperty("ratingWithheld").GetString());
        Assert.Equal("NotApplicable", months[0].GetProperty("figures").GetProperty("capacityRag").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, months[1].GetProperty("figures").GetProperty("ratingWithheld").ValueKind);
        Assert.Equal("Green", months[1].GetProperty("figures").GetProperty("capacityRag").GetString());
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&From=2026-06-10&To=2026-07-28&Period=month")).Html);
        Assert.Contains("Part month, not rated", PeriodRow("2026-06-10").Match(html).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hubs_sessions_and_a_practices_hubs_are_shown_as_shares_not_rated_against_the_targets()
    {
        // The hub's 48 minutes per 1,000 (green) are its GP session's 36 and its nurse session's 12 for the same
        // patients: each is a part of the 48, not a provision to hold to 30 on its own (the nurse session alone was red).
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var hub = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=hub:{world.HubId}&{Week}")).Html);
        Assert.Equal("48.0", CapacityCard().Match(hub).Groups["value"].Value);
        var session = ChildRow($"session:{world.SessionId}").Match(hub);
        Assert.True(session.Success, "session row");
        Assert.Contains(">36.0<", session.Value, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Share, not rated</strong>", session.Value, StringComparison.Ordinal);

        var practice = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}")).Html);
        Assert.Contains("data-rag=\"NotApplicable\">Share, not rated</strong>", ChildRow($"hub:{world.HubId}").Match(practice).Value, StringComparison.Ordinal);

        var csv = CsvLines(await commissioner.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=children&Scope=hub:{world.HubId}&{Week}", UriKind.Relative)));
        var header = csv[0].Split(',');
        Assert.All(csv.Skip(1), line =>
        {
            Assert.Equal("NotApplicable", line.Split(',')[Array.IndexOf(header, "CapacityRag")]);
            Assert.EndsWith(",\"Share, not rated\"", line, StringComparison.Ordinal);
        });

        using var api = await world.ClientAsync(world.Commissioner);
        var json = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance?level=hub&id={world.HubId}&from=2026-06-08&to=2026-06-14");
        Assert.Equal("Green", json.GetProperty("figures").GetProperty("capacityRag").GetString());
        Assert.All(json.GetProperty("children").EnumerateArray(), c =>
        {
            Assert.Equal("NotApplicable", c.GetProperty("figures").GetProperty("capacityRag").GetString());
            Assert.Equal("Share", c.GetProperty("figures").GetProperty("ratingWithheld").GetString());
        });
        Assert.DoesNotContain("data-shared-hub", (await commissioner.GetAsync($"/Compliance?Scope=hub:{world.HubId}&{Week}")).Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "1 appointment")]
    [InlineData(999, "999 appointments")]
    [InlineData(3861, "3,861 appointments")] // old code: "3861 appointments", beside "4,949 offered"
    public void Counts_in_words_have_a_thousands_separator_as_the_figures_beside_them(int count, string expected) =>
        Assert.Equal(expected, Wording.Plural(count, "appointment", "appointments"));

    /// <summary>
    /// A practice's offered slots are its list-size share of its hubs', so its patients can book more than "offered":
    /// the figure read as plain utilisation over 100% with no word of why.
    /// </summary>
    [Fact]
    public async Task A_practices_utilisation_says_it_is_of_the_practices_share_of_the_slots_and_a_hubs_does_not()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var practice = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}")).Html);
        Assert.Matches("data-figure=\"utilisation\"[\\s\\S]*?data-share-of-slots>Slots its patients booked of its list-size share of the hubs' slots, [0-9,.]+\\. Over 100% means", practice);
        Assert.Contains("Each hub's row is this practice's list-size share of the hub", practice, StringComparison.Ordinal);

        var hub = (await commissioner.GetAsync($"/Compliance?Scope=hub:{world.HubId}&{Week}")).Html;
        Assert.DoesNotContain("data-share-of-slots", hub, StringComparison.Ordinal);
        Assert.Contains("Slots booked of ", hub, StringComparison.Ordinal);
    }

    /// <summary>
    /// When another hub serves a hub's practices too, the hub's own per-1,000 figure is its part of their provision over
    /// their whole population: rated, every Leicester City hub read Red while the CCG was Amber.
    /// </summary>
    [Fact]
    public async Task A_hub_whose_practices_other_hubs_also_serve_has_its_figures_shown_as_a_share_not_rated()
    {
        var world = await TestWorld.CreateAsync(factory);
        await world.WithDbAsync(db =>
        {
            db.HubPractices.Add(new HubPractice { HubId = world.OtherHubId, PracticeId = world.PracticeA.Id });
            return db.SaveChangesAsync();
        });

        using var api = await world.ClientAsync(world.Commissioner);
        var figures = (await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance?level=hub&id={world.HubId}&from=2026-06-08&to=2026-06-14")).GetProperty("figures");
        Assert.Equal(("NotApplicable", "Share"), (figures.GetProperty("capacityRag").GetString(), figures.GetProperty("ratingWithheld").GetString()));
        Assert.True(figures.GetProperty("minutesPer1000PerWeek").GetDecimal() > 0);
        var weeks = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance/weeks?level=hub&id={world.HubId}&from=2026-06-08&to=2026-06-21");
        Assert.All(weeks.GetProperty("weeks").EnumerateArray(), w => Assert.Equal("Share", w.GetProperty("figures").GetProperty("ratingWithheld").GetString()));

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = WebUtility.HtmlDecode((await commissioner.GetAsync($"/Compliance?Scope=hub:{world.HubId}&{Week}")).Html);
        Assert.Contains(Wording.SharedHub, page, StringComparison.Ordinal);

        // The practice's own figure still rates the whole of what its hubs give it.
        var practice = await api.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/compliance?level=practice&id={world.PracticeA.Id}&from=2026-06-08&to=2026-06-14");
        Assert.NotEqual("NotApplicable", practice.GetProperty("figures").GetProperty("capacityRag").GetString());
    }

    [Fact]
    public async Task Practice_staffs_hub_rows_are_not_links_to_a_page_they_would_be_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        var hubLink = $"Scope=hub%3A{world.HubId}";

        using var staffA = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var own = await staffA.GetAsync($"/Compliance?{Week}");
        Assert.Equal(HttpStatusCode.OK, own.Status);
        var row = ChildRow($"hub:{world.HubId}").Match(own.Html);
        Assert.True(row.Success, "the practice's hub is listed");
        Assert.DoesNotContain("<a ", row.Value, StringComparison.Ordinal);
        AssertAccessDenied(await staffA.Http.GetAsync(new Uri($"/Compliance?Scope=hub:{world.HubId}&{Week}", UriKind.Relative)));

        // The commissioner of the hub's CCG opens it from the same practice.
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var practice = (await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}")).Html;
        Assert.Contains(hubLink, ChildRow($"hub:{world.HubId}").Match(practice).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rated_figure_is_cut_not_rounded_so_it_never_shows_across_a_target_from_its_rating()
    {
        // Old code rounded half away from zero: 29.999 minutes showed "30.0" beside Red, 44.98 "45.0" beside Amber.
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        Task ListSizeAsync(int listSize) => world.WithDbAsync(db => db.Practices.Where(p => p.Id == world.PracticeA.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ListSize, listSize)));

        // A's hub gives it 1,200 minutes in the week: over 40,001 patients that is 29.99925 per 1,000, just short of 30.
        await ListSizeAsync(40_001);
        var practice = (await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}")).Html;
        Assert.Equal("29.9", CapacityCard().Match(practice).Groups["value"].Value);
        Assert.Contains("data-rag=\"Red\">Red</strong> against 30 (minimum)", practice, StringComparison.Ordinal);
        var week = PeriodRow("2026-06-08").Match(practice).Value;
        Assert.Contains(">29.9</td>", week, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"Red\">Red</strong>", week, StringComparison.Ordinal);
        Assert.Contains(": 29.9 minutes</title>", Chart().Match(practice).Value, StringComparison.Ordinal);

        // The PCN's table and heat grid show A the same way.
        var pcn = (await commissioner.GetAsync($"/Compliance?Scope=pcn:{world.PracticeA.NetworkId}&{Week}")).Html;
        var row = ChildRow($"practice:{world.PracticeA.Id}").Match(pcn).Value;
        Assert.Contains(">29.9</td>", row, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"Red\">Red</strong>", row, StringComparison.Ordinal);
        var gridRow = new Regex($"<tr class=\"nhsuk-table__row\" data-grid-row=\"practice:{world.PracticeA.Id}\">.*?</tr>", RegexOptions.Singleline).Match(pcn).Value;
        Assert.Contains("data-rag=\"Red\">29.9 R</span>", gridRow, StringComparison.Ordinal);

        // The CSV keeps four places, cut the same way: under 30, as its RAG says.
        var csv = CsvLines(await commissioner.Http.GetStringAsync(new Uri($"/Compliance?handler=Csv&Table=children&Scope=pcn:{world.PracticeA.NetworkId}&{Week}", UriKind.Relative)));
        var header = csv[0].Split(',');
        var a = csv.Skip(1).Select(l => l.Split(',')).Single(r => r[Array.IndexOf(header, "Id")] == world.PracticeA.Id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("29.9992", a[Array.IndexOf(header, "MinutesPer1000PerWeek")]);
        Assert.Equal("Red", a[Array.IndexOf(header, "CapacityRag")]);

        // Over 26,680 patients, 44.9775: Amber against the rising target of 45, shown as 44.9.
        await ListSizeAsync(26_680);
        practice = (await commissioner.GetAsync($"/Compliance?Scope=practice:{world.PracticeA.Id}&{Week}")).Html;
        Assert.Equal("44.9", CapacityCard().Match(practice).Groups["value"].Value);
        Assert.Contains("data-rag=\"Amber\">Amber</strong>", practice, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_is_named_for_its_date_range_so_two_months_tables_differ()
    {
        // Old code: forward-compliance-pcn-N-children-yyyyMMdd-HHmm.csv for any range, so May's and June's were alike.
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        async Task<string?> NameAsync(string query)
        {
            var response = await commissioner.Http.GetAsync(new Uri("/Compliance?handler=Csv&" + query, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        }

        var pcn = world.PracticeA.NetworkId.ToString(CultureInfo.InvariantCulture);
        Assert.Matches($"^forward-compliance-pcn-{pcn}-children-2026-05-01-2026-05-31-[0-9]{{8}}-[0-9]{{4}}\\.csv$", await NameAsync($"Table=children&Scope=pcn:{pcn}&From=2026-05-01&To=2026-05-31"));
        Assert.Matches($"^forward-compliance-pcn-{pcn}-children-2026-06-01-2026-06-30-[0-9]{{8}}-[0-9]{{4}}\\.csv$", await NameAsync($"Table=children&Scope=pcn:{pcn}&From=2026-06-01&To=2026-06-30"));
        Assert.Matches($"^forward-compliance-pcn-{pcn}-grid-2026-06-08-2026-06-14-[0-9]{{8}}-[0-9]{{4}}\\.csv$", await NameAsync($"Table=grid&Scope=pcn:{pcn}&{Week}"));
    }

    [Theory]
    [InlineData("months")]
    [InlineData("day")]
    public async Task An_unknown_trend_period_is_an_error_not_week_by_week(string period)
    {
        // Old code: any period but "month" showed week by week, as if it had been asked for.
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&Period={period}&{Week}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"#Period\">Choose week by week or month by month</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Week by week</h2>", html, StringComparison.Ordinal);

        var csv = await commissioner.Http.GetAsync(new Uri($"/Compliance?handler=Csv&Table=grid&Scope=ccg:{world.CcgId}&Period={period}&{Week}", UriKind.Relative));
        Assert.Equal("text/html", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Choose week by week or month by month", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Absent is week by week, and either answer in any case is taken.
        Assert.Contains("Week by week</h2>", (await commissioner.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&{Week}")).Html, StringComparison.Ordinal);
        Assert.Contains("Month by month</h2>", (await commissioner.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&Period=Month&{Week}")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_date_range_is_a_field_error()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync("/Compliance?From=2026-06-14&To=2026-06-08");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"#To\">The end date must be the same as or after the start date", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"capacity-chart\"", html, StringComparison.Ordinal);

        var tooLong = (await commissioner.GetAsync("/Compliance?From=2025-01-01&To=2026-06-08")).Html;
        Assert.Contains("href=\"#To\">The date range can be at most 366 days", tooLong, StringComparison.Ordinal);

        // A date typed day first, as in the UK (in a browser that shows a plain box), is read day first, not month first
        // as 6 January; a date that is not one is refused.
        foreach (var page in new[] { "/Compliance", "/Compliance/Bookings" })
        {
            var dayFirst = (await commissioner.GetAsync($"{page}?Scope=ccg:{world.CcgId}&From=01/06/2026&To=7 June 2026")).Html;
            Assert.Contains("1 June 2026 to 7 June 2026", dayFirst, StringComparison.Ordinal);
            Assert.DoesNotContain("6 January 2026", dayFirst, StringComparison.Ordinal);
        }

        Assert.Contains("href=\"#From\">Enter a real &#x27;from&#x27; date", (await commissioner.GetAsync($"/Compliance?Scope=ccg:{world.CcgId}&From=06/31/2026&To=2026-07-07")).Html, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-figure=\"capacity\">.*?data-value>(?<value>[^<]*)<", RegexOptions.Singleline)]
    private static partial Regex CapacityCard();

    private static Regex ChildRow(string scope) => new($"<tr class=\"nhsuk-table__row\" data-child=\"{scope}\">.*?</tr>", RegexOptions.Singleline);

    private static Regex PeriodRow(string from) => new($"<tr class=\"nhsuk-table__row\" data-period=\"{from}\">.*?</tr>", RegexOptions.Singleline);

    [GeneratedRegex("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"capacity-chart\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Chart();
}
