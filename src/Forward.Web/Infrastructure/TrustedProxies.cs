using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Behind a reverse proxy or load balancer every request comes from the proxy's address, so the per-address limits
/// (sign-in, the online consultation form, the patient's cancel link) would put every patient and every member of staff
/// in one allowance: one client could lock everyone out. Named proxies (<c>Forward:TrustedProxies</c>, addresses) or
/// networks (<c>Forward:TrustedNetworks</c>, CIDR), comma-separated, are trusted to say who their client was
/// (<c>X-Forwarded-For</c>) and whether it came over HTTPS (<c>X-Forwarded-Proto</c>); the last hop only. Nobody else
/// is: with neither setting, those headers are ignored, because any client can send them.
/// </summary>
public static class TrustedProxies
{
    private const string ProxiesKey = "Forward:TrustedProxies";
    private const string NetworksKey = "Forward:TrustedNetworks";

    /// <summary>Reads the settings now, so a mistyped address stops start-up instead of being ignored.</summary>
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var proxies = Split(configuration[ProxiesKey]).Select(p => IsWholeAddress(p) && IPAddress.TryParse(p, out var address)
            ? address
            : throw new InvalidOperationException($"{ProxiesKey} must list IP addresses separated by commas; '{p}' is not one.")).ToList();
        var networks = Split(configuration[NetworksKey]).Select(n => System.Net.IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"{NetworksKey} must list networks like 10.0.0.0/8 separated by commas; '{n}' is not one.")).ToList();

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            proxies.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
        return services;
    }

    /// <summary>Whether any proxy is trusted (without one the forwarding middleware is left out altogether).</summary>
    public static bool AreConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Split(configuration[ProxiesKey]).Length > 0 || Split(configuration[NetworksKey]).Length > 0;
    }

    /// <summary>Four dotted numbers or an IPv6 address: the parser also takes short forms such as "10.5" for 10.0.0.5.</summary>
    private static bool IsWholeAddress(string text) => text.Contains(':', StringComparison.Ordinal) || text.Count(c => c == '.') == 3;

    private static string[] Split(string? value) => (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
