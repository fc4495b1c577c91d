using System.Globalization;
using Forward.Data;
using Forward.Domain.Audit;
using Forward.Domain.Notifications;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// The booking writer saves its messages and audit rows with <see cref="BulkWriter.InsertAddedAsync"/> instead of EF.
/// What it stores must be byte for byte what EF would have stored (enums as their names, instants as EF writes them,
/// nulls as NULL), or queries over those columns would quietly miss rows; and rows keep the order they were added in.
/// </summary>
public sealed class BulkInsertAddedTests : IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Added_rows_written_in_bulk_are_stored_as_EF_stores_them_and_in_the_order_added()
    {
        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync();
        }

        var due = new DateTime(2026, 3, 29, 0, 59, 59, 123, DateTimeKind.Utc).AddTicks(4560); // around the clock change, to the microsecond
        await using (var db = database.OpenContext())
        {
            foreach (var writer in new[] { "ef", "bulk" })
            {
                db.OutboxMessages.Add(Message(writer, 1, due, sent: null));
                db.OutboxMessages.Add(Message(writer, 2, due, sent: due.AddMinutes(1)));
                for (var i = 0; i < 12; i++)
                {
                    db.AuditEvents.Add(Audit(writer, i, due));
                }

                if (writer == "ef")
                {
                    await db.SaveChangesAsync();
                }
            }

            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkWriter.InsertAddedAsync<OutboxMessage>(db);
            await BulkWriter.InsertAddedAsync<AuditEvent>(db);
            await transaction.CommitAsync();
            Assert.DoesNotContain(db.ChangeTracker.Entries(), e => e.State == EntityState.Added);
        }

        await using (var db = database.OpenContext())
        {
            Assert.Equal(await StoredAsync(db, "OutboxMessages", "TemplateId", "ef", "IdempotencyKey"), await StoredAsync(db, "OutboxMessages", "TemplateId", "bulk", "IdempotencyKey"));
            var efAudit = await StoredAsync(db, "AuditEvents", "Actor", "ef");
            Assert.Equal(efAudit, await StoredAsync(db, "AuditEvents", "Actor", "bulk"));
            Assert.Equal(Enumerable.Range(0, 12).Select(i => $"event {i}"), await db.AuditEvents.Where(e => e.Actor == "bulk").OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync());
        }
    }

    private static OutboxMessage Message(string writer, int n, DateTime due, DateTime? sent) => new()
    {
        IdempotencyKey = $"{writer}-{n}",
        Kind = NotificationKind.Reminder,
        Channel = NotificationChannel.Email,
        TemplateId = writer,
        Personalisation = "{\"hub_name\":\"Café – Ærø\"}",
        Recipient = "someone@example.nhs.uk",
        DueUtc = due,
        Status = sent is null ? OutboxStatus.Pending : OutboxStatus.Sent,
        Attempts = sent is null ? 0 : 2,
        LastError = sent is null ? null : "timeout",
        CreatedUtc = due.AddDays(-2),
        SentUtc = sent,
    };

    private static AuditEvent Audit(string writer, int i, DateTime at) => new()
    {
        OccurredUtc = at.AddSeconds(i),
        Actor = writer,
        ActorRole = "nhs111",
        Action = AuditActions.Book,
        Outcome = "success",
        EntityType = i % 2 == 0 ? "Appointment" : null,
        EntityId = i.ToString(CultureInfo.InvariantCulture),
        PatientId = i % 3 == 0 ? null : i,
        HubId = i % 2 == 0 ? i : null,
        Detail = $"event {i}",
        TraceId = i % 4 == 0 ? null : "0af7651916cd43dd8448eb211c80319c",
    };

    /// <summary>Every stored column but the key and those that differ by design, as the database holds it, row by row in id order.</summary>
    private static async Task<List<string>> StoredAsync(ForwardDbContext db, string table, string marker, string value, params string[] differing)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\" WHERE \"{marker}\" = '{value}' ORDER BY \"Id\"";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount)
                .Where(i => reader.GetName(i) != "Id" && reader.GetName(i) != marker && !differing.Contains(reader.GetName(i)))
                .Select(i => $"{reader.GetName(i)}={Show(reader.GetValue(i))}")));
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private static string? Show(object value) => value switch
    {
        DBNull => "NULL",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
