using Forward.Data.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Forward.Data;

/// <summary>Brings a database up to date on start: create, migrate, then seed reference data once.</summary>
public static class DatabaseInitializer
{
    public static async Task InitialiseAsync(ForwardDbContext db, ReferenceDataSeeder seeder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(seeder);
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

        await db.Database.MigrateAsync(cancellationToken);
        await seeder.SeedAsync(db, cancellationToken);
    }
}
