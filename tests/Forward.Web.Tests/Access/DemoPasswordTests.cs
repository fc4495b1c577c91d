using System.Net;
using System.Net.Http.Json;
using Forward.Data;
using Forward.Domain.Access;
using Forward.Web.Access;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Access;

/// <summary>The demo accounts' password follows configuration on every start, not only the first.</summary>
public sealed class DemoPasswordTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private async Task<HttpStatusCode> SignInAsync(string password)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nhs111", password });
        return response.StatusCode;
    }

    private async Task SeedDemoUsersAsync(string password)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        await DemoUsers.SeedAsync(db, new DemoOptions { SeedUsers = true, Password = password }, scope.ServiceProvider.GetRequiredService<IPasswordHasher<UserAccount>>(), factory.Clock);
    }

    [Fact]
    public async Task A_changed_demo_password_replaces_the_old_one_and_lifts_a_lockout_at_the_next_start()
    {
        const string changed = "Another-Secret-42";
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(ForwardFactory.DemoPassword));
        using var before = factory.CreateClient();
        var token = await (await before.PostAsJsonAsync("/api/v1/auth/token", new { userName = "nhs111", password = ForwardFactory.DemoPassword })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        before.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        for (var i = 0; i < SignInService.MaxFailedAttempts; i++)
        {
            await SignInAsync("wrong-password");
        }

        Assert.NotEqual(HttpStatusCode.OK, await SignInAsync(ForwardFactory.DemoPassword)); // locked out

        using (factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.AddSeconds(2)))
        {
            await SeedDemoUsersAsync(changed);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SignInAsync(ForwardFactory.DemoPassword)); // old code: still locked (429), and the old password worked once the lock ended
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(changed));

        // A token signed in with the old password stops working once its account is read again (old code: it lived out its hour).
        using (factory.Clock.TravelTo(factory.Clock.GetUtcNow().UtcDateTime.Add(AccountChecks.BearerRecheck).AddSeconds(1)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await before.GetAsync(new Uri("/api/v1/hubs", UriKind.Relative))).StatusCode);
        }

        await using var scope = factory.Services.CreateAsyncScope();
        var hashes = await scope.ServiceProvider.GetRequiredService<ForwardDbContext>().Users.Where(u => u.IsDemo).Select(u => u.PasswordHash).Distinct().CountAsync();
        Assert.Equal(1, hashes); // still one shared hash

        // Seeding again with the same password changes nothing.
        await SeedDemoUsersAsync(changed);
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(changed));
    }
}
