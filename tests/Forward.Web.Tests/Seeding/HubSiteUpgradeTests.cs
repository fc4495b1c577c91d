using Forward.Data.Seeding;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Seeding;

/// <summary>
/// Databases seeded before hubs could have no site or town held the catalogue's note ("Site not stated in the seeds") in
/// their place, and the seeder does not touch hubs already there. Bringing such a database up to date must leave them as
/// a fresh seed does, or its patients would go on being sent the note as the hub's address.
/// </summary>
public sealed class HubSiteUpgradeTests : IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Migrating_a_database_seeded_with_the_notes_leaves_the_site_and_town_as_a_fresh_seed_does()
    {
        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync();
            await new ReferenceDataSeeder { IncludeDemoPatients = false }.SeedAsync(db);

            // Back to the version before (which puts the notes back, as the old seed wrote them), then up again.
            await TestDatabase.MigrateToJustBeforeAsync(db, "HubSiteAndTownNotStated");
            var before = await db.Database.SqlQueryRaw<string>("SELECT \"SiteName\" AS \"Value\" FROM \"Hubs\" WHERE \"Code\" = 'BED-H04'").SingleAsync();
            Assert.Equal("Site not stated in the seeds", before);
            await db.Database.MigrateAsync();
        }

        await using (var upgraded = database.OpenContext())
        {
            var hubs = await upgraded.Hubs.AsNoTracking().ToDictionaryAsync(h => h.Code, h => (h.SiteName, h.Town, h.Source), StringComparer.Ordinal);
            Assert.All(SeedCatalogue.Hubs, seed => Assert.Equal((seed.SiteName, seed.Town, (string?)seed.Source), hubs[seed.Code]));
            Assert.Equal(17, SeedCatalogue.Hubs.Count(h => h.SiteName is null));
            Assert.Equal(2, SeedCatalogue.Hubs.Count(h => h.Town is null));
        }
    }
}
