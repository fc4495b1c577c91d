using Forward.Data;
using Forward.Data.Seeding;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Forward.Web;

/// <summary>How Forward's services and pipeline are put together; Program.cs only calls these two methods.</summary>
public static class ForwardApp
{
    public static WebApplicationBuilder AddForward(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddForwardDatabase(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddSingleton<ReferenceDataSeeder>();
        services.AddSingleton<DatabaseReadiness>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddProblemDetails();
        return builder;
    }

    public static async Task UseForwardAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            await DatabaseInitializer.InitialiseAsync(db, scope.ServiceProvider.GetRequiredService<ReferenceDataSeeder>());
        }

        app.Services.GetRequiredService<DatabaseReadiness>().MarkReady();

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        }).AllowAnonymous();

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // A plain line on stdout, not a log entry: the run command promises to print where Forward is.
            Console.WriteLine($"Forward is running at {string.Join(", ", app.Urls)}");
        });
    }
}

/// <summary>Set once the database is migrated and seeded; /health answers 200 only after that.</summary>
public sealed class DatabaseReadiness
{
    private volatile bool ready;

    public bool IsReady => ready;

    public void MarkReady() => ready = true;
}

internal sealed class DatabaseHealthCheck(DatabaseReadiness readiness, IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.IsReady)
        {
            return HealthCheckResult.Unhealthy("Database is still being migrated and seeded.");
        }

        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Database is unreachable.");
    }
}
