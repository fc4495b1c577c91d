using Forward.Web;
using Forward.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Forward.Browser.Tests;

/// <summary>
/// Forward on a real Kestrel port (its own database) and Debian's Chromium driven by Playwright. Playwright's own
/// browser download is never used: this machine cannot fetch it, so Chromium is launched from /usr/bin/chromium.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public ForwardFactory Factory { get; } = new() { Urls = "http://127.0.0.1:0" };

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory.UseKestrel();
        Factory.StartServer();
        using (var client = Factory.CreateClient())
        {
            BaseAddress = client.BaseAddress!;
        }

        // Requests wait while the database is migrated and seeded; the browser's step timeouts are for pages of a running
        // Forward, not for four test classes' servers starting at once on two cores. So wait for that itself.
        await Factory.Services.GetRequiredService<DatabaseReadiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2));

        if (BaseAddress.Port is 0 or 5000 || !BaseAddress.IsLoopback)
        {
            throw new InvalidOperationException($"Forward should listen on a free loopback port, not {BaseAddress}.");
        }

        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Browser tests need Debian's chromium at {ChromiumPath} (apt-get install -y chromium).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();

        // CI runs four of these servers and browsers at once on two cores; on PostgreSQL a step there twice took over 15 s.
        page.SetDefaultTimeout(30000);
        return page;
    }

    /// <summary>
    /// Runs one step of a journey; when it times out, the failure says which page the browser was on and what its main
    /// content said (an error summary, say), which a bare "Timeout exceeded" on a line number does not.
    /// </summary>
    public static async Task StepAsync(IPage page, string step, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            await action();
        }
        catch (TimeoutException ex)
        {
            string shown;
            try
            {
                shown = await page.Locator("main").InnerTextAsync(new() { Timeout = 5000 });
            }
            catch (Exception readFailed) when (readFailed is TimeoutException or PlaywrightException)
            {
                shown = $"(not readable: {readFailed.Message})";
            }

            throw new TimeoutException($"{step}: timed out on {page.Url}; its main content was: {shown}", ex);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        await Factory.DisposeAsync();
    }
}
