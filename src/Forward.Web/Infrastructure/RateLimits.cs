using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Forward.Web.Infrastructure;

public sealed class RateLimitOptions
{
    /// <summary>Sign-in attempts allowed per client address per minute (pages and the token endpoint).</summary>
    public int SignInPerMinute { get; set; } = 20;
}

public static class RateLimits
{
    public const string SignIn = "sign-in";

    public static IServiceCollection AddForwardRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Forward:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }
}
