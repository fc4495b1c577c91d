using Forward.Data;
using Forward.Data.Seeding;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Navigation;

/// <summary>
/// A training register from before names were unique per practice may already list one person twice. Bringing it up
/// to date must keep every record and still build the unique index.
/// </summary>
public sealed class TrainingUpgradeTests : IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Migrating_a_register_with_repeated_names_keeps_every_record_and_keys_all_but_the_first_apart()
    {
        int practiceA, practiceB;
        await using (var db = database.OpenContext())
        {
            // Seeded by today's code, then the schema taken back to before the key (later migrations' Down included).
            await db.Database.MigrateAsync();
            await new ReferenceDataSeeder().SeedAsync(db);
            await TestDatabase.MigrateToJustBeforeAsync(db, "TrainingNameKeyAndVersion");
            var practices = await db.Practices.OrderBy(p => p.Id).Select(p => p.Id).Take(2).ToListAsync();
            (practiceA, practiceB) = (practices[0], practices[1]);
            foreach (var (practice, name) in new[] { (practiceA, "Ann Smith"), (practiceA, "ann  smith"), (practiceA, " ANN SMITH "), (practiceB, "Ann Smith"), (practiceA, "Bob Jones") })
            {
                await db.Database.ExecuteSqlRawAsync(
                    "INSERT INTO \"NavigatorTraining\" (\"PracticeId\", \"StaffName\", \"Trained\") VALUES ({0}, {1}, {2})", practice, name, false);
            }
        }

        await using (var db = database.OpenContext())
        {
            await DatabaseInitializer.MigrateAsync(db);

            var rows = await db.NavigatorTraining.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.PracticeId, t.StaffName, t.StaffNameKey, t.Version }).ToListAsync();
            Assert.Equal(["Ann Smith", "ann  smith", " ANN SMITH ", "Ann Smith", "Bob Jones"], rows.Select(r => r.StaffName));
            Assert.Equal(
                ["ANN SMITH", $"ANN SMITH #{rows[1].Id}", $"ANN SMITH #{rows[2].Id}", "ANN SMITH", "BOB JONES"],
                rows.Select(r => r.StaffNameKey));
            Assert.Equal([practiceA, practiceA, practiceA, practiceB, practiceA], rows.Select(r => r.PracticeId));
            Assert.All(rows, r => Assert.Equal(0, r.Version));

            // The index now guards the register.
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"NavigatorTraining\" (\"PracticeId\", \"StaffName\", \"StaffNameKey\", \"Trained\", \"Version\") VALUES ({0}, 'Bob Jones', 'BOB JONES', {1}, 0)", practiceA, false));
        }
    }
}
