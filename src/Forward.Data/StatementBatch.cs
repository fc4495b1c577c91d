using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using SQLitePCL;

namespace Forward.Data;

/// <summary>
/// Writes a unit of work's rows as a few multi-row statements in the context's open transaction: one round trip on
/// PostgreSQL (an <see cref="NpgsqlBatch"/>), one native statement each on SQLite, its values bound by position. Columns
/// and stored forms come from the EF model, so the rows are byte for byte what EF would store. For the hot write paths (a booking group), where
/// EF's per-entity change tracking, command building and key read-back cost more than the database's own work; the
/// entities are never tracked, so keys are handed out first (<see cref="NextIdsAsync{TEntity}"/>).
/// </summary>
public sealed class StatementBatch(ForwardDbContext db)
{
    // SQLite allows 32,766 parameters in a statement; PostgreSQL 65,535.
    private const int MaxParameters = 30_000;

    private readonly bool postgres = (db ?? throw new ArgumentNullException(nameof(db))).IsPostgres;
    private readonly List<(string Sql, List<object?> Values)> statements = [];

    /// <summary>
    /// Inserts <paramref name="rows"/>, every mapped column, in the order given. With <paramref name="withKeys"/> false a
    /// store-generated key is left to the database (for rows nothing refers to, such as audit records).
    /// </summary>
    public void Insert<TEntity>(IReadOnlyCollection<TEntity> rows, bool withKeys = true)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        var (entity, table) = BulkWriter.Mapping<TEntity>(db);
        var properties = entity.GetProperties()
            .Where(p => withKeys || !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd))
            .Select(p => (Column: p.GetColumnName(table)!, Getter: p.GetGetter(), Converter: p.GetTypeMapping().Converter, Shadow: p.IsShadowProperty()))
            .ToList();
        if (properties.Any(p => p.Shadow))
        {
            throw new NotSupportedException($"{typeof(TEntity).Name} has shadow properties; insert it through EF.");
        }

        var head = $"INSERT INTO {Quote(table.Name)} ({string.Join(", ", properties.Select(p => Quote(p.Column)))}) VALUES ";
        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / properties.Count)))
        {
            var sql = new StringBuilder(head);
            var values = new List<object?>(chunk.Length * properties.Count);
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < properties.Count; c++)
                {
                    var (_, getter, converter, _) = properties[c];
                    sql.Append(c == 0 ? string.Empty : ", ").Append(Placeholder(values.Count));
                    values.Add(BulkWriter.StoredForm(getter.GetClrValue(chunk[r]), converter));
                }

                sql.Append(')');
            }

            statements.Add((sql.ToString(), values));
        }
    }

    /// <summary>Sets one column to <paramref name="value"/> (given as the property's CLR value) on the rows whose key is one of <paramref name="keys"/>.</summary>
    public void Update<TEntity>(string property, object? value, IReadOnlyCollection<object> keys)
        where TEntity : class =>
        AddUpdate<TEntity>(property, value, keys, onlyFrom: null);

    /// <summary>
    /// As <see cref="Update{TEntity}"/>, but only on rows whose column still holds <paramref name="expected"/> (not null).
    /// Returns the statement's position, for the count of rows it changed in what <see cref="ExecuteAsync"/> returns.
    /// </summary>
    public int UpdateFrom<TEntity>(string property, object expected, object? value, IReadOnlyCollection<object> keys)
        where TEntity : class =>
        AddUpdate<TEntity>(property, value, keys, expected ?? throw new ArgumentNullException(nameof(expected)));

    private int AddUpdate<TEntity>(string property, object? value, IReadOnlyCollection<object> keys, object? onlyFrom)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentOutOfRangeException.ThrowIfZero(keys.Count);

        var (entity, table) = BulkWriter.Mapping<TEntity>(db);
        var set = entity.FindProperty(property) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has no property {property}.");
        var key = entity.FindPrimaryKey()?.Properties is [var single] ? single : throw new NotSupportedException($"{typeof(TEntity).Name} has no single-column key.");
        var values = new List<object?> { BulkWriter.StoredForm(value, set.GetTypeMapping().Converter) };
        var column = Quote(set.GetColumnName(table)!);
        var condition = string.Empty;
        if (onlyFrom is not null)
        {
            condition = $"{column} = {Placeholder(values.Count)} AND ";
            values.Add(BulkWriter.StoredForm(onlyFrom, set.GetTypeMapping().Converter));
        }

        var placeholders = new List<string>();
        foreach (var k in keys)
        {
            placeholders.Add(Placeholder(values.Count));
            values.Add(BulkWriter.StoredForm(k, key.GetTypeMapping().Converter));
        }

        statements.Add(($"UPDATE {Quote(table.Name)} SET {column} = {Placeholder(0)} WHERE {condition}{Quote(key.GetColumnName(table)!)} IN ({string.Join(", ", placeholders)})", values));
        return statements.Count - 1;
    }

    /// <summary>
    /// Adds a statement of its own, its values written as {0}, {1}, … (as in EF's <c>ExecuteSqlRaw</c>) and given in their
    /// stored form. The SQL must come from code, never from input.
    /// </summary>
    public void Add(string sql, IReadOnlyList<object?> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(sql);
        ArgumentNullException.ThrowIfNull(values);
        statements.Add((string.Format(CultureInfo.InvariantCulture, sql, [.. values.Select((_, i) => Placeholder(i))]), [.. values]));
    }

    /// <summary>
    /// Runs the statements in order in the context's transaction, then forgets them; returns how many rows each changed.
    /// A database error comes wrapped in a <see cref="DbUpdateException"/>, as from EF's own save.
    /// </summary>
    public async Task<int[]> ExecuteAsync(CancellationToken cancellationToken = default)
    {
        var changed = new int[statements.Count];
        if (statements.Count == 0)
        {
            return changed;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A statement batch runs inside the caller's transaction.");
        try
        {
            if (transaction.Connection is NpgsqlConnection npgsql)
            {
                await using var batch = new NpgsqlBatch(npgsql, (NpgsqlTransaction)transaction);
                foreach (var (sql, values) in statements)
                {
                    var command = new NpgsqlBatchCommand(sql);
                    foreach (var value in values)
                    {
                        command.Parameters.Add(new NpgsqlParameter { Value = value is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : value ?? DBNull.Value });
                    }

                    batch.BatchCommands.Add(command);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
                for (var i = 0; i < changed.Length; i++)
                {
                    changed[i] = batch.BatchCommands[i].RecordsAffected;
                }
            }
            else
            {
                var connection = (SqliteConnection)transaction.Connection!;
                for (var s = 0; s < statements.Count; s++)
                {
                    changed[s] = ExecuteOnSqlite(connection, statements[s].Sql, statements[s].Values);
                }
            }
        }
        catch (DbException ex)
        {
            throw new DbUpdateException($"A batch of {statements.Count} statements failed: {ex.Message}", ex);
        }
        finally
        {
            statements.Clear();
        }

        return changed;
    }

    /// <summary>
    /// <paramref name="count"/> new keys for <typeparamref name="TEntity"/>, which has a single generated integer key. On
    /// PostgreSQL from the key's identity sequence (safe with any number of servers; unused ones leave gaps, as a rolled
    /// back insert does). On SQLite after the highest key used or handed out (its sequence), which is safe only because
    /// the caller's transaction holds the database's write lock: it must have begun IMMEDIATE, as Forward's do.
    /// </summary>
    public static async Task<long[]> NextIdsAsync<TEntity>(ForwardDbContext db, int count, CancellationToken cancellationToken = default)
        where TEntity : class
    {
        ArgumentNullException.ThrowIfNull(db);
        if (count <= 0)
        {
            return [];
        }

        var (entity, table) = BulkWriter.Mapping<TEntity>(db);
        var key = entity.FindPrimaryKey()?.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } single] ? single.GetColumnName(table)! : throw new NotSupportedException($"{typeof(TEntity).Name} has no single generated key.");
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Keys are handed out inside the caller's transaction.");
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        var tableName = Quote(table.Name);

        // Names from the EF model only. On PostgreSQL the text never changes, so it is prepared once per connection.
#pragma warning disable CA2100
        command.CommandText = db.IsPostgres
            ? $"SELECT nextval(pg_get_serial_sequence('{tableName}', '{key}')) FROM generate_series(1, @count)"
            : $"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = '{table.Name}'), 0), coalesce((SELECT max({Quote(key)}) FROM {tableName}), 0))";
#pragma warning restore CA2100
        if (db.IsPostgres)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "count";
            parameter.Value = count;
            command.Parameters.Add(parameter);
            await command.PrepareAsync(cancellationToken);
            var ids = new long[count];
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < count && await reader.ReadAsync(cancellationToken); i++)
            {
                ids[i] = reader.GetInt64(0);
            }

            return ids;
        }

        var last = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        return [.. Enumerable.Range(1, count).Select(i => last + i)];
    }

    /// <summary>
    /// Runs one statement on the connection's handle with its values bound by position. Microsoft.Data.Sqlite binds by
    /// name, and SQLite finds a name by walking the statement's list of names, so a multi-row insert of a few hundred
    /// values spent more time matching names than writing rows (a quarter of the group writer's CPU under load).
    /// Values are bound as Microsoft.Data.Sqlite binds them, so stored bytes are unchanged.
    /// </summary>
    private static int ExecuteOnSqlite(SqliteConnection connection, string sql, List<object?> values)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement, out var tail);
        SqliteException.ThrowExceptionForRC(rc, handle);
        using (statement)
        {
            if (!string.IsNullOrWhiteSpace(tail))
            {
                throw new ArgumentException("A statement batch runs one statement per entry.", nameof(sql));
            }

            for (var i = 0; i < values.Count; i++)
            {
                rc = BindOnSqlite(statement, i + 1, values[i]);
                SqliteException.ThrowExceptionForRC(rc, handle);
            }

            rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, handle);
            }

            return raw.sqlite3_changes(handle);
        }
    }

    private static int BindOnSqlite(sqlite3_stmt statement, int position, object? value) => value switch
    {
        null or DBNull => raw.sqlite3_bind_null(statement, position),
        bool b => raw.sqlite3_bind_int64(statement, position, b ? 1 : 0),
        int i => raw.sqlite3_bind_int64(statement, position, i),
        long l => raw.sqlite3_bind_int64(statement, position, l),
        string text => raw.sqlite3_bind_text(statement, position, text),
        DateTime d => raw.sqlite3_bind_text(statement, position, d.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture)),
        DateOnly d => raw.sqlite3_bind_text(statement, position, d.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture)),
        decimal m => raw.sqlite3_bind_text(statement, position, m.ToString("0.0###########################", CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"A statement batch does not bind {value.GetType().Name} values on SQLite; convert to the stored form first."),
    };

    private string Placeholder(int index) =>
        (postgres ? "$" : "?") + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static string Quote(string name) => $"\"{name}\"";
}
