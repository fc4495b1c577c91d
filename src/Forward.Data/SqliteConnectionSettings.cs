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
            SqliteException.ThrowExceptionForRC(raw.sqlite3_exec(handle, pragmas), handle);
            configured.AddOrUpdate(handle, pragmas);
        }
    }
}
