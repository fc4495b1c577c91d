using Forward.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>A Forward whose database contexts carry one more interceptor, for tests that watch or break the database traffic.</summary>
public class InterceptingFactory<TInterceptor> : ForwardFactory
    where TInterceptor : class, IInterceptor, new()
{
    public TInterceptor Interceptor { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureDbContext<PostgresForwardDbContext>(o => o.AddInterceptors(Interceptor));
            services.ConfigureDbContext<SqliteForwardDbContext>(o => o.AddInterceptors(Interceptor));
        });
    }
}
