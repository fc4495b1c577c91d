using System.Globalization;
using Forward.Data;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Patients;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// The booking writer saves its rows with <see cref="StatementBatch"/> instead of EF. What it stores must be byte for
/// byte what EF would have stored (enums as their names, instants as EF writes them, nulls as NULL), or queries over
/// those columns would quietly miss rows; rows keep the order they were added in; and the keys it hands out must never
/// collide with those the database hands out afterwards.
/// </summary>
public sealed class StatementBatchTests(ForwardFactory factory) : IClassFixture<ForwardFactory>, IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Rows_written_in_bulk_with_keys_left_to_the_database_are_stored_as_EF_stores_them_and_in_order()
    {
        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync();
        }

        var due = new DateTime(2026, 3, 29, 0, 59, 59, 123, DateTimeKind.Utc).AddTicks(4560); // around the clock change, to the microsecond
        await using (var db = database.OpenContext())
        {
            db.OutboxMessages.Add(Message("ef", 1, due, sent: null));
            db.OutboxMessages.Add(Message("ef", 2, due, sent: due.AddMinutes(1)));
            db.AuditEvents.AddRange(Enumerable.Range(0, 12).Select(i => Audit("ef", i, due)));
            await db.SaveChangesAsync();

            await using var transaction = await db.Database.BeginTransactionAsync();
            var batch = new StatementBatch(db);
            batch.Insert([Message("bulk", 1, due, sent: null), Message("bulk", 2, due, sent: due.AddMinutes(1))], withKeys: false);
            batch.Insert(Enumerable.Range(0, 12).Select(i => Audit("bulk", i, due)).ToList(), withKeys: false);
            await batch.ExecuteAsync();
            await transaction.CommitAsync();
        }

        await using (var db = database.OpenContext())
        {
            Assert.Equal(await StoredAsync(db, "OutboxMessages", "TemplateId", "ef", "IdempotencyKey"), await StoredAsync(db, "OutboxMessages", "TemplateId", "bulk", "IdempotencyKey"));
            var efAudit = await StoredAsync(db, "AuditEvents", "Actor", "ef");
            Assert.Equal(efAudit, await StoredAsync(db, "AuditEvents", "Actor", "bulk"));
            Assert.Equal(Enumerable.Range(0, 12).Select(i => $"event {i}"), await db.AuditEvents.Where(e => e.Actor == "bulk").OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync());
        }
    }

    [Fact]
    public async Task A_booking_written_by_the_batch_is_stored_as_EF_stores_it_with_keys_that_never_collide()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = (await world.FreeSlotsAsync()).Take(4).ToArray();
        var created = new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Utc).AddTicks(1230); // to the microsecond
        var efPatient = NewPatient("Efwritten", world.PracticeA.Id);
        var batchPatient = NewPatient("Batchwritten", world.PracticeA.Id);
        var efAppointment = NewAppointment(efPatient, world.HubId, slots[0..2], created);
        var batchAppointment = NewAppointment(batchPatient, world.HubId, slots[2..4], created);

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            db.Add(efAppointment);
            foreach (var slot in slots[0..2])
            {
                db.Attach(slot).Entity.Status = SlotStatus.Booked;
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();

            await using var transaction = await db.Database.BeginTransactionAsync();
            batchPatient.Id = checked((int)Assert.Single(await StatementBatch.NextIdsAsync<Patient>(db, 1)));
            batchAppointment.Id = Assert.Single(await StatementBatch.NextIdsAsync<Appointment>(db, 1));
            batchAppointment.PatientId = batchPatient.Id;
            batchAppointment.Slots.ForEach(h => h.AppointmentId = batchAppointment.Id);
            var batch = new StatementBatch(db);
            batch.Insert([batchPatient]);
            batch.Insert([batchAppointment]);
            batch.Insert(batchAppointment.Slots);
            batch.Update<Slot>(nameof(Slot.Status), SlotStatus.Booked, slots[2..4].Select(s => (object)s.Id).ToList());
            await batch.ExecuteAsync();
            await transaction.CommitAsync();
        }

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            Assert.Equal(await StoredAsync(db, "Patients", "FamilyName", "Efwritten", "NhsNumber"), await StoredAsync(db, "Patients", "FamilyName", "Batchwritten", "NhsNumber"));
            Assert.Equal(await StoredAsync(db, "Appointments", "Reason", "Efwritten", "PatientId", "StartUtc", "EndUtc"), await StoredAsync(db, "Appointments", "Reason", "Batchwritten", "PatientId", "StartUtc", "EndUtc"));
            var held = await db.AppointmentSlots.AsNoTracking().Where(h => h.AppointmentId == batchAppointment.Id).ToListAsync();
            Assert.Equal(slots[2..4].Select(s => s.Id), held.Select(h => h.SlotId).Order());
            Assert.All(held, h => Assert.True(h.IsActive));
            Assert.Equal(4, await db.Slots.CountAsync(s => slots.Select(x => x.Id).Contains(s.Id) && s.Status == SlotStatus.Booked));
            var read = await db.Appointments.AsNoTracking().Include(a => a.Patient).SingleAsync(a => a.Id == batchAppointment.Id);
            Assert.Equal(("Batchwritten", created, AppointmentStatus.Booked, BookingChannel.Nhs111), (read.Patient!.FamilyName, read.CreatedUtc, read.Status, read.Channel));

            // The database's own keys carry on after those the batch handed out.
            var next = NewAppointment(NewPatient("Afterwards", world.PracticeA.Id), world.HubId, [], created);
            db.Add(next);
            await db.SaveChangesAsync();
            Assert.True(next.Patient!.Id > batchPatient.Id && next.Id > batchAppointment.Id, $"{next.Patient.Id} > {batchPatient.Id}, {next.Id} > {batchAppointment.Id}");
        }
    }

    [Fact]
    public async Task A_conditional_update_changes_only_rows_still_holding_the_expected_value_and_says_how_many()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = (await world.FreeSlotsAsync()).Take(2).ToArray();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        await db.Slots.Where(s => s.Id == slots[1].Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Status, SlotStatus.Booked));

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var batch = new StatementBatch(db);
            var withdraw = batch.UpdateFrom<Slot>(nameof(Slot.Status), SlotStatus.Free, SlotStatus.Withdrawn, slots.Select(s => (object)s.Id).ToList());
            Assert.Equal(1, (await batch.ExecuteAsync())[withdraw]);
            await transaction.CommitAsync();
        }

        var stored = await db.Slots.AsNoTracking().Where(s => slots.Select(x => x.Id).Contains(s.Id)).OrderBy(s => s.Id).Select(s => s.Status).ToListAsync();
        Assert.Equal([SlotStatus.Withdrawn, SlotStatus.Booked], stored);
    }

    [Fact]
    public async Task Values_of_every_type_it_binds_are_stored_as_a_parameter_stores_them_and_a_unique_clash_is_reported_as_one()
    {
        await using var db = database.OpenContext();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync(db.IsPostgres
            ? "CREATE TABLE bound (label text UNIQUE, flag boolean, n integer, big bigint, at timestamptz, day date, amount numeric, missing text)"
            : "CREATE TABLE bound (label TEXT UNIQUE, flag INTEGER, n INTEGER, big INTEGER, at TEXT, day TEXT, amount TEXT, missing TEXT)");
        var at = new DateTime(2026, 10, 25, 1, 30, 0, DateTimeKind.Utc).AddTicks(1234560); // the autumn clock change, to the microsecond
        object?[] Values(string label) => [label, true, -7, long.MaxValue, at, new DateOnly(2026, 2, 28), 1234.5000m, null];

        await using (var command = db.Database.GetDbConnection().CreateCommand())
        {
            await db.Database.OpenConnectionAsync();
            command.CommandText = "INSERT INTO bound VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)";
            var values = Values("parameter");
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "p" + i.ToString(CultureInfo.InvariantCulture);
                parameter.Value = values[i] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            await command.ExecuteNonQueryAsync();
        }

        var insert = "INSERT INTO bound VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7})";
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var batch = new StatementBatch(db);
            batch.Add(insert, Values("batch"));
            var changed = await batch.ExecuteAsync();
            Assert.Equal([1], changed);
            await transaction.CommitAsync();
        }

        var stored = await db.Database.SqlQueryRaw<string>(db.IsPostgres
            ? "SELECT concat_ws('|', flag, n, big, at, day, amount, coalesce(missing, 'NULL')) AS \"Value\" FROM bound ORDER BY label"
            : "SELECT concat_ws('|', typeof(flag) || flag, typeof(n) || n, typeof(big) || big, typeof(at) || at, typeof(day) || day, typeof(amount) || amount, typeof(missing)) AS \"Value\" FROM bound ORDER BY label").ToListAsync();
        Assert.Equal(2, stored.Count);
        Assert.Equal(stored[1], stored[0]);

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var batch = new StatementBatch(db);
            batch.Add(insert, Values("batch"));
            var clash = await Assert.ThrowsAsync<DbUpdateException>(() => batch.ExecuteAsync());
            Assert.True(DbErrors.IsUniqueViolation(clash), clash.InnerException?.ToString());
        }
    }

    private static Patient NewPatient(string familyName, int practiceId) => new()
    {
        NhsNumber = TestPatients.NewNhsNumber(),
        GivenName = "Zoë",
        FamilyName = familyName,
        DateOfBirth = new DateOnly(1950, 2, 28),
        Phone = "07700 900123",
        Email = "zoe@example.nhs.uk",
        RegisteredPracticeId = practiceId,
        SummaryAllergies = "Penicillin – rash",
    };

    private static Appointment NewAppointment(Patient patient, int hubId, IEnumerable<Slot> slots, DateTime created)
    {
        var held = slots.ToList();
        var appointment = new Appointment
        {
            Patient = patient,
            HubId = hubId,
            StartUtc = held.Count > 0 ? held.Min(s => s.StartUtc) : created.AddDays(1),
            EndUtc = held.Count > 0 ? held.Max(s => s.EndUtc) : created.AddDays(1).AddMinutes(15),
            Channel = BookingChannel.Nhs111,
            BookedBy = "statement-batch-test",
            BookingOrganisationOds = null,
            Reason = patient.FamilyName,
            Description = "Telephone call back",
            Comment = null,
            Consent = RecordSharingConsent.Granted,
            Status = AppointmentStatus.Booked,
            CreatedUtc = created,
            IdempotencyKey = null,
        };
        appointment.Slots.AddRange(held.Select(s => new AppointmentSlot { Appointment = appointment, SlotId = s.Id, IsActive = true }));
        return appointment;
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
