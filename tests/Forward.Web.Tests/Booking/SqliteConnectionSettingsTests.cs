using Forward.Data;
using Forward.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// Every SQLite connection Forward opens keeps its temporary storage in memory: without it SQLite created and deleted a
/// temporary file for nearly every booking group, a third of the group writer's page writes.
/// </summary>
public sealed class SqliteConnectionSettingsTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Every_connection_from_the_pool_keeps_temporary_storage_in_memory()
    {
        if (factory.Database.IsPostgres)
        {
            return;
        }

        // Several contexts open at once, so the pool hands out more than one native connection.
        var scopes = Enumerable.Range(0, 3).Select(_ => factory.Services.CreateScope()).ToList();
        try
        {
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
                await db.Database.OpenConnectionAsync();
                Assert.Equal(2, await db.Database.SqlQueryRaw<int>("SELECT temp_store AS \"Value\" FROM pragma_temp_store").SingleAsync());
            }
        }
        finally
        {
            scopes.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_setting_SQLite_refuses_fails_the_open_and_leaves_the_connection_closed()
    {
        var file = Path.Combine(factory.DataDirectory, "settings-refused.db");
        var options = new DbContextOptionsBuilder<SqliteForwardDbContext>()
            .UseSqlite($"Data Source={file}")
            .AddInterceptors(new SqliteConnectionSettings("PRAGMA temp_store=MEMORY; NOT SQL;"))
            .Options;
        await using var db = new SqliteForwardDbContext(options);

        var refused = await Assert.ThrowsAsync<SqliteException>(() => db.Database.OpenConnectionAsync());
        Assert.Contains("syntax error", refused.Message, StringComparison.Ordinal);
        Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);

        // Tried again on the next open, not skipped because the connection was left open.
        await Assert.ThrowsAsync<SqliteException>(() => db.Database.OpenConnectionAsync());
    }
}
