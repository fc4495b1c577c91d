using System.Data.Common;
using Forward.Domain.Hubs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Forward.Data;

/// <summary>
/// Inserts many new slots fast. Generating a month of rota for every hub is tens of thousands of rows; EF's per-entity
/// inserts take tens of seconds for that on SQLite, a prepared statement (SQLite) or binary COPY (PostgreSQL) well under one.
/// Runs inside the caller's EF transaction. Table and column names come from the EF model, not from string literals.
/// </summary>
public static class SlotBulkWriter
{
    public static async Task InsertAsync(ForwardDbContext db, IReadOnlyCollection<Slot> slots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(Slot))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => entity.FindProperty(property)!.GetColumnName(table)!;
        var columns = new[]
        {
            Column(nameof(Slot.SessionId)), Column(nameof(Slot.HubId)), Column(nameof(Slot.ClinicianIndex)), Column(nameof(Slot.StartUtc)),
            Column(nameof(Slot.EndUtc)), Column(nameof(Slot.Role)), Column(nameof(Slot.Mode)), Column(nameof(Slot.Status)),
        };
        var columnList = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var tableName = $"\"{table.Name}\"";

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            if (connection is NpgsqlConnection npgsql)
            {
                await CopyAsync(npgsql, tableName, columnList, slots, cancellationToken);
            }
            else
            {
                await InsertPreparedAsync((SqliteConnection)connection, transaction, tableName, columnList, columns.Length, slots, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, string columns, IEnumerable<Slot> slots, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in slots)
        {
            await importer.StartRowAsync(ct);
            await importer.WriteAsync(s.SessionId, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(s.HubId, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(s.ClinicianIndex, NpgsqlDbType.Integer, ct);
            await importer.WriteAsync(DateTime.SpecifyKind(s.StartUtc, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, ct);
            await importer.WriteAsync(DateTime.SpecifyKind(s.EndUtc, DateTimeKind.Utc), NpgsqlDbType.TimestampTz, ct);
            await importer.WriteAsync(s.Role.ToString(), NpgsqlDbType.Text, ct);
            await importer.WriteAsync(s.Mode.ToString(), NpgsqlDbType.Text, ct);
            await importer.WriteAsync(s.Status.ToString(), NpgsqlDbType.Text, ct);
        }

        await importer.CompleteAsync(ct);
    }

    private static async Task InsertPreparedAsync(SqliteConnection connection, DbTransaction? transaction, string table, string columns, int count, IEnumerable<Slot> slots, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = (SqliteTransaction?)transaction;
        var names = Enumerable.Range(0, count).Select(i => "$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Table and column names come from the EF model above, never from input.
#pragma warning disable CA2100
        command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names)})";
#pragma warning restore CA2100
        var parameters = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        parameters[0].SqliteType = parameters[1].SqliteType = parameters[2].SqliteType = SqliteType.Integer;
        await command.PrepareAsync(ct);
        foreach (var s in slots)
        {
            parameters[0].Value = s.SessionId;
            parameters[1].Value = s.HubId;
            parameters[2].Value = s.ClinicianIndex;

            // Microsoft.Data.Sqlite writes DateTime as "yyyy-MM-dd HH:mm:ss.FFFFFFF", the same text EF stores and compares.
            parameters[3].Value = s.StartUtc;
            parameters[4].Value = s.EndUtc;
            parameters[5].Value = s.Role.ToString();
            parameters[6].Value = s.Mode.ToString();
            parameters[7].Value = s.Status.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
