using System.Net;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests;

public sealed class HealthTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Health_answers_200_once_the_database_is_migrated_and_seeded()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
