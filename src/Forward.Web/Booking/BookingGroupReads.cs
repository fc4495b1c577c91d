using System.Data.Common;
using System.Text.Json;
using Forward.Data;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Forward.Web.Booking;

/// <summary>
/// What a booking group needs from the database, read by one command of five statements in the group's transaction
/// (one round trip on PostgreSQL): the patients named by id or NHS number, the practices named by ODS code or linked to
/// those patients or the bookers, the slots with their session's name and hub, the hub ↔ practice links, and the
/// patients' booked appointments. As five EF queries these were a third of a group's time on PostgreSQL, each a round
/// trip with its own overhead. On PostgreSQL the patients are locked as they are read (in id order), so one patient's
/// bookings on two servers take turns and cannot both pass the overlap rule; SQLite serialises every write anyway. The
/// lock is FOR NO KEY UPDATE: it does not hold up other writes that only refer to the patient (their foreign-key checks).
/// </summary>
internal static class BookingGroupReads
{
    /// <summary>What the group's bookings name.</summary>
    public sealed record Keys(int[] PatientIds, string[] NhsNumbers, string[] OdsCodes, int[] BookerPracticeIds, long[] SlotIds, int[] BookerHubIds);

    public sealed record PracticeFacts(int Id, string OdsCode, string Name);

    public sealed record HubFacts(string Code, string Name, string? SiteName, string? Town, int? MaximumBookingAheadHours);

    public sealed record Found(
        List<Patient> Patients,
        Dictionary<int, PracticeFacts> Practices,
        Dictionary<long, Slot> Slots,
        Dictionary<int, string> SessionNames,
        Dictionary<int, HubFacts> Hubs,
        Dictionary<(int HubId, int PracticeId), bool> Links,
        Dictionary<int, List<HeldAppointment>> HeldByPatientId);

    public static async Task<Found> ReadAsync(ForwardDbContext db, Keys keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        var postgres = db.IsPostgres;
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("A booking group is read inside its transaction.");
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;

        // Lists go in as arrays on PostgreSQL and as JSON arrays on SQLite, so the SQL does not change with their length.
        string In(string list) => postgres ? $"= ANY(@{list})" : $"IN (SELECT value FROM json_each(@{list}))";
        string Patients(string alias) => $"{alias}.\"Id\" {In("ids")} OR {alias}.\"NhsNumber\" {In("nhs")}";
        var patients = Patients("\"Patients\"");

        // Each list's rows are found through an index; as one OR with a subquery, PostgreSQL scanned the tables.
        var practiceIds = $"SELECT \"Id\" FROM \"Practices\" WHERE \"OdsCode\" {In("ods")} OR \"Id\" {In("practices")} UNION SELECT p.\"RegisteredPracticeId\" FROM \"Patients\" AS p WHERE {Patients("p")}";
        var hubIds = $"SELECT \"HubId\" FROM \"Slots\" WHERE \"Id\" {In("slots")} UNION SELECT \"Id\" FROM \"Hubs\" WHERE \"Id\" {In("hubs")}";

        // Fixed SQL; every value is a parameter.
#pragma warning disable CA2100
        command.CommandText = $"""
            SELECT "Id", "NhsNumber", "GivenName", "FamilyName", "DateOfBirth", "Phone", "Email", "RegisteredPracticeId", "SummaryProblems", "SummaryMedications", "SummaryAllergies", "IsSynthetic"
            FROM "Patients" WHERE {patients} ORDER BY "Id"{(postgres ? " FOR NO KEY UPDATE" : string.Empty)};
            SELECT "Id", "OdsCode", "Name" FROM "Practices" WHERE "Id" IN ({practiceIds});
            SELECT s."Id", s."SessionId", s."HubId", s."ClinicianIndex", s."StartUtc", s."EndUtc", s."Role", s."Mode", s."Status", se."Name", h."Code", h."Name", h."SiteName", h."Town", h."MaximumBookingAheadHours"
            FROM "Slots" AS s JOIN "Sessions" AS se ON se."Id" = s."SessionId" JOIN "Hubs" AS h ON h."Id" = s."HubId" WHERE s."Id" {In("slots")}{(postgres ? " ORDER BY s.\"Id\" FOR NO KEY UPDATE OF s" : string.Empty)};
            SELECT hp."HubId", hp."PracticeId", h."IsActive" FROM "HubPractices" AS hp JOIN "Hubs" AS h ON h."Id" = hp."HubId"
            WHERE hp."HubId" IN ({hubIds}) AND hp."PracticeId" IN ({practiceIds});
            SELECT a."PatientId", a."Id", a."StartUtc", a."EndUtc" FROM "Patients" AS p JOIN "Appointments" AS a ON a."PatientId" = p."Id" AND a."Status" = @booked WHERE {Patients("p")};
            """;
#pragma warning restore CA2100
        Add(command, "ids", keys.PatientIds, postgres);
        Add(command, "nhs", keys.NhsNumbers, postgres);
        Add(command, "ods", keys.OdsCodes, postgres);
        Add(command, "practices", keys.BookerPracticeIds, postgres);
        Add(command, "slots", keys.SlotIds, postgres);
        Add(command, "hubs", keys.BookerHubIds, postgres);
        var booked = command.CreateParameter();
        booked.ParameterName = "booked";
        booked.Value = nameof(AppointmentStatus.Booked); // enums are stored by name
        command.Parameters.Add(booked);

        var found = new Found([], [], [], [], [], [], []);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Patients.Add(new Patient
            {
                Id = reader.GetInt32(0),
                NhsNumber = reader.GetString(1),
                GivenName = reader.GetString(2),
                FamilyName = reader.GetString(3),
                DateOfBirth = reader.GetFieldValue<DateOnly>(4),
                Phone = StringOrNull(reader, 5),
                Email = StringOrNull(reader, 6),
                RegisteredPracticeId = reader.GetInt32(7),
                SummaryProblems = StringOrNull(reader, 8),
                SummaryMedications = StringOrNull(reader, 9),
                SummaryAllergies = StringOrNull(reader, 10),
                IsSynthetic = reader.GetBoolean(11),
            });
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Practices[reader.GetInt32(0)] = new PracticeFacts(reader.GetInt32(0), reader.GetString(1), reader.GetString(2));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var slot = new Slot
            {
                Id = reader.GetInt64(0),
                SessionId = reader.GetInt32(1),
                HubId = reader.GetInt32(2),
                ClinicianIndex = reader.GetInt32(3),
                StartUtc = Utc(reader, 4),
                EndUtc = Utc(reader, 5),
                Role = Enum.Parse<ClinicianRole>(reader.GetString(6)),
                Mode = Enum.Parse<DeliveryMode>(reader.GetString(7)),
                Status = Enum.Parse<SlotStatus>(reader.GetString(8)),
            };
            found.Slots[slot.Id] = slot;
            found.SessionNames[slot.SessionId] = reader.GetString(9);
            found.Hubs[slot.HubId] = new HubFacts(reader.GetString(10), reader.GetString(11), StringOrNull(reader, 12), StringOrNull(reader, 13), reader.IsDBNull(14) ? null : reader.GetInt32(14));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Links[(reader.GetInt32(0), reader.GetInt32(1))] = reader.GetBoolean(2);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var patientId = reader.GetInt32(0);
            if (!found.HeldByPatientId.TryGetValue(patientId, out var held))
            {
                found.HeldByPatientId[patientId] = held = [];
            }

            held.Add(new HeldAppointment(reader.GetInt64(1), Utc(reader, 2), Utc(reader, 3)));
        }

        return found;
    }

    private static void Add<T>(DbCommand command, string name, T[] values, bool postgres)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = postgres ? values : JsonSerializer.Serialize(values);
        command.Parameters.Add(parameter);
    }

    private static string? StringOrNull(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Instants are stored in UTC; SQLite hands them back unmarked.</summary>
    private static DateTime Utc(DbDataReader reader, int ordinal) => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);
}
