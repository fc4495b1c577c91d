using System.Net;
using Forward.Web.Infrastructure;

namespace Forward.Web.Tests.Access;

public sealed class RateLimitKeyTests
{
    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")] // the same subscriber's /64: one allowance
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")] // IPv4 seen through an IPv6 socket counts as the IPv4 address
    public void Clients_count_against_their_address_or_their_IPv6_64(string address, string key) =>
        Assert.Equal(key, RateLimits.ClientKey(IPAddress.Parse(address)));

    [Fact]
    public void No_address_is_one_shared_allowance() => Assert.Equal("unknown", RateLimits.ClientKey(null));
}
