using Forward.Data;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Seeding;

/// <summary>
/// Each provider's migrations build the model the code has: a model change committed without its migration would leave
/// a new column or index out of every database created or upgraded from them, on one provider or both.
/// </summary>
public sealed class MigrationsTests
{
    [Fact]
    public void The_sqlite_migrations_have_every_model_change()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "dotnet ef migrations add <Name> --context SqliteForwardDbContext --output-dir Migrations/Sqlite");
    }

    [Fact]
    public void The_postgres_migrations_have_every_model_change()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "dotnet ef migrations add <Name> --context PostgresForwardDbContext --output-dir Migrations/Postgres");
    }
}
