using System.Net;
using Forward.Domain.Consultation;
using Forward.Domain.Navigation;
using Forward.Domain.Notifications;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Navigation;

/// <summary>
/// Online-consultation measures over hand-built requests. The week of 1 to 7 June 2026 is over when the test clock reads
/// 8 June, so every deadline in it has passed. Practice A (25,000 patients) and B (15,000) as TestWorld builds them.
/// </summary>
public sealed class ConsultationMeasuresTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string Week = "From=2026-06-01&To=2026-06-07";
    private static int sequence;

    private static DateTime Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, DateTimeKind.Utc);

    private static ConsultationRequest Request(int practiceId, DateTime submitted, DateTime deadline, DateTime? closed = null, ConsultationOutcome? outcome = null)
    {
        var n = Interlocked.Increment(ref sequence);
        return new ConsultationRequest
        {
            PracticeId = practiceId,
            Reference = $"MZ{n:D7}"[..9],
            NhsNumber = "9434765919",
            GivenName = "Test",
            FamilyName = "Patient",
            DateOfBirth = new DateOnly(1980, 1, 1),
            Kind = ConsultationKind.Admin,
            AdminType = AdminRequestType.FitNote,
            RedFlagAnswers = string.Empty,
            Status = closed is null ? ConsultationStatus.New : ConsultationStatus.Closed,
            SubmittedUtc = submitted,
            DeadlineUtc = deadline,
            ClosedUtc = closed,
            Outcome = outcome,
        };
    }

    private static OutboxMessage Message(long requestId, DateTime createdUtc, long? appointmentId = null) => new()
    {
        Kind = appointmentId is null ? NotificationKind.ConsultationMessage : NotificationKind.BookingConfirmation,
        Channel = NotificationChannel.Sms,
        ConsultationRequestId = appointmentId is null ? requestId : null,
        AppointmentId = appointmentId,
        TemplateId = "t",
        Personalisation = "{}",
        Recipient = "07700900123",
        DueUtc = createdUtc,
        CreatedUtc = createdUtc,
        Status = OutboxStatus.Sent,
        IdempotencyKey = $"measures-{Guid.NewGuid():N}",
    };

    /// <summary>
    /// A: five requests in the week (two on time, one late, one overdue and open, one not yet due), plus one from May
    /// closed late in the week; two signpostings. B: six requests, each closed on time two hours after it came in.
    /// </summary>
    private static Task<int> SeedAsync(TestWorld world) => world.WithDbAsync(async db =>
    {
        var a = world.PracticeA.Id;
        var b = world.PracticeB.Id;
        db.ConsultationRequests.AddRange(
            Request(a, Utc(6, 1, 9), Utc(6, 2, 17), Utc(6, 2, 9), ConsultationOutcome.SelfCare), // 24 h, on time
            Request(a, Utc(6, 2, 9), Utc(6, 3, 17), Utc(6, 4, 9), ConsultationOutcome.Pharmacy), // 48 h, late
            Request(a, Utc(6, 3, 9), Utc(6, 4, 17), Utc(6, 3, 21), ConsultationOutcome.SelfCare), // 12 h, on time
            Request(a, Utc(6, 4, 9), Utc(6, 5, 17)), // overdue, open
            Request(a, Utc(6, 7, 9), Utc(6, 9, 17)), // not yet due
            Request(a, Utc(5, 20, 9), Utc(5, 21, 17), Utc(6, 1, 10), ConsultationOutcome.Prescription), // 289 h, late, submitted before the week
            Request(a, Utc(6, 8, 7), Utc(6, 9, 17))); // after the week
        for (var i = 0; i < 6; i++)
        {
            db.ConsultationRequests.Add(Request(b, Utc(6, 2, 8 + i), Utc(6, 3, 17), Utc(6, 2, 10 + i), ConsultationOutcome.Closed));
        }

        // Each closed one told the patient the outcome as it closed, as the close form does.
        await db.SaveChangesAsync();
        foreach (var closed in db.ConsultationRequests.Local.Where(r => r.ClosedUtc is not null).ToList())
        {
            db.OutboxMessages.Add(Message(closed.Id, closed.ClosedUtc!.Value));
        }

        var service = new LocalService
        {
            Code = $"{world.Prefix}-MEASURE",
            CcgId = world.CcgId,
            Category = ServiceCategory.CommunityPharmacy,
            Name = "Pharmacy",
            WhoFor = "Anyone",
            HowToRefer = "Walk in",
            Hours = "9 to 5",
        };
        db.LocalServices.Add(service);
        await db.SaveChangesAsync();
        db.SignpostingRecords.AddRange(
            new SignpostingRecord { PracticeId = a, LocalServiceId = service.Id, Reason = SignpostingReason.MinorAilment, RecordedUtc = Utc(6, 3, 10), RecordedBy = "x" },
            new SignpostingRecord { PracticeId = a, LocalServiceId = service.Id, Reason = SignpostingReason.MinorAilment, RecordedUtc = Utc(6, 4, 10), RecordedBy = "x" },
            new SignpostingRecord { PracticeId = a, LocalServiceId = service.Id, Reason = SignpostingReason.MinorAilment, RecordedUtc = Utc(6, 8, 7), RecordedBy = "x" });
        return await db.SaveChangesAsync();
    });

    private static Dictionary<string, string> CsvRow(string csv, string ods)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var header = lines[0].Split(',');
        var row = lines.Skip(1).Select(l => l.Split(',')).Single(cells => cells.Contains(ods));
        return header.Zip(row).ToDictionary(p => p.First, p => p.Second);
    }

    [Fact]
    public async Task Practice_staff_see_exact_measures_for_their_practice()
    {
        var world = await TestWorld.CreateAsync(factory);
        await SeedAsync(world);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync($"/Consultation/Measures?{Week}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-requests>5<", html, StringComparison.Ordinal);
        Assert.Contains("data-per1000>0.20<", html, StringComparison.Ordinal); // 5 per 25,000
        Assert.Contains("data-within>40.0% (2 of 5)<", html, StringComparison.Ordinal);
        Assert.Contains("Median 36.0, mean 93.3", html, StringComparison.Ordinal); // 12, 24, 48, 289 hours
        Assert.Contains("data-signposted>2<", html, StringComparison.Ordinal);
        Assert.Matches("data-outcome=\"SelfCare\">[\\s\\S]*?data-count>2<[\\s\\S]*?data-share>50.0%<", html);
        Assert.Matches("data-outcome=\"Pharmacy\">[\\s\\S]*?data-count>1<[\\s\\S]*?data-share>25.0%<", html);
        Assert.Matches("data-outcome=\"Prescription\">[\\s\\S]*?data-count>1<[\\s\\S]*?data-share>25.0%<", html);
        Assert.Matches("data-outcome=\"BookAppointment\">[\\s\\S]*?data-count>0<", html);
        Assert.DoesNotContain($"data-practice=\"{world.PracticeB.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("plain elapsed hours", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// Closing tells the patient nothing: a request is answered by the first message to the patient, or the confirmation of
    /// an appointment booked from it, whenever (or whether) it was closed.
    /// </summary>
    [Fact]
    public async Task A_request_is_answered_within_the_deadline_by_a_reply_to_the_patient_in_time_not_by_being_closed_in_time()
    {
        var world = await TestWorld.CreateAsync(factory);
        var free = await world.FreeSlotsAsync();
        using var api = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await api.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), System.Net.Http.Json.JsonContent.Create(TestPatients.Booking(free[0].Id, world.PracticeA.OdsCode)));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var appointmentId = System.Text.Json.JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        using var bookedAgain = await api.PostAsync(new Uri("/api/v1/appointments", UriKind.Relative), System.Net.Http.Json.JsonContent.Create(TestPatients.Booking(free[1].Id, world.PracticeA.OdsCode)));
        Assert.Equal(HttpStatusCode.Created, bookedAgain.StatusCode);
        var unconfirmedId = System.Text.Json.JsonDocument.Parse(await bookedAgain.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        await world.WithDbAsync(async db =>
        {
            var a = world.PracticeA.Id;
            var silentOnTime = Request(a, Utc(6, 1, 9), Utc(6, 2, 17), Utc(6, 2, 9), ConsultationOutcome.SelfCare); // closed in time, never told: no
            var toldOpen = Request(a, Utc(6, 2, 9), Utc(6, 3, 17)); // told in time, still open and past its deadline: yes
            var toldClosedLate = Request(a, Utc(6, 3, 9), Utc(6, 4, 17), Utc(6, 5, 9), ConsultationOutcome.Pharmacy); // told in time, closed late: yes
            var toldLate = Request(a, Utc(6, 3, 10), Utc(6, 4, 17), Utc(6, 4, 18), ConsultationOutcome.Pharmacy); // told only as it closed, late: no
            var notDelivered = Request(a, Utc(6, 3, 11), Utc(6, 4, 17)); // a reply in time that the sender gave up on: no (old code: yes)
            var bookedOnTime = Request(a, Utc(6, 4, 9), Utc(6, 5, 17), Utc(6, 5, 9), ConsultationOutcome.BookAppointment); // booked, confirmed in time: yes
            bookedOnTime.BookedAppointmentId = appointmentId;

            // Booked in time for a patient with no mobile or email on record, so no confirmation could go: yes (the
            // booker tells them by phone; old code: no). Booked only after the deadline: no.
            var bookedUnconfirmed = Request(a, Utc(6, 4, 10), Utc(6, 5, 17), Utc(6, 5, 10), ConsultationOutcome.BookAppointment);
            bookedUnconfirmed.BookedAppointmentId = unconfirmedId;
            var bookedLate = Request(a, Utc(6, 4, 11), Utc(6, 5, 17), Utc(6, 6, 9), ConsultationOutcome.BookAppointment);
            bookedLate.BookedAppointmentId = unconfirmedId;
            db.ConsultationRequests.AddRange(silentOnTime, toldOpen, toldClosedLate, toldLate, notDelivered, bookedOnTime, bookedUnconfirmed, bookedLate);
            await db.SaveChangesAsync();
            var failed = Message(notDelivered.Id, Utc(6, 3, 12));
            failed.Status = OutboxStatus.Failed;
            db.OutboxMessages.AddRange(Message(toldOpen.Id, Utc(6, 3, 12)), Message(toldClosedLate.Id, Utc(6, 4, 12)), Message(toldLate.Id, Utc(6, 4, 18)), failed);
            await db.OutboxMessages.Where(m => m.AppointmentId == unconfirmedId).ExecuteDeleteAsync();
            await db.OutboxMessages.Where(m => m.AppointmentId == appointmentId && m.Kind == NotificationKind.BookingConfirmation)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.CreatedUtc, Utc(6, 5, 9)));
            await db.SaveChangesAsync();
        });
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync($"/Consultation/Measures?{Week}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-within>50.0% (4 of 8)<", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commissioners_see_their_ccg_by_pcn_and_practice_and_download_one_csv_row_per_practice()
    {
        var world = await TestWorld.CreateAsync(factory);
        await SeedAsync(world);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);

        var (status, html) = await commissioner.GetAsync($"/Consultation/Measures?{Week}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("data-requests>11<", html, StringComparison.Ordinal);
        Assert.Contains("data-per1000>0.28<", html, StringComparison.Ordinal); // 11 per 40,000 = 0.275
        Assert.Contains("data-within>72.7% (8 of 11)<", html, StringComparison.Ordinal);
        Assert.Contains($"data-network=\"{world.PracticeA.NetworkId}\"", html, StringComparison.Ordinal);
        Assert.Matches($"data-practice=\"{world.PracticeB.Id}\">[\\s\\S]*?data-per1000>0.40<[\\s\\S]*?data-within>100.0%<", html);

        var csv = await commissioner.Http.GetAsync(new Uri($"/Consultation/Measures?handler=Csv&{Week}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Equal(3, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header and two practices
        var a = CsvRow(text, world.PracticeA.OdsCode);
        Assert.Equal("2026-06-01", a["PeriodFrom"]);
        Assert.Equal("25000", a["ListSize"]);
        Assert.Equal("5", a["Requests"]);
        Assert.Equal("0.2", a["RequestsPer1000"]);
        Assert.Equal("5", a["Due"]);
        Assert.Equal("2", a["AnsweredWithinDeadline"]);
        Assert.Equal("0.4", a["ShareWithinDeadline"]);
        Assert.Equal("2", a["SelfCare"]);
        Assert.Equal("1", a["Pharmacy"]);
        Assert.Equal("1", a["Prescription"]);
        Assert.Equal("36", a["MedianHoursToClose"]);
        Assert.Equal("93.3", a["MeanHoursToClose"]);
        Assert.Equal("2", a["Signposted"]);
        var b = CsvRow(text, world.PracticeB.OdsCode);
        Assert.Equal("6", b["Requests"]);
        Assert.Equal("0.4", b["RequestsPer1000"]);
        Assert.Equal("1", b["ShareWithinDeadline"]);
        Assert.Equal("6", b["ClosedOther"]);
        Assert.Equal("2", b["MedianHoursToClose"]);
    }

    [Fact]
    public async Task The_csv_is_named_for_its_ccg_or_practice_as_well_as_its_range()
    {
        // Old code: forward-online-consultation-FROM-TO-stamp.csv for the CCG and for each practice alike.
        var world = await TestWorld.CreateAsync(factory);
        var ccgCode = await world.WithDbAsync(db => db.Ccgs.Where(c => c.Id == world.CcgId).Select(c => c.OdsCode).SingleAsync());
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        static async Task<string?> NameAsync(PageClient client, string query)
        {
            var response = await client.Http.GetAsync(new Uri("/Consultation/Measures?handler=Csv&" + query, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        }

        const string Stamp = "-[0-9]{8}-[0-9]{4}\\.csv$";
        Assert.Matches($"^forward-online-consultation-ccg-{ccgCode}-2026-06-01-2026-06-07{Stamp}", await NameAsync(commissioner, Week));
        Assert.Matches($"^forward-online-consultation-practice-{world.PracticeA.OdsCode}-2026-06-01-2026-06-07{Stamp}", await NameAsync(commissioner, $"{Week}&Practice={world.PracticeA.Id}"));
        Assert.Matches($"^forward-online-consultation-practice-{world.PracticeB.OdsCode}-2026-06-01-2026-06-07{Stamp}", await NameAsync(staff, Week));
    }

    [Fact]
    public async Task Another_practice_or_ccg_is_refused_with_403()
    {
        var world = await TestWorld.CreateAsync(factory);
        var other = await TestWorld.CreateAsync(factory);
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffB.GetAsync($"/Consultation/Measures?Practice={world.PracticeA.Id}&{Week}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffB.GetAsync($"/Consultation/Measures?handler=Csv&Practice={world.PracticeA.Id}&{Week}")).Status);

        using var otherCommissioner = await PageClient.SignedInAsync(factory, other.Commissioner);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherCommissioner.GetAsync($"/Consultation/Measures?Practice={world.PracticeA.Id}&{Week}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await otherCommissioner.GetAsync($"/Consultation/Measures?Practice=999999&{Week}")).Status);

        // A practice that is not even a number (a hand-edited address) is the page's error: it comes from a link.
        var (unreadableStatus, unreadable) = await otherCommissioner.GetAsync($"/Consultation/Measures?Practice=oak&{Week}");
        Assert.Equal(HttpStatusCode.OK, unreadableStatus);
        Assert.Contains("Choose a practice from the table", unreadable, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#Practice\"", unreadable, StringComparison.Ordinal);

        using var hub = await PageClient.SignedInAsync(factory, world.HubClinician);
        var refused = await hub.GetAsync($"/Consultation/Measures?{Week}");
        Assert.True(refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, refused.Status.ToString());
    }

    [Theory]
    [InlineData("From=2026-06-07&To=2026-06-01", "The end date must be the same as or after the start date")]
    [InlineData("From=2025-01-01&To=2026-06-01", "The date range can be at most 366 days")]
    [InlineData("From=2026-06-01", "Enter an end date")]
    [InlineData("From=2026-13-01&To=2026-06-01", "Enter a real &#x27;from&#x27; date")]
    public async Task The_range_is_validated(string query, string message)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (status, html) = await staff.GetAsync($"/Consultation/Measures?{query}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("There is a problem", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
    }
}
