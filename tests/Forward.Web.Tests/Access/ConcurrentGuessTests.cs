using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Forward.Domain.Access;
using Forward.Web.Access;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Access;

/// <summary>
/// A host whose password checks wait for one another (up to a second), so guesses sent together are all in flight at
/// once, as they would be against a slow hash, and each check is counted by user name.
/// </summary>
public sealed class GatedHasherFactory : ForwardFactory
{
    public GatedPasswordHasher Hasher { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IPasswordHasher<UserAccount>>(Hasher));
    }
}

public sealed class GatedPasswordHasher : IPasswordHasher<UserAccount>
{
    private readonly PasswordHasher<UserAccount> inner = new();

    public ConcurrentDictionary<string, int> Checks { get; } = new(StringComparer.Ordinal);

    /// <summary>Checks of this user name wait until this many have arrived, or a second has passed.</summary>
    public CountdownEvent? Gate { get; set; }

    public string? GatedUser { get; set; }

    public string HashPassword(UserAccount user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(UserAccount user, string hashedPassword, string providedPassword)
    {
        ArgumentNullException.ThrowIfNull(user);
        Checks.AddOrUpdate(user.UserName, 1, (_, n) => n + 1);
        if (user.UserName == GatedUser && Gate is { } gate)
        {
            gate.Signal();
            gate.Wait(TimeSpan.FromSeconds(1));
        }

        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

public sealed class ConcurrentGuessTests(GatedHasherFactory factory) : IClassFixture<GatedHasherFactory>
{
    /// <summary>
    /// Guesses sent all at once used to be checked against the account as read before any of them failed, so a right
    /// guess among any number of them got in (and cleared the lock): the lockout allowed as many guesses as fit in flight.
    /// </summary>
    [Fact]
    public async Task No_more_than_five_passwords_are_checked_however_many_guesses_arrive_at_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        const int guesses = 12;
        factory.Hasher.GatedUser = world.Nhs111;
        factory.Hasher.Gate = new CountdownEvent(guesses);
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, guesses).Select(async i =>
            {
                using var client = factory.CreateClient();

                // The last guess is the right password.
                var password = i == guesses - 1 ? ForwardFactory.DemoPassword : $"wrong-{i}";
                using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password });
                return response.StatusCode;
            }));

            Assert.InRange(factory.Hasher.Checks.GetValueOrDefault(world.Nhs111), 1, SignInService.MaxFailedAttempts);
            Assert.All(answers, status => Assert.True(status is HttpStatusCode.OK or HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{status}"));
            Assert.True(answers.Count(s => s == HttpStatusCode.TooManyRequests) >= guesses - SignInService.MaxFailedAttempts, string.Join(", ", answers));
        }
        finally
        {
            factory.Hasher.GatedUser = null;
            factory.Hasher.Gate.Dispose();
            factory.Hasher.Gate = null;
        }
    }

    /// <summary>A system fetching several tokens at once with the right password holds more checks than the five attempts.</summary>
    [Fact]
    public async Task Right_passwords_sent_at_once_all_sign_in_and_lock_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            using var client = factory.CreateClient();
            using var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = world.Nhs111, password = ForwardFactory.DemoPassword });
            return response.StatusCode;
        }));

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Null(await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.Nhs111).Select(u => u.LockedUntilUtc).SingleAsync()));
    }
}
