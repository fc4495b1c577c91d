using Forward.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Each test host gets a database of its own: a temporary SQLite file, or (FORWARD_TEST_PROVIDER=postgres) a fresh
/// PostgreSQL database on the server named by FORWARD_TEST_PG. test.sh runs the whole suite once per provider.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string? sqliteDirectory;

    public TestDatabase()
    {
        Provider = (Environment.GetEnvironmentVariable("FORWARD_TEST_PROVIDER") ?? "sqlite").ToUpperInvariant() switch
        {
            "POSTGRES" or "POSTGRESQL" => "Postgres",
            "SQLITE" => "Sqlite",

            // A misspelt provider would otherwise run the PostgreSQL pass on SQLite and report it as passed.
            var other => throw new InvalidOperationException($"FORWARD_TEST_PROVIDER must be sqlite or postgres, not '{other}'."),
        };

        if (Provider == "Postgres")
        {
            var baseConnection = Environment.GetEnvironmentVariable("FORWARD_TEST_PG")
                ?? throw new InvalidOperationException("FORWARD_TEST_PROVIDER=postgres needs FORWARD_TEST_PG (a connection string to a server the tests may create databases on).");
            var builder = new NpgsqlConnectionStringBuilder(baseConnection) { Database = $"forward_test_{Guid.NewGuid():N}" };
            ConnectionString = builder.ToString();
        }
        else
        {
            sqliteDirectory = Path.Combine(Path.GetTempPath(), "forward-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(sqliteDirectory);
            ConnectionString = $"Data Source={Path.Combine(sqliteDirectory, "forward.db")}";
        }
    }

    public string Provider { get; }

    public string ConnectionString { get; }

    public bool IsPostgres => Provider == "Postgres";

    /// <summary>A context on this database outside any test host, for tests that set the database up or inspect it directly.</summary>
    public ForwardDbContext OpenContext() => IsPostgres
        ? new PostgresForwardDbContext(new DbContextOptionsBuilder<PostgresForwardDbContext>().UseNpgsql(ConnectionString).Options)
        : new SqliteForwardDbContext(new DbContextOptionsBuilder<SqliteForwardDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>
    /// Takes <paramref name="db"/>'s schema back to just before the migration whose name ends "_<paramref name="migration"/>"
    /// (the later migrations' Down run too): a database as a release before that migration left it, for upgrade tests.
    /// </summary>
    public static async Task MigrateToJustBeforeAsync(ForwardDbContext db, string migration)
    {
        ArgumentNullException.ThrowIfNull(db);
        var migrations = db.Database.GetMigrations().ToList();
        var index = migrations.FindIndex(m => m.EndsWith("_" + migration, StringComparison.Ordinal));
        Assert.True(index > 0, $"No migration {migration} with one before it");
        await db.GetService<IMigrator>().MigrateAsync(migrations[index - 1]);
    }

    public void Dispose()
    {
        if (IsPostgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            var database = builder.Database;
            builder.Database = "postgres";
            builder.Pooling = false;
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(builder.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)";
            command.ExecuteNonQuery();
        }
        else if (sqliteDirectory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(sqliteDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a pooled connection is left for the OS temp cleaner.
            }
        }
    }
}
