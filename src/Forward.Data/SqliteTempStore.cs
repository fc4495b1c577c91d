using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace Forward.Data;

/// <summary>
/// SQLite's temporary storage kept in memory for one unit of work: the booking writer's group. With SQLite's default,
/// under the booking benchmark, the writer made, wrote and deleted a temporary file for nearly every group (`perf
/// trace`), and over a third of the group's page writes went to it. Only for that: set on every connection, it also
/// held whole sorts in memory, and building an index over 10.5 million slots (as a migration would; the sqlite3 shell)
/// took 663 MB and 23 s instead of 10 MB and 10 s.
/// </summary>
public static class SqliteTempStore
{
    /// <summary>
    /// Opens the context's connection with temporary storage in memory until disposed, then puts SQLite's default back
    /// (before the connection returns to the pool). Call it before the transaction starts and dispose it after the
    /// transaction has ended: SQLite refuses the change inside one. Nothing on PostgreSQL.
    /// </summary>
    public static async Task<IAsyncDisposable> InMemoryAsync(ForwardDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.IsPostgres)
        {
            return Scope.None;
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            Execute((SqliteConnection)db.Database.GetDbConnection(), "PRAGMA temp_store=MEMORY");
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            throw;
        }

        return new Scope(db);
    }

    private static void Execute(SqliteConnection connection, string pragma)
    {
        var handle = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_exec(handle, pragma), handle);
    }

    private sealed class Scope(ForwardDbContext? db) : IAsyncDisposable
    {
        public static readonly Scope None = new(null);

        public async ValueTask DisposeAsync()
        {
            if (db is null)
            {
                return;
            }

            try
            {
                // Open unless something closed it under the scope; then there is nothing to put back on this handle.
                if (db.Database.GetDbConnection() is SqliteConnection { State: System.Data.ConnectionState.Open } connection)
                {
                    Execute(connection, "PRAGMA temp_store=DEFAULT");
                }
            }
            catch (SqliteException)
            {
                // Runs after the group has committed or rolled back, so it must not turn its outcome into a failure. The
                // connection then stays in the pool with temporary storage in memory, which is only what it had here.
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
