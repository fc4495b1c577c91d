using Forward.Domain.Hubs;

namespace Forward.Data;

/// <summary>
/// Inserts many new slots fast. Generating a month of rota for every hub is tens of thousands of rows; EF's per-entity
/// inserts take tens of seconds for that on SQLite, <see cref="BulkWriter"/> (a prepared statement on SQLite, binary
/// COPY on PostgreSQL) well under one. Runs inside the caller's EF transaction.
/// </summary>
public static class SlotBulkWriter
{
    /// <summary>The columns a new slot fills, in their stored form (enums as the strings EF's converters write).</summary>
    private static readonly BulkColumn<Slot>[] Columns =
    [
        new(nameof(Slot.SessionId), s => s.SessionId),
        new(nameof(Slot.HubId), s => s.HubId),
        new(nameof(Slot.ClinicianIndex), s => s.ClinicianIndex),
        new(nameof(Slot.StartUtc), s => s.StartUtc),
        new(nameof(Slot.EndUtc), s => s.EndUtc),
        new(nameof(Slot.Role), s => s.Role.ToString()),
        new(nameof(Slot.Mode), s => s.Mode.ToString()),
        new(nameof(Slot.Status), s => s.Status.ToString()),
    ];

    private static readonly BulkColumn<Slot>[] ColumnsWithId = [new(nameof(Slot.Id), s => s.Id), .. Columns];

    public static Task InsertAsync(ForwardDbContext db, IReadOnlyCollection<Slot> slots, CancellationToken cancellationToken = default) =>
        BulkWriter.InsertAsync<Slot, Slot>(db, slots, Columns, cancellationToken);

    /// <summary>The same with the ids the caller gave (a bulk load that links rows by id without reading them back).</summary>
    public static Task InsertWithIdsAsync(ForwardDbContext db, IReadOnlyCollection<Slot> slots, CancellationToken cancellationToken = default) =>
        BulkWriter.InsertAsync<Slot, Slot>(db, slots, ColumnsWithId, cancellationToken);
}
