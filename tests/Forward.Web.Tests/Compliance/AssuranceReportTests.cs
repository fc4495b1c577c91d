using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Forward.Domain.Compliance;
using Forward.Web.Compliance;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace Forward.Web.Tests.Compliance;

/// <summary>
/// The monthly assurance PDF over a <see cref="TestWorld"/> (figures: see ComplianceApiTests). The test clock is
/// Monday 8 June 2026 09:00 London time, so June 2026 is the current, unfinished month and July is in the future.
/// </summary>
public sealed class AssuranceReportTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string June = "2026-06";

    private static Task<HttpResponseMessage> GetPdf(HttpClient client, string query) =>
        client.GetAsync(new Uri("/api/v1/compliance/assurance.pdf" + query, UriKind.Relative));

    /// <summary>
    /// The text drawn on each page, read back with PdfPig's parser (an independent reader of what was written): each
    /// string the renderer drew, in drawing order, with nothing between them.
    /// </summary>
    private static List<string> PageTexts(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().Select(p => p.Text).ToList();
    }

    private static void AssertIsPdf(byte[] pdf, int pages)
    {
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.EndsWith("%%EOF", Encoding.ASCII.GetString(pdf, Math.Max(0, pdf.Length - 16), Math.Min(16, pdf.Length)).TrimEnd(), StringComparison.Ordinal);
        using var document = PdfDocument.Open(pdf);
        Assert.Equal(pages, document.NumberOfPages);
        Assert.All(document.GetPages(), p => Assert.Equal(595, Math.Round(p.Width))); // A4
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(body).RootElement.GetProperty("code").GetString());
    }

    private static void AssertAccessDenied(HttpResponseMessage response) =>
        Assert.True(
            response.StatusCode == HttpStatusCode.Forbidden || response.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true,
            $"Expected access denied, got {response.StatusCode} {response.Headers.Location}");

    [Fact]
    public async Task A_commissioner_downloads_one_page_for_their_ccg_with_its_name_figures_and_pcns()
    {
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanAsync(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30)); // on Forward all month, so rated
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var ids = new List<long>();
        foreach (var slot in (await world.FreeSlotsAsync()).Take(3))
        {
            var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id));
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
            ids.Add(JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64());
        }

        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{ids[0]}/cancel", UriKind.Relative), new { reason = "Better" })).StatusCode);
        var commissioner = await world.ClientAsync(world.Commissioner);

        var response = await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month={June}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var ccgCode = $"T{world.Prefix[1..].PadLeft(2, '0')}";
        Assert.Equal($"attachment; filename=\"forward-assurance-{ccgCode}-2026-06.pdf\"", response.Content.Headers.ContentDisposition?.ToString());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? string.Empty, StringComparison.Ordinal);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        AssertIsPdf(pdf, pages: 1);

        var text = Assert.Single(PageTexts(pdf));
        Assert.Contains($"Test CCG {world.Prefix[1..]} ({ccgCode})", text, StringComparison.Ordinal);
        Assert.Contains("June 2026: 1 June 2026 to 30 June 2026 (30 days). Registered population 40,000.", text, StringComparison.Ordinal);
        Assert.Contains("Generated 8 June 2026 at 09:00 (London time) by Forward.", text, StringComparison.Ordinal);
        Assert.Contains("June 2026 has not ended", text, StringComparison.Ordinal);
        Assert.Contains($"Test PCN {world.Prefix[1..]}", text, StringComparison.Ordinal);

        // The figures are the compliance API's for the same month, printed with their RAG in words.
        var api = await commissioner.GetAsync(new Uri($"/api/v1/compliance?level=ccg&id={world.CcgId}&from=2026-06-01&to=2026-06-30", UriKind.Relative));
        var figures = JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement.GetProperty("figures");
        var minutes = figures.GetProperty("minutesPer1000PerWeek").GetDecimal();
        Assert.True(minutes > 0, "the world's hubs offer capacity in June");
        var rag = figures.GetProperty("capacityRag").GetString()!;
        Assert.NotEqual("NotApplicable", rag);
        Assert.Contains("Minutes per 1,000 patients per week" + Math.Round(minutes, 1, MidpointRounding.ToZero).ToString("0.0", CultureInfo.GetCultureInfo("en-GB")) + rag + "against 30", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Forward holds no slots", text, StringComparison.Ordinal);
        Assert.Contains("Cancellations133.3% of 3 appointments", text, StringComparison.Ordinal); // one cancellation of three
        Assert.Contains("Patient's practice 100.0%", text, StringComparison.Ordinal); // all booked by the practice
    }

    [Fact]
    public async Task A_month_whose_last_days_have_no_slots_planned_yet_is_printed_not_rated_and_says_why()
    {
        // The CCG's hubs have slots from 1 June up to Saturday 27 June (the host's own horizon is two days); June runs to Tuesday 30th.
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanAsync(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 7));
        var commissioner = await world.ClientAsync(world.Commissioner);

        var response = await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month={June}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Assert.Single(PageTexts(await response.Content.ReadAsByteArrayAsync()));
        Assert.Contains("Slots are planned up to 27 June 2026.", text, StringComparison.Ordinal);
        Assert.Matches("Minutes per 1,000 patients per week[0-9.]+Not ratedagainst 30", text);
        var chart = text[text.IndexOf("Capacity per week", StringComparison.Ordinal)..text.IndexOf("By primary care network", StringComparison.Ordinal)];
        Assert.Contains("0.0Not yet planned,not rated29 Jun to 30 Jun", chart, StringComparison.Ordinal);
        Assert.Contains("Population with evening cover0.0%Not rated", text, StringComparison.Ordinal); // not "Red", and not "No data"

        // The page the PDF is downloaded from says the same.
        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = WebUtility.HtmlDecode((await page.GetAsync($"/Compliance/Assurance?Month={June}")).Html);
        Assert.Contains("Slots are planned up to 27 June 2026.", html, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Not yet planned, not rated</strong>", html, StringComparison.Ordinal); // was "No data"
    }

    [Fact]
    public async Task A_month_that_starts_before_forward_holds_slots_is_printed_not_rated_and_says_why()
    {
        // The CCG's hubs have slots from today, Monday 8 June: June's first week has none recorded (old code: June's
        // figures rated with that week as no capacity, the week 0.0 Red, and May 0.0 Red throughout).
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanThroughAsync(new DateOnly(2026, 6, 30));
        var commissioner = await world.ClientAsync(world.Commissioner);

        var response = await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month={June}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Assert.Single(PageTexts(await response.Content.ReadAsByteArrayAsync()));
        Assert.Contains("Forward holds no slots before 8 June 2026.", text, StringComparison.Ordinal);
        Assert.Matches("Minutes per 1,000 patients per week[1-9][0-9]*\\.[0-9]Not ratedagainst 30", text); // a figure, not rated
        Assert.Contains("Population with evening cover0.0%Not rated", text, StringComparison.Ordinal);
        var chart = text[text.IndexOf("Capacity per week", StringComparison.Ordinal)..text.IndexOf("By primary care network", StringComparison.Ordinal)];
        Assert.Contains("0.0Before records,not rated1 Jun to 7 Jun", chart, StringComparison.Ordinal);
        Assert.Contains("43.5Amber8 Jun to 14 Jun", chart, StringComparison.Ordinal);

        // The page the PDF is downloaded from says the same, and so does a month wholly before the hubs' first slots.
        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = WebUtility.HtmlDecode((await page.GetAsync($"/Compliance/Assurance?Month={June}")).Html);
        Assert.Contains("Forward holds no slots before 8 June 2026.", html, StringComparison.Ordinal);
        Assert.Contains("data-rag=\"NotApplicable\">Before records, not rated</strong>", html, StringComparison.Ordinal);
        var may = WebUtility.HtmlDecode((await page.GetAsync("/Compliance/Assurance?Month=2026-05")).Html);
        Assert.Contains("0.0 <strong class=\"nhsuk-tag nhsuk-tag--grey\" data-rag=\"NotApplicable\">Before records, not rated</strong>", may, StringComparison.Ordinal); // was 0.0 Red
        var mayPdf = Assert.Single(PageTexts(await (await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month=2026-05")).Content.ReadAsByteArrayAsync()));
        Assert.Contains("Forward holds no slots before 8 June 2026.", mayPdf, StringComparison.Ordinal);
        Assert.DoesNotContain("Red", mayPdf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_part_week_at_the_months_end_is_printed_not_rated()
    {
        // June 2026 starts on a Monday and ends on Tuesday 30th: four whole weeks and a two-day part week.
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanThroughAsync(new DateOnly(2026, 6, 30));
        var commissioner = await world.ClientAsync(world.Commissioner);

        var response = await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month={June}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Assert.Single(PageTexts(await response.Content.ReadAsByteArrayAsync()));
        var chart = text[text.IndexOf("Capacity per week", StringComparison.Ordinal)..text.IndexOf("By primary care network", StringComparison.Ordinal)];
        Assert.Matches("[1-9][0-9]*\\.[0-9]Part week,not rated29 Jun to 30 Jun", chart); // it has slots, and a figure, but is not rated
        Assert.Contains("43.5Amber8 Jun to 14 Jun", chart, StringComparison.Ordinal); // a whole week is rated
    }

    [Fact]
    public async Task The_page_shows_the_month_and_links_to_the_pdf_which_downloads_as_an_attachment()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync($"/Compliance/Assurance?Month={June}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Test CCG {world.Prefix[1..]}", html, StringComparison.Ordinal);
        Assert.Contains("June 2026", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/Compliance/Assurance?Month=2026-06&amp;Scope=ccg&amp;handler=Pdf\"", html, StringComparison.Ordinal);
        Assert.Contains(">Download the PDF</a>", html, StringComparison.Ordinal);

        // The dashboard link opens the same month and CCG (old code: the dashboard's default four weeks).
        Assert.Matches($"<a [^>]*href=\"/Compliance\\?Scope=ccg%3A{world.CcgId}&amp;From=2026-06-01&amp;To=2026-06-30\"[^>]*>See these figures in the access dashboard</a>", html);

        // Without a month the form offers the last complete month.
        Assert.Contains("value=\"2026-05\"", (await commissioner.GetAsync("/Compliance/Assurance")).Html, StringComparison.Ordinal);

        var response = await commissioner.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Month={June}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"forward-assurance-T", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var pdf = await response.Content.ReadAsByteArrayAsync();
        AssertIsPdf(pdf, pages: 1);
        Assert.Contains($"Test CCG {world.Prefix[1..]}", Assert.Single(PageTexts(pdf)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ccg_just_short_of_the_minimum_is_printed_and_shown_short_of_it_beside_red()
    {
        // Old code rounded: a CCG at 29.9996 minutes was "30.0" beside Red on the page and in the PDF.
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanAsync(new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30)); // on Forward all month, so rated
        var api = await world.ClientAsync(world.Commissioner);
        async Task<JsonElement> FiguresAsync() => JsonDocument.Parse(await (await api.GetAsync(new Uri($"/api/v1/compliance?level=ccg&id={world.CcgId}&from=2026-06-01&to=2026-06-30", UriKind.Relative))).Content.ReadAsStringAsync()).RootElement.GetProperty("figures");

        // Each hub serves one practice, so the CCG's minutes stay as they are and its figure goes as one over its
        // population: the fewest patients that take it under 30.
        var minutes = (await FiguresAsync()).GetProperty("minutesPer1000PerWeek").GetDecimal();
        var population = (int)Math.Floor(minutes * 40_000m / 30m) + 1;
        await world.WithDbAsync(db => db.Practices.Where(p => p.Id == world.PracticeA.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.ListSize, population - 15_000)));
        var figures = await FiguresAsync();
        var shortOf = figures.GetProperty("minutesPer1000PerWeek").GetDecimal();
        Assert.InRange(shortOf, 29.95m, 29.9999999m);
        Assert.Equal("Red", figures.GetProperty("capacityRag").GetString());

        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = (await page.GetAsync($"/Compliance/Assurance?Month={June}")).Html;
        Assert.Matches("data-figure=\"capacity\">29\\.9 <strong [^>]*data-rag=\"Red\">Red</strong>", html);

        var pdf = await (await page.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Month={June}", UriKind.Relative))).Content.ReadAsByteArrayAsync();
        var text = Assert.Single(PageTexts(pdf));
        Assert.Contains("Minutes per 1,000 patients per week29.9Redagainst 30", text, StringComparison.Ordinal);
        Assert.DoesNotContain("30.0Red", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("icss")]
    [InlineData("pcn")]
    public async Task An_unknown_report_scope_is_an_error_not_the_ccg_report(string scope)
    {
        // Old code: any scope but "ics" gave the CCG's report, as if it had been asked for.
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync($"/Compliance/Assurance?Scope={scope}&Month={June}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("href=\"#Scope\">Choose a CCG or ICS report</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Download the PDF", html, StringComparison.Ordinal);

        var pdf = await commissioner.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Scope={scope}&Month={June}", UriKind.Relative));
        Assert.Equal("text/html", pdf.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Choose a CCG or ICS report", await pdf.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Absent, or in capitals, is the CCG's report as before.
        Assert.Contains(">Download the PDF</a>", (await commissioner.GetAsync($"/Compliance/Assurance?Month={June}")).Html, StringComparison.Ordinal);
        Assert.Contains(">Download the PDF</a>", (await commissioner.GetAsync($"/Compliance/Assurance?Scope=CCG&Month={June}")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_month_past_the_bank_holiday_calendar_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        using (factory.Clock.TravelTo(new DateTime(2031, 2, 15, 12, 0, 0, DateTimeKind.Utc)))
        {
            var commissioner = await world.ClientAsync(world.Commissioner);
            var response = await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month=2031-01");
            await AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
            var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
            Assert.StartsWith("The month must be December 2030 or earlier", errors.GetProperty("month")[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2026-13", "Enter the month as year and month")]
    [InlineData("June", "Enter the month as year and month")]
    [InlineData("2026-6", "Enter the month as year and month")]
    [InlineData("2026-07", "The month must not be in the future")]
    [InlineData("2015-12", "The month must be January 2016 or later")]
    [InlineData("", "Enter a month")]
    public async Task A_bad_month_is_a_field_error(string month, string message)
    {
        var world = await TestWorld.CreateAsync(factory);
        var commissioner = await world.ClientAsync(world.Commissioner);

        var response = await GetPdf(commissioner, $"?level=ccg&id={world.CcgId}&month={Uri.EscapeDataString(month)}");
        await AssertProblem(response, HttpStatusCode.BadRequest, "validation-failed");
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.StartsWith(message, errors.GetProperty("month")[0].GetString(), StringComparison.Ordinal);

        if (month.Length > 0)
        {
            using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
            var (status, html) = await page.GetAsync($"/Compliance/Assurance?Month={Uri.EscapeDataString(month)}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains("href=\"#Month\">" + message, html, StringComparison.Ordinal);
            Assert.DoesNotContain("Download the PDF", html, StringComparison.Ordinal);
            // Asking for the PDF with a bad month shows the form with the error, not a file.
            var pdf = await page.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Month={Uri.EscapeDataString(month)}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("text/html", pdf.Content.Headers.ContentType?.MediaType);
            Assert.Contains("href=\"#Month\">" + message, await pdf.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_ics_report_has_one_page_per_ccg_and_only_that_ics_commissioners_get_it()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var sibling = $"Sibling CCG {world.Prefix}";
        await world.WithDbAsync(async db =>
        {
            db.Ccgs.Add(new Forward.Domain.Organisations.Ccg { OdsCode = $"S{world.Prefix}", Name = sibling, CareSystemId = world.SystemId, StatedPopulation = 1000 });
            return await db.SaveChangesAsync();
        });
        var query = $"?level=ics&id={world.SystemId}&month={June}";

        var response = await GetPdf(await world.ClientAsync(world.Commissioner), query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"forward-assurance-TS{world.Prefix[1..]}-2026-06.pdf", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        AssertIsPdf(pdf, pages: 2);
        var pages = PageTexts(pdf);
        Assert.Single(pages, p => p.Contains($"Test CCG {world.Prefix[1..]}", StringComparison.Ordinal));
        Assert.Single(pages, p => p.Contains(sibling, StringComparison.Ordinal));

        // The ICS's report says whose it is (old code: the title named only the month, and no page named the ICS).
        using (var document = PdfDocument.Open(pdf))
        {
            Assert.Equal($"Extended access assurance report: Test system {world.Prefix[1..]}, June 2026", document.Information.Title);
        }

        Assert.All(pages, p => Assert.Contains($"One of 2 CCGs in Test system {world.Prefix[1..]}'s report.", p, StringComparison.Ordinal));

        await AssertProblem(await GetPdf(await elsewhere.ClientAsync(elsewhere.Commissioner), query), HttpStatusCode.Forbidden, "compliance-not-yours");
        await AssertProblem(await GetPdf(await world.ClientAsync(world.PracticeStaffA), query), HttpStatusCode.Forbidden, "assurance-commissioners-only");

        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var html = (await page.GetAsync($"/Compliance/Assurance?Scope=ics&Month={June}")).Html;
        Assert.Contains("data-table=\"assurance-pages\"", html, StringComparison.Ordinal);
        Assert.Contains(sibling, html, StringComparison.Ordinal);
        var download = await page.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Scope=ics&Month={June}", UriKind.Relative));
        AssertIsPdf(await download.Content.ReadAsByteArrayAsync(), pages: 2);
    }

    [Fact]
    public async Task An_ics_report_is_headed_with_the_ics_figures_the_dashboard_shows_not_its_first_ccgs()
    {
        // A second CCG, first by name, with 10,000 patients and no extended access: its own figure is 0, the test CCG's
        // is its hubs' capacity over 40,000 patients, and the ICS's is that capacity over 50,000 (neither CCG's).
        var world = await TestWorld.CreateAsync(factory);
        await world.PlanThroughAsync(new DateOnly(2026, 6, 30));
        var sibling = $"Sibling CCG {world.Prefix}";
        await world.WithDbAsync(async db =>
        {
            var ccg = new Forward.Domain.Organisations.Ccg { OdsCode = $"S{world.Prefix}", Name = sibling, CareSystemId = world.SystemId, StatedPopulation = 10000 };
            var network = new Forward.Domain.Organisations.PrimaryCareNetwork { Code = $"SPCN{world.Prefix}", Name = $"Sibling PCN {world.Prefix}", Locality = "Sibling", Ccg = ccg };
            db.Practices.Add(new Forward.Domain.Organisations.Practice { OdsCode = $"S{world.Prefix}01", Name = $"Sibling Practice {world.Prefix}", Network = network, ListSize = 10000, ClinicalSystem = "EMIS Web" });
            return await db.SaveChangesAsync();
        });
        var commissioner = await world.ClientAsync(world.Commissioner);
        var api = await commissioner.GetAsync(new Uri($"/api/v1/compliance?level=ics&id={world.SystemId}&from=2026-06-01&to=2026-06-30", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        var ics = JsonDocument.Parse(await api.Content.ReadAsStringAsync()).RootElement;
        var minutes = ics.GetProperty("figures").GetProperty("minutesPer1000PerWeek").GetDecimal();
        var rag = ics.GetProperty("figures").GetProperty("capacityRag").GetString()!;
        var ccgMinutes = ics.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("figures").GetProperty("minutesPer1000PerWeek").GetDecimal()).ToList();
        Assert.Equal(2, ccgMinutes.Count);
        Assert.All(ccgMinutes, m => Assert.NotEqual(Math.Round(minutes, 1), Math.Round(m, 1)));

        using var page = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, html) = await page.GetAsync($"/Compliance/Assurance?Scope=ics&Month={June}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<h2 id=\"report\">Test system {world.Prefix[1..]} (TS{world.Prefix[1..]}), June 2026</h2>", html, StringComparison.Ordinal); // was the sibling CCG
        var capacity = $"data-figure=\"capacity\">{minutes.ToString("0.0", CultureInfo.GetCultureInfo("en-GB"))} <strong class=\"[^\"]*\" data-rag=\"{rag}\">";
        Assert.Matches(capacity, html); // was the sibling's 0.0
        Assert.Matches("Primary care networks</dt>\\s*<dd[^>]*>2</dd>", html); // both CCGs' PCNs, not the first CCG's one
        Assert.Matches($"<a [^>]*href=\"/Compliance\\?Scope=ics%3A{world.SystemId}&amp;From=2026-06-01&amp;To=2026-06-30\"[^>]*>See these figures in the access dashboard</a>", html);

        // Each CCG is still listed below with its own figure.
        var pages = html[html.IndexOf("data-table=\"assurance-pages\"", StringComparison.Ordinal)..];
        Assert.Contains($"{sibling} (S{world.Prefix})", pages, StringComparison.Ordinal);
        Assert.Contains($"Test CCG {world.Prefix[1..]}", pages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_ccgs_own_commissioners_get_the_pdf()
    {
        var world = await TestWorld.CreateAsync(factory);
        var elsewhere = await TestWorld.CreateAsync(factory);
        var query = $"?level=ccg&id={world.CcgId}&month={June}";

        await AssertProblem(await GetPdf(await world.ClientAsync(world.PracticeStaffA), query), HttpStatusCode.Forbidden, "assurance-commissioners-only");
        await AssertProblem(await GetPdf(await elsewhere.ClientAsync(elsewhere.Commissioner), query), HttpStatusCode.Forbidden, "compliance-not-yours");
        await AssertProblem(await GetPdf(await world.ClientAsync(world.Commissioner), $"?level=ccg&id=999999&month={June}"), HttpStatusCode.NotFound, "compliance-entity-not-found");
        await AssertProblem(await GetPdf(await world.ClientAsync(world.Commissioner), $"?level=pcn&id={world.PracticeA.NetworkId}&month={June}"), HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal(HttpStatusCode.Forbidden, (await GetPdf(await world.ClientAsync(world.HubClinician), query)).StatusCode);
        using (var anonymous = factory.CreateClient())
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetPdf(anonymous, query)).StatusCode);
        }

        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        AssertAccessDenied(await staff.Http.GetAsync(new Uri($"/Compliance/Assurance?Month={June}", UriKind.Relative)));
        AssertAccessDenied(await staff.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Month={June}", UriKind.Relative)));

        using var nobody = new PageClient(factory);
        var redirect = await nobody.Http.GetAsync(new Uri($"/Compliance/Assurance?handler=Pdf&Month={June}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Contains("/Account/SignIn", redirect.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public void The_renderer_draws_one_page_per_ccg_and_says_no_data_where_there_is_nothing_to_divide()
    {
        var month = new AssuranceMonth(2026, 5);
        var range = month.Range;
        var empty = new ComplianceFigures(ComplianceTotals.Zero, range);
        var weeks = range.SplitIntoWeeks().Select(w => new ComplianceWeek(w, new ComplianceFigures(ComplianceTotals.Zero, w))).ToList();
        var ccg = new ComplianceEntity(ComplianceLevel.Ccg, 1, "05X", "Empty CCG");
        var pcn = new ComplianceEntity(ComplianceLevel.Pcn, 2, "U00001", "Quiet PCN");
        var other = new ComplianceEntity(ComplianceLevel.Ccg, 3, "06Y", "Other CCG");
        var report = new AssuranceReport(month, new DateTime(2026, 6, 1, 7, 30, 0, DateTimeKind.Utc), false,
        [
            new AssurancePage(ccg, range, empty, weeks, [], range.To, range.From),
            new AssurancePage(other, range, empty, [], [new ComplianceChild(pcn, empty)], range.To, range.From),
        ]);

        var pdf = AssuranceRenderer.Render(report);

        AssertIsPdf(pdf, pages: 2);
        var pages = PageTexts(pdf);
        Assert.Contains("Empty CCG (05X)", pages[0], StringComparison.Ordinal);
        Assert.Contains("Generated 1 June 2026 at 08:30 (London time) by Forward.", pages[0], StringComparison.Ordinal);
        Assert.Contains("No registered population", pages[0], StringComparison.Ordinal);
        Assert.Contains("No data", pages[0], StringComparison.Ordinal);
        Assert.Contains("This CCG has no primary care networks.", pages[0], StringComparison.Ordinal);
        Assert.DoesNotContain("has not ended", pages[0], StringComparison.Ordinal);
        Assert.Contains("page 1 of 2", pages[0], StringComparison.Ordinal);
        Assert.Contains("Other CCG (06Y)", pages[1], StringComparison.Ordinal);
        Assert.Contains("No weeks to show.", pages[1], StringComparison.Ordinal);
        Assert.Contains("Quiet PCN", pages[1], StringComparison.Ordinal);
        Assert.Contains("page 2 of 2", pages[1], StringComparison.Ordinal);
        Assert.Equal("forward-assurance-ccgs-2026-05.pdf", AssuranceReportBuilder.FileName(report));
    }
}
