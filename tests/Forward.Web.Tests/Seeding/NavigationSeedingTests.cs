using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Navigation;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Seeding;

/// <summary>The care-navigation directory and practices' online settings as seeded on start.</summary>
public sealed class NavigationSeedingTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private async Task<T> Db<T>(Func<ForwardDbContext, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForwardDbContext>());
    }

    [Fact]
    public async Task Every_CCG_has_NHS_111_and_every_kind_of_service_and_every_hub_is_listed()
    {
        var services = await Db(db => db.LocalServices.AsNoTracking().Select(s => new { s.Code, s.CcgId, s.Category, s.Source, s.IsSynthetic, s.Name }).ToListAsync());
        var ccgs = await Db(db => db.Ccgs.AsNoTracking().Select(c => c.Id).ToListAsync());
        var hubs = await Db(db => db.Hubs.AsNoTracking().Select(h => h.Code).ToListAsync());
        Assert.Equal(9, ccgs.Count);
        var kinds = new[]
        {
            ServiceCategory.CommunityPharmacy, ServiceCategory.Optician, ServiceCategory.PhysioSelfReferral, ServiceCategory.TalkingTherapies,
            ServiceCategory.SocialPrescribing, ServiceCategory.SexualHealth, ServiceCategory.MinorInjuries, ServiceCategory.ExtendedAccessHub, ServiceCategory.Nhs111,
        };
        foreach (var ccg in ccgs)
        {
            Assert.All(kinds, k => Assert.Contains(services, s => s.CcgId == ccg && s.Category == k));
        }

        Assert.All(hubs, code => Assert.Contains(services, s => s.Code == $"HUB-{code}" && s.Category == ServiceCategory.ExtendedAccessHub));
        Assert.Equal(services.Count, services.Select(s => s.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.All(services, s => Assert.False(string.IsNullOrWhiteSpace(s.Source)));

        // Seed-named services cite a seed line and are not synthetic; generated ones say so in the name too.
        var named = services.Where(s => NavigationCatalogue.Named.Any(n => n.Code == s.Code)).ToList();
        Assert.Equal(NavigationCatalogue.Named.Count, named.Count);
        Assert.All(named, s => Assert.Matches(@"\d{3}_[0-9a-f]{16}\.txt:\d+", s.Source!));
        Assert.All(named, s => Assert.False(s.IsSynthetic));
        Assert.All(services.Where(s => s.Code.Contains("-SYN-", StringComparison.Ordinal)), s =>
        {
            Assert.True(s.IsSynthetic);
            Assert.EndsWith("(synthetic)", s.Name, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Every_seeded_practice_has_synthetic_online_settings_with_a_cap_in_proportion_to_its_list()
    {
        var rows = await Db(db => db.Practices.AsNoTracking()
            .Select(p => new { p.ListSize, Settings = db.PracticeOnlineSettings.FirstOrDefault(s => s.PracticeId == p.Id) })
            .ToListAsync());
        Assert.Equal(312, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.NotNull(r.Settings);
            Assert.True(r.Settings!.IsSynthetic);
            Assert.Equal(Math.Max(10, (int)Math.Round(r.ListSize * 2 / 1000.0, MidpointRounding.AwayFromZero)), r.Settings.DailyCap);
        });
        var paused = rows.Count(r => !r.Settings!.AcceptingRequests);
        Assert.InRange(paused, 1, 30);
    }

    [Fact]
    public async Task Seeding_again_adds_no_services_or_settings()
    {
        var before = await Db(async db => (await db.LocalServices.CountAsync(), await db.PracticeOnlineSettings.CountAsync()));
        await Db(async db =>
        {
            await new ReferenceDataSeeder().SeedAsync(db);
            return 0;
        });
        var after = await Db(async db => (await db.LocalServices.CountAsync(), await db.PracticeOnlineSettings.CountAsync()));
        Assert.Equal(before, after);
    }

    [Fact]
    public void The_catalogue_is_deterministic() =>
        Assert.Equal(NavigationCatalogue.All().Select(s => s.Code + s.Phone), NavigationCatalogue.All().Select(s => s.Code + s.Phone));
}
