using System.Globalization;
using Forward.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Forward.Browser.Tests;

/// <summary>
/// The access dashboard in Chromium: the capacity chart really paints its bars (counted in a screenshot, not only
/// present in the markup), and choosing another organisation in the filter changes the figures and the picture.
/// </summary>
public sealed class DashboardTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Amber = "#ffb81c";
    private const string Green = "#007f3b";

    // A bar is a filled block of thousands of pixels; the dashed 30/45 target lines in the same colours are a few
    // pixels high, so this many pixels of a colour can only come from a bar.
    private const int BarPixels = 8000;

    private static async Task<PngPixels> ChartPixelsAsync(IPage page)
    {
        var chart = page.Locator("#capacity-chart");
        await Assertions.Expect(chart).ToBeVisibleAsync();
        return PngPixels.Decode(await chart.ScreenshotAsync());
    }

    [Fact]
    public async Task The_capacity_chart_paints_bars_and_the_filter_changes_the_figures()
    {
        var world = await TestWorld.CreateAsync(browser.Factory);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/Account/SignIn");
        await page.GetByLabel("User name").FillAsync(world.Commissioner);
        await page.GetByLabel("Password").FillAsync(ForwardFactory.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/SignIn", StringComparison.Ordinal));

        // The default is the commissioner's CCG over the four weeks to Sunday 14 June. Its only slots are in the week of
        // 8 June: 1,740 minutes for 40,000 patients is 43.5 that week (an amber bar), 10.875 over the four weeks, shown cut to 10.8 as
        // every rated figure is.
        await page.GotoAsync("/Compliance");
        var capacity = page.Locator("[data-figure=capacity] [data-value]");
        await Assertions.Expect(capacity).ToHaveTextAsync("10.8");
        var ccgChart = await ChartPixelsAsync(page);
        Assert.True(ccgChart.Width > 300, $"chart is {ccgChart.Width}px wide");
        Assert.True(ccgChart.Count(Amber) > BarPixels, $"amber pixels: {ccgChart.Count(Amber)}");
        Assert.True(ccgChart.Count(Green) < BarPixels, $"green pixels: {ccgChart.Count(Green)}");

        // Practice A alone: 1,200 minutes for 25,000 patients is 48 that week (a green bar), 12.0 over the four weeks.
        await page.GetByLabel("ICS, CCG, PCN, practice or hub").SelectOptionAsync(string.Create(CultureInfo.InvariantCulture, $"practice:{world.PracticeA.Id}"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Show figures" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("Scope=practice", StringComparison.Ordinal));
        await Assertions.Expect(capacity).ToHaveTextAsync("12.0");
        await Assertions.Expect(page.Locator("h2#figures")).ToContainTextAsync(world.PracticeA.Name);
        var practiceChart = await ChartPixelsAsync(page);
        Assert.True(practiceChart.Count(Green) > BarPixels, $"green pixels: {practiceChart.Count(Green)}");
        Assert.True(practiceChart.Count(Amber) < BarPixels, $"amber pixels: {practiceChart.Count(Amber)}");

        // Month by month, the same range is two (clipped) months in the trend table.
        await page.GetByLabel("Trend").SelectOptionAsync("month");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show figures" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("Period=month", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("table[data-table=periods] tbody tr")).ToHaveCountAsync(2);
    }
}
