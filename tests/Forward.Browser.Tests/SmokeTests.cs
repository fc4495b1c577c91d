namespace Forward.Browser.Tests;

public sealed class SmokeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_home_page_renders_in_chromium_with_the_vendored_nhs_styles_and_no_console_errors()
    {
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };

        var response = await page.GotoAsync("/");

        Assert.Equal(200, response!.Status);
        Assert.Contains("Forward", await page.TitleAsync(), StringComparison.Ordinal);

        // The NHS header is blue only if nhsuk-frontend's CSS loaded from wwwroot (no CDN).
        var headerColour = await page.EvalOnSelectorAsync<string>("header.nhsuk-header", "e => getComputedStyle(e).backgroundColor");
        Assert.Equal("rgb(0, 94, 184)", headerColour);

        // The nhsuk-frontend script ran under the strict CSP (it marks the body).
        Assert.Contains("js-enabled", await page.GetAttributeAsync("body", "class") ?? string.Empty, StringComparison.Ordinal);
        Assert.Empty(errors);
    }
}
