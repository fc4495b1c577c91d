using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Forward.Data;

/// <summary>One column of a bulk insert: the EF property it fills and how to read its value from a row.</summary>
/// <remarks>
/// Values must already be in their stored form: enums as the strings EF's converters write, DateTimes as UTC. The types
/// understood are int, long, bool, string, decimal (numeric; text on SQLite, as EF stores it), DateTime (timestamptz) and DateOnly (date); null writes NULL.
/// </remarks>
public sealed record BulkColumn<T>(string Property, Func<T, object?> Value);

/// <summary>
/// Inserts many rows of any entity fast (slots through <see cref="SlotBulkWriter"/>, the demo history): a prepared statement in the
/// caller's transaction on SQLite, binary COPY on PostgreSQL. A year of demo history is over a million rows; EF's
/// per-entity inserts would take minutes. Generated keys are not returned: callers read them back by a natural key.
/// </summary>
public static class BulkWriter
{
    public static Task InsertAsync<TEntity, TRow>(ForwardDbContext db, IReadOnlyCollection<TRow> rows, IReadOnlyList<BulkColumn<TRow>> columns, CancellationToken cancellationToken = default) =>
        InsertAsync<TEntity, TRow>(db, rows, columns, analyzeIfGrown: true, cancellationToken);

    /// <summary>
    /// The same for rows that stand in for ones the caller's transaction has just deleted (derived data written again):
    /// the table does not grow, so PostgreSQL's statistics are left alone, and no ANALYZE lock is held to the commit.
    /// </summary>
    public static Task InsertReplacementsAsync<TEntity, TRow>(ForwardDbContext db, IReadOnlyCollection<TRow> rows, IReadOnlyList<BulkColumn<TRow>> columns, CancellationToken cancellationToken = default) =>
        InsertAsync<TEntity, TRow>(db, rows, columns, analyzeIfGrown: false, cancellationToken);

    private static async Task InsertAsync<TEntity, TRow>(ForwardDbContext db, IReadOnlyCollection<TRow> rows, IReadOnlyList<BulkColumn<TRow>> columns, bool analyzeIfGrown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        if (rows.Count == 0)
        {
            return;
        }

        var (entity, table) = Mapping<TEntity>(db);
        var names = columns
            .Select(c => (entity.FindProperty(c.Property) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has no property {c.Property}.")).GetColumnName(table)!)
            .ToList();
        var columnList = string.Join(", ", names.Select(c => $"\"{c}\""));
        var tableName = $"\"{table.Name}\"";

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            if (connection is NpgsqlConnection npgsql)
            {
                await CopyAsync(npgsql, tableName, columnList, rows, columns, cancellationToken);
                if (analyzeIfGrown)
                {
                    await AnalyzeIfGrownAsync(npgsql, tableName, rows.Count, cancellationToken);
                }
            }
            else
            {
                await InsertPreparedAsync((SqliteConnection)connection, transaction, tableName, columnList, rows, columns, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The entity's type in the EF model and the table it is stored in.</summary>
    internal static (IEntityType Entity, StoreObjectIdentifier Table) Mapping<TEntity>(ForwardDbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        return (entity, StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()));
    }

    /// <summary>A value as its column holds it: through the property's converter (an enum's name, a UTC instant), if it has one.</summary>
    internal static object? StoredForm(object? value, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? converter) =>
        value is not null && converter is not null ? converter.ConvertToProvider(value) : value;

    private static SqliteType SqliteTypeOf(object? value) => value switch
    {
        int or long or bool => SqliteType.Integer,
        _ => SqliteType.Text,
    };

    private static async Task CopyAsync<TRow>(NpgsqlConnection connection, string table, string columnList, IEnumerable<TRow> rows, IReadOnlyList<BulkColumn<TRow>> columns, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({columnList}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in columns)
            {
                switch (column.Value(row))
                {
                    case null:
                        await importer.WriteNullAsync(ct);
                        break;
                    case int i:
                        await importer.WriteAsync(i, NpgsqlDbType.Integer, ct);
                        break;
                    case long l:
                        await importer.WriteAsync(l, NpgsqlDbType.Bigint, ct);
                        break;
                    case bool b:
                        await importer.WriteAsync(b, NpgsqlDbType.Boolean, ct);
                        break;
                    case string s:
                        await importer.WriteAsync(s, NpgsqlDbType.Text, ct);
                        break;
                    case DateTime d:
                        await importer.WriteAsync(DateTime.SpecifyKind(d, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, ct);
                        break;
                    case DateOnly d:
                        await importer.WriteAsync(d, NpgsqlDbType.Date, ct);
                        break;
                    case decimal m:
                        await importer.WriteAsync(m, NpgsqlDbType.Numeric, ct);
                        break;
                    case var other:
                        throw new NotSupportedException($"Bulk insert does not write {other.GetType().Name} values; convert to the stored form first.");
                }
            }
        }

        await importer.CompleteAsync(ct);
    }

    /// <summary>
    /// Refreshes PostgreSQL's statistics of the table when the load added a tenth of it or more, as autovacuum would
    /// a minute or so later. Until then the planner works from the table as it was: after the first slot load into a new
    /// database it took the slots for none and marked a booking's slots booked by reading the whole free-slot index.
    /// In the caller's transaction, where ANALYZE sees the rows just loaded; its lock (which another ANALYZE of the table
    /// waits for) is held until the commit, so only real growth takes it.
    /// </summary>
    private static async Task AnalyzeIfGrownAsync(NpgsqlConnection connection, string table, int added, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT reltuples FROM pg_class WHERE oid = to_regclass(@table)";
        command.Parameters.AddWithValue("table", table);

        // -1 when never analysed; the estimate is from before this load, which is the table as it stood.
        var estimate = Convert.ToDouble(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        if (added >= estimate / 10)
        {
            command.Parameters.Clear();

            // The table name comes from the EF model, never from input.
#pragma warning disable CA2100
            command.CommandText = $"ANALYZE {table}";
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task InsertPreparedAsync<TRow>(SqliteConnection connection, DbTransaction? transaction, string table, string columnList, IEnumerable<TRow> rows, IReadOnlyList<BulkColumn<TRow>> columns, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction?)transaction;
        var names = Enumerable.Range(0, columns.Count).Select(i => "$p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

        // Table and column names come from the EF model, never from input.
#pragma warning disable CA2100
        command.CommandText = $"INSERT INTO {table} ({columnList}) VALUES ({string.Join(", ", names)})";
#pragma warning restore CA2100
        var parameters = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        var prepared = false;
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var value = columns[i].Value(row);
                parameters[i].SqliteType = SqliteTypeOf(value);
                parameters[i].Value = value ?? DBNull.Value;
            }

            if (!prepared)
            {
                await command.PrepareAsync(ct);
                prepared = true;
            }

            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
