using Forward.Data.Compliance;
using Forward.Data.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Forward.Data;

/// <summary>Brings a database up to date on start: create, migrate, then seed reference data once.</summary>
public static class DatabaseInitializer
{
    public static async Task InitialiseAsync(ForwardDbContext db, ReferenceDataSeeder seeder, CancellationToken cancellationToken = default)
    {
        await MigrateAsync(db, cancellationToken);
        await SeedAsync(db, seeder, cancellationToken);
    }

    /// <summary>Creates the database if need be and applies every migration.</summary>
    public static async Task MigrateAsync(ForwardDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.IsPostgres)
        {
            // WAL lets readers carry on while one writer commits; it is a property of the file, so set it once here.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                var connection = (SqliteConnection)db.Database.GetDbConnection();
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode=WAL;";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        // A database from before the compliance day summaries has slots and appointments they must be made from.
        var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
        var addsDaySummaries = pending.Any(m => m.EndsWith("_" + ComplianceDaysMigration, StringComparison.Ordinal));
        await db.Database.MigrateAsync(cancellationToken);
        if (addsDaySummaries && await db.Slots.AnyAsync(cancellationToken))
        {
            await db.InTransactionAsync(ct => ComplianceDayStore.RebuildAsync(db, ct), cancellationToken);
        }
    }

    private const string ComplianceDaysMigration = "ComplianceDays";

    /// <summary>Seeds the reference data (organisations, hubs, rotas, funding) once.</summary>
    public static async Task SeedAsync(ForwardDbContext db, ReferenceDataSeeder seeder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(seeder);
        await seeder.SeedAsync(db, cancellationToken);
    }
}
