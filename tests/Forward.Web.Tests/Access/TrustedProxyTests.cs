using System.Net;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Access;

/// <summary>
/// Forward behind one trusted proxy (10.0.0.5), with two requests to the patient's cancel link allowed per client
/// address per minute. The test server has no socket, so each request says which address it came from (X-Test-Peer).
/// </summary>
public sealed class BehindProxyFactory : ForwardFactory
{
    public const string Proxy = "10.0.0.5";

    public const int PerMinute = 2;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Forward:TrustedProxies", Proxy);
        builder.UseSetting("Forward:RateLimits:PatientLinkPerMinute", PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, PeerAddress>());
    }

    private sealed class PeerAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(context.Request.Headers["X-Test-Peer"].FirstOrDefault() ?? Proxy);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// Behind a proxy every request arrives from the proxy's address; without trusting it, all patients would share one
/// allowance on the per-address limits and one client could exhaust it for everyone. A trusted proxy's
/// X-Forwarded-For gives each client its own; anyone else's X-Forwarded-For is ignored, since any client can send one.
/// </summary>
public sealed class TrustedProxyTests(BehindProxyFactory factory) : IClassFixture<BehindProxyFactory>
{
    private async Task<HttpStatusCode> CancelLinkAsync(string peer, string forwardedFor)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Patient/Cancel?token=guess");
        request.Headers.Add("X-Test-Peer", peer);
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Through_the_trusted_proxy_each_client_address_has_its_own_allowance()
    {
        for (var i = 0; i < BehindProxyFactory.PerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await CancelLinkAsync(BehindProxyFactory.Proxy, "203.0.113.1"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await CancelLinkAsync(BehindProxyFactory.Proxy, "203.0.113.1"));
        Assert.Equal(HttpStatusCode.NotFound, await CancelLinkAsync(BehindProxyFactory.Proxy, "203.0.113.2"));
    }

    [Fact]
    public async Task An_untrusted_sender_cannot_choose_its_address_with_X_Forwarded_For()
    {
        for (var i = 0; i < BehindProxyFactory.PerMinute; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, await CancelLinkAsync("198.51.100.7", $"203.0.113.{100 + i}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await CancelLinkAsync("198.51.100.7", "203.0.113.200"));
    }

    [Theory]
    [InlineData("Forward:TrustedProxies", "10.0.0.300")]
    [InlineData("Forward:TrustedProxies", "proxy.example")]
    [InlineData("Forward:TrustedProxies", "10.5")]
    [InlineData("Forward:TrustedNetworks", "10.0.0.0/33")]
    [InlineData("Forward:TrustedNetworks", "10.0.0.5")]
    public void A_mistyped_proxy_or_network_stops_start_up_and_names_the_setting(string setting, string value)
    {
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting(setting, value));
        var refused = Assert.Throws<InvalidOperationException>(() => configured.CreateClient());
        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
    }
}
