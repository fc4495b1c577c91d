using System.Globalization;
using Microsoft.AspNetCore.Hosting;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>A host with one rate limit set low (the suite's other hosts allow 10,000), for the test of that limit.</summary>
public abstract class RateLimitedFactory(string setting, int limit) : ForwardFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting(setting, limit.ToString(CultureInfo.InvariantCulture));
    }
}
