using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Forward.Data;

/// <summary>Per-connection SQLite settings, applied once to each native connection the first time EF opens it from the pool.</summary>
internal sealed class SqliteConnectionSettings(string pragmas) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<sqlite3, object> configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && !configured.TryGetValue(handle, out _))
        {
            var rc = raw.sqlite3_exec(handle, pragmas);
            if (rc != raw.SQLITE_OK)
            {
                // EF does not count the connection as opened when this throws. Left open, the context's next open
                // (a retry) would find it open, use it without these settings and treat it as the caller's to close.
                // Closed, it goes back to the pool and the settings are tried again on its next open.
                var error = new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(handle).utf8_to_string()}'.", rc, raw.sqlite3_extended_errcode(handle));
                connection.Close();
                throw error;
            }

            configured.AddOrUpdate(handle, pragmas);
        }
    }
}
