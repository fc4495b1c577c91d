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

/// <summary>A host whose password checks can be held part-way, to put one sign-in's check in flight while others run.</summary>
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

    /// <summary>A check of this password waits, once it has started, until <see cref="Release"/> is set.</summary>
    public string? HeldPassword { get; set; }

    /// <summary>Set when the held check has started.</summary>
    public ManualResetEventSlim Holding { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    public string HashPassword(UserAccount user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(UserAccount user, string hashedPassword, string providedPassword)
    {
        var verdict = inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        if (providedPassword == HeldPassword)
        {
            Holding.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }

        return verdict;
    }
}

public sealed class ConcurrentGuessTests(GatedHasherFactory factory) : IClassFixture<GatedHasherFactory>
{
    /// <summary>
    /// Guesses sent all at once are each checked against the account as read before any of them failed, so a right guess
    /// among them whose check finished after the wrong ones had locked the account signed in anyway and cleared the lock.
    /// </summary>
    [Fact]
    public async Task A_right_guess_whose_check_ends_after_wrong_ones_locked_the_account_is_refused()
    {
        var world = await TestWorld.CreateAsync(factory);

        var status = await SignInHeldWhileWrongGuessesLockAsync(world.Nhs111, ForwardFactory.DemoPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.NotNull(await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.Nhs111).Select(u => u.LockedUntilUtc).SingleAsync()));
    }

    [Fact]
    public async Task A_wrong_guess_whose_check_ends_after_the_lock_does_not_count_against_the_next_period()
    {
        var world = await TestWorld.CreateAsync(factory);

        var status = await SignInHeldWhileWrongGuessesLockAsync(world.Nhs111, "wrong-held");

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(0, await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.Nhs111).Select(u => u.FailedSignIns).SingleAsync()));
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

    /// <summary>
    /// Signs in with <paramref name="password"/>, holds that check once it has started while five wrong guesses lock the
    /// account, then lets it finish: the status it is answered with.
    /// </summary>
    private async Task<HttpStatusCode> SignInHeldWhileWrongGuessesLockAsync(string userName, string password)
    {
        factory.Hasher.Holding.Reset();
        factory.Hasher.Release.Reset();
        factory.Hasher.HeldPassword = password;
        try
        {
            using var held = factory.CreateClient();
            var heldAnswer = held.PostAsJsonAsync("/api/v1/auth/token", new { userName, password });
            Assert.True(factory.Hasher.Holding.Wait(TimeSpan.FromSeconds(30)), "the held check never started");
            using var wrong = factory.CreateClient();
            for (var i = 0; i < SignInService.MaxFailedAttempts; i++)
            {
                using var guess = await wrong.PostAsJsonAsync("/api/v1/auth/token", new { userName, password = $"wrong-{i}" });
            }

            factory.Hasher.Release.Set();
            using var answer = await heldAnswer;
            return answer.StatusCode;
        }
        finally
        {
            factory.Hasher.HeldPassword = null;
            factory.Hasher.Release.Set();
        }
    }
}
