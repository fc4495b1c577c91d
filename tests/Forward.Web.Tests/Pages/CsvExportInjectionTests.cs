using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using CsvHelper;
using Forward.Web.Compliance;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Pages;

/// <summary>
/// Names people type (practices, networks, hubs, sessions) reach the CSV downloads, and a spreadsheet runs a cell that
/// starts with = + - @ (or a tab or carriage return before one) as a formula. Every download — each table of the access
/// dashboard, the appointments behind a figure, the online consultation measures — escapes such a cell with a leading
/// apostrophe; the audit download's own test is in AuditPageTests. Each cell is read back with a CSV parser, so quoting cannot hide an unescaped formula.
/// </summary>
public sealed class CsvExportInjectionTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string Week = "From=2026-06-08&To=2026-06-14";

    [Fact]
    public async Task Every_download_escapes_a_name_a_spreadsheet_would_run_as_a_formula()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practiceName = $"=HYPERLINK(\"http://example.com/{world.Prefix}\",\"practice\")";
        var networkName = $"@SUM(1+1) {world.Prefix} network";
        var hubName = $"\t+cmd|' /C calc'!A0 {world.Prefix}";
        var sessionName = $"-2+3 {world.Prefix} session";
        await world.WithDbAsync(async db =>
        {
            var practice = await db.Practices.SingleAsync(p => p.Id == world.PracticeA.Id);
            practice.Name = practiceName;
            (await db.Networks.SingleAsync(n => n.Id == world.PracticeA.NetworkId)).Name = networkName;
            (await db.Hubs.SingleAsync(h => h.Id == world.HubId)).Name = hubName;
            (await db.Sessions.SingleAsync(s => s.Id == world.SessionId)).Name = sessionName;
            return await db.SaveChangesAsync();
        });
        using (var api = await world.ClientAsync(world.PracticeStaffA))
        {
            var slot = (await world.FreeSlotsAsync())[0];
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode))).StatusCode);
        }

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var practice = $"Scope=practice:{world.PracticeA.Id}&{Week}";
        var network = $"Scope=pcn:{world.PracticeA.NetworkId}&{Week}";
        AssertEscaped(await CsvAsync(commissioner, $"/Compliance?handler=Csv&Table=children&{network}"), "Name", practiceName);
        AssertEscaped(await CsvAsync(commissioner, $"/Compliance?handler=Csv&Table=grid&{network}"), "Name", practiceName);
        AssertEscaped(await CsvAsync(commissioner, $"/Compliance?handler=Csv&Table=weeks&{practice}"), "Name", practiceName);
        AssertEscaped(await CsvAsync(commissioner, $"/Compliance?handler=Csv&Table=months&{practice}"), "Name", practiceName);
        AssertEscaped(await CsvAsync(commissioner, $"/Compliance?handler=Csv&Table=children&Scope=ccg:{world.CcgId}&{Week}"), "Name", networkName);
        AssertEscaped(await CsvAsync(commissioner, $"/Compliance?handler=Csv&Table=reminders&Scope=ccg:{world.CcgId}&{Week}"), "HubName", hubName);

        var bookings = await CsvAsync(commissioner, $"/Compliance/Bookings?handler=Csv&Scope=hub:{world.HubId}&{Week}&Session={world.SessionId}");
        AssertEscaped(bookings, "Hub", hubName);
        AssertEscaped(bookings, "Session", sessionName);

        var measures = await CsvAsync(commissioner, $"/Consultation/Measures?handler=Csv&From=2026-06-01&To=2026-06-07");
        AssertEscaped(measures, "PracticeName", practiceName);
        AssertEscaped(measures, "PcnName", networkName);
    }

    [Fact]
    public async Task The_bookings_download_lists_every_appointment_past_the_pages_limit()
    {
        var world = await TestWorld.CreateAsync(factory);
        var count = ComplianceQueries.MaxBookingRows + 1;
        await world.WithDbAsync(async db =>
        {
            var patient = new Forward.Domain.Patients.Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Many", FamilyName = "Bookings", DateOfBirth = new DateOnly(1980, 1, 1), RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(patient);
            var start = new DateTime(2026, 6, 8, 17, 30, 0, DateTimeKind.Utc);
            for (var i = 0; i < count; i++)
            {
                db.Appointments.Add(new Forward.Domain.Booking.Appointment { Patient = patient, HubId = world.HubId, StartUtc = start.AddSeconds(i), EndUtc = start.AddSeconds(i).AddMinutes(15), BookedBy = world.PracticeStaffA, CreatedUtc = start.AddDays(-1) });
            }

            return await db.SaveChangesAsync();
        });

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var page = (await commissioner.GetAsync($"/Compliance/Bookings?Scope=hub:{world.HubId}&{Week}")).Html;
        Assert.Contains(ComplianceQueries.MaxBookingRows.ToString("N0", CultureInfo.InvariantCulture), page, StringComparison.Ordinal);
        var rows = await CsvAsync(commissioner, $"/Compliance/Bookings?handler=Csv&Scope=hub:{world.HubId}&{Week}");
        Assert.Equal(count, rows.Count);
        Assert.Equal(count, rows.Select(r => r["AppointmentId"]).Distinct().Count());
    }

    private static void AssertEscaped(List<Dictionary<string, string>> rows, string column, string planted)
    {
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.True(row.ContainsKey(column), $"no column {column}"));
        Assert.Contains(rows, row => row[column] == "'" + planted);
        Assert.DoesNotContain(rows, row => row.Values.Any(cell => cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal) && !IsNumber(cell)));
    }

    /// <summary>A negative number is a value, not a formula.</summary>
    private static bool IsNumber(string cell) => decimal.TryParse(cell, NumberStyles.Number, CultureInfo.InvariantCulture, out _);

    private static async Task<List<Dictionary<string, string>>> CsvAsync(PageClient client, string url)
    {
        using var response = await client.Http.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);

        // A UTF-8 byte order mark first, or Excel reads the file as Windows-1252.
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes.Take(3));
        using var csv = CsvReader.FromText(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3), CsvReaderOptions.Default);
        var rows = new List<Dictionary<string, string>>();
        while (await csv.ReadAsync())
        {
            rows.Add(csv.Headers.ToDictionary(h => h, h => csv.GetString(h)));
        }

        return rows;
    }
}
