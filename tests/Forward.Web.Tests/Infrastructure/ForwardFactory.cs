using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// The real Forward pipeline on a database of its own, with a controllable clock. Tests talk to it over HTTP.
/// </summary>
public class ForwardFactory : WebApplicationFactory<Program>
{
    /// <summary>Monday 8 June 2026, 09:00 London (08:00 UTC): a plain week with no bank holiday or clock change.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2026, 6, 8, 8, 0, 0, TimeSpan.Zero);

    public const string DemoPassword = "Test-Passw0rd!";

    public ForwardFactory()
    {
        Clock = new TestClock(DefaultNow);
    }

    public TestDatabase Database { get; } = new();

    public TestClock Clock { get; }

    /// <summary>Where this host keeps files (data-protection keys, the development notification file).</summary>
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("forward-data-").FullName;

    /// <summary>
    /// The addresses a real Kestrel server (see <see cref="WebApplicationFactory{T}.UseKestrel()"/>) listens on, given as
    /// configuration before the host starts. <c>UseKestrel(port)</c> sets them on the started server instead, which races
    /// with Kestrel binding them ("IServerAddressesFeature.Addresses cannot be modified after the server has started",
    /// dotnet/aspnetcore#67714).
    /// </summary>
    public string? Urls { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment("Testing");
        if (Urls is not null)
        {
            builder.UseSetting(WebHostDefaults.ServerUrlsKey, Urls);
        }
        builder.UseSetting("Forward:DataDirectory", DataDirectory);
        builder.UseSetting("Forward:Database:Provider", Database.Provider);
        builder.UseSetting("ConnectionStrings:Forward", Database.ConnectionString);
        builder.UseSetting("Forward:Demo:SeedUsers", "true");
        builder.UseSetting("Forward:Demo:Password", DemoPassword);

        // Seeded hubs get only a couple of days of slots: tests build the slots they book into with TestWorld.
        builder.UseSetting("Forward:Slots:HorizonDays", "2");
        builder.UseSetting("Forward:Slots:RefreshInBackground", "false");
        builder.UseSetting("Forward:Notifications:DispatchInBackground", "false");
        builder.UseSetting("Forward:RateLimits:SignInPerMinute", "10000");
        builder.UseSetting("Forward:RateLimits:ConsultPerHourPerIp", "10000");
        builder.UseSetting("Forward:RateLimits:PatientLinkPerMinute", "10000");
        builder.UseSetting("Forward:RateLimits:RecordViewsPerMinutePerUser", "10000");
        builder.UseSetting("Forward:RateLimits:FhirPerMinutePerUser", "10000");
        builder.UseSetting("Forward:Consultation:AcknowledgementsPerContactPer24Hours", "100"); // every test's form gives one mobile
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>
    /// The app prepares its database in the background once started; tests use the database directly as well as over
    /// HTTP, so the host is handed over only when it is ready (and a start-up failure fails the test with its reason).
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        host.Services.GetRequiredService<DatabaseReadiness>().WhenReady.WaitAsync(TimeSpan.FromMinutes(2)).GetAwaiter().GetResult();
        return host;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Database.Dispose();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the temp cleaner if a file is still open.
            }
        }
    }
}
