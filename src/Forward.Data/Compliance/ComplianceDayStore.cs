using System.Globalization;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Microsoft.EntityFrameworkCore;

namespace Forward.Data.Compliance;

/// <summary>
/// Keeps the compliance day summaries in the database in step with the slots and appointments they summarise, and reads
/// them back. A year's report then reads a row per practice, hub session and day instead of every slot and appointment
/// (ten million in an ICS-year). Each write happens in the caller's transaction, so a summary never disagrees with a
/// committed booking: a booking adds its contribution, a status change moves it, a rota change rewrites its hub's days.
/// Bulk loads (demo history, a new migration) rebuild everything with <see cref="RebuildAsync"/>.
/// </summary>
public static class ComplianceDayStore
{
    private static readonly BankHolidayCalendar BankHolidays = BankHolidayCalendar.England;

    /// <summary>The appointment counts a day row keeps: its column, and where the value comes from in the totals.</summary>
    public static readonly IReadOnlyList<(string Column, Func<ComplianceTotals, int> Value)> AppointmentCounts =
    [
        (nameof(AppointmentDayRow.UsedSlots), t => t.UsedSlots),
        (nameof(AppointmentDayRow.Booked), t => t.Booked),
        (nameof(AppointmentDayRow.Attended), t => t.Attended),
        (nameof(AppointmentDayRow.DidNotAttend), t => t.DidNotAttend),
        (nameof(AppointmentDayRow.Cancelled), t => t.Cancelled),
        (nameof(AppointmentDayRow.SameDay), t => t.SameDay),
        (nameof(AppointmentDayRow.PreBooked), t => t.PreBooked),
        (nameof(AppointmentDayRow.Remote), t => t.Remote),
        (nameof(AppointmentDayRow.FaceToFace), t => t.FaceToFace),
        (nameof(AppointmentDayRow.ViaPractice), t => t.ViaPractice),
        (nameof(AppointmentDayRow.ViaNhs111), t => t.ViaNhs111),
        (nameof(AppointmentDayRow.ViaHub), t => t.ViaHub),
        (nameof(AppointmentDayRow.ViaOnline), t => t.ViaOnline),
    ];

    private static readonly string[] CountColumns = AppointmentCounts.Select(c => c.Column).ToArray();

    private static readonly string UpsertSql = Upsert(1);

    /// <summary>
    /// Adds <paramref name="rows"/> day rows' counts to what is stored, inserting the rows not yet there. ON CONFLICT ...
    /// DO UPDATE is the same on SQLite (3.24+) and PostgreSQL: an atomic add, whoever gets there first. The rows' keys
    /// must differ (a statement may not update one row twice).
    /// </summary>
    private static string Upsert(int rows)
    {
        var width = CountColumns.Length + 4;
        var values = Enumerable.Range(0, rows).Select(r => "(" + string.Join(", ", Enumerable.Range(r * width, width).Select(i => "{" + i.ToString(CultureInfo.InvariantCulture) + "}")) + ")");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"""
            INSERT INTO "ComplianceAppointmentDays" ("PracticeId", "HubId", "SessionId", "Date", {string.Join(", ", CountColumns.Select(c => $"\"{c}\""))})
            VALUES {string.Join(", ", values)}
            ON CONFLICT ("PracticeId", "Date", "HubId", "SessionId") DO UPDATE SET {string.Join(", ", CountColumns.Select(c => $"\"{c}\" = \"ComplianceAppointmentDays\".\"{c}\" + excluded.\"{c}\""))}
            """);
    }

    private static readonly IReadOnlyList<BulkColumn<SessionDay>> SessionColumns =
    [
        new(nameof(SessionDayRow.HubId), d => d.HubId),
        new(nameof(SessionDayRow.SessionId), d => d.SessionId),
        new(nameof(SessionDayRow.Date), d => d.Date),
        new(nameof(SessionDayRow.StartingSlots), d => d.StartingSlots),
        new(nameof(SessionDayRow.ExtendedMinutes), d => d.ExtendedMinutes),
        new(nameof(SessionDayRow.TouchingSlots), d => d.TouchingSlots),
        new(nameof(SessionDayRow.EveningCover), d => FormatCover(d.EveningCover)),
    ];

    private static readonly IReadOnlyList<BulkColumn<AppointmentDay>> AppointmentColumns =
    [
        new(nameof(AppointmentDayRow.PracticeId), d => d.PracticeId),
        new(nameof(AppointmentDayRow.HubId), d => d.HubId),
        new(nameof(AppointmentDayRow.SessionId), d => d.SessionId),
        new(nameof(AppointmentDayRow.Date), d => d.Date),
        .. AppointmentCounts.Select(c => new BulkColumn<AppointmentDay>(c.Column, d => c.Value(d.Parts))),
    ];

    /// <summary>Appointments as the compliance rules see them: the patient's practice, the session of the slots held, the mode booked.</summary>
    public static IQueryable<BookedAppointment> Facts(IQueryable<Appointment> appointments) =>
        appointments.Select(a => new BookedAppointment(
            a.Id,
            a.Patient!.RegisteredPracticeId,
            a.HubId,
            a.Slots.OrderBy(s => s.SlotId).Select(s => s.Slot!.SessionId).FirstOrDefault(),
            a.StartUtc,
            a.CreatedUtc,
            a.Status,
            a.Channel,
            a.Mode,
            a.Slots.Count));

    /// <summary>One appointment as the compliance rules see it; null if there is none.</summary>
    public static async Task<BookedAppointment?> FactsAsync(ForwardDbContext db, long appointmentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var facts = await Facts(db.Appointments.AsNoTracking().Where(a => a.Id == appointmentId)).FirstOrDefaultAsync(ct);
        return facts is null ? null : AtLeastOneSlot(facts);
    }

    /// <summary>
    /// Adds new appointments' contributions to their days, as one statement of the bookings' <paramref name="batch"/>:
    /// the appointments of a day row added up first, rows in key order so two transactions take their row locks in one
    /// order.
    /// </summary>
    public static void Add(StatementBatch batch, IEnumerable<BookedAppointment> appointments)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(appointments);
        var rows = appointments.Select(a => ComplianceDaySummaries.Contribution(a, BankHolidays))
            .GroupBy(d => (d.PracticeId, d.HubId, d.SessionId, d.Date))
            .OrderBy(g => g.Key)
            .Select(g => Values(g.First(), Counts(ComplianceTotals.Sum(g.Select(d => d.Parts)))))
            .ToList();
        if (rows.Count > 0)
        {
            batch.Add(Upsert(rows.Count), [.. rows.SelectMany(r => r)]);
        }
    }

    /// <summary>Moves an appointment's contribution from its old status to its new one (in the transaction that changes it).</summary>
    public static Task ChangeStatusAsync(ForwardDbContext db, BookedAppointment before, AppointmentStatus after, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(before);
        var old = ComplianceDaySummaries.Contribution(before, BankHolidays);
        var now = ComplianceDaySummaries.Contribution(before with { Status = after }, BankHolidays);
        var oldCounts = Counts(old.Parts);
        var delta = Counts(now.Parts).Select((c, i) => c - oldCounts[i]).ToArray();
        return delta.All(d => d == 0) ? Task.CompletedTask : (Task)UpsertAsync(db, now, delta, ct);
    }

    /// <summary>
    /// Summarises the hubs' offered slots on the London dates <paramref name="from"/> to <paramref name="to"/> again and
    /// replaces the stored days: after slots are added, withdrawn, restored or reshaped (in the same transaction).
    /// </summary>
    public static async Task RefreshSessionDaysAsync(ForwardDbContext db, IReadOnlyCollection<int> hubIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hubIds);
        if (hubIds.Count == 0 || to < from)
        {
            return;
        }

        var ids = hubIds.Distinct().Order().ToList();

        // Two rota changes at one hub at once would each delete and insert the same days; take turns per hub.
        await LockHubsAsync(db, ids, ct);

        var startUtc = London.StartOfDayUtc(from);
        var endUtc = London.StartOfDayUtc(to.AddDays(1));

        // A slot is shorter than a day (even in a session across midnight), so one touching the first date started at most a day before.
        var earliest = startUtc.AddDays(-1);
        var slots = await OfferedSlots(db.Slots.Where(s => ids.Contains(s.HubId) && s.StartUtc >= earliest && s.StartUtc < endUtc))
            .ToListAsync(ct);
        var days = ComplianceDaySummaries.Sessions(slots, BankHolidays).Where(d => d.Date >= from && d.Date <= to).ToList();
        await db.Set<SessionDayRow>().Where(r => ids.Contains(r.HubId) && r.Date >= from && r.Date <= to).ExecuteDeleteAsync(ct);
        await BulkWriter.InsertReplacementsAsync<SessionDayRow, SessionDay>(db, days, SessionColumns, ct);
    }

    /// <summary>
    /// Makes the hubs this transaction's until it ends, so changes to their rota and slots take turns (PostgreSQL; a
    /// SQLite transaction already holds the only write lock). Taken in id order, so two transactions never wait on each
    /// other. NO KEY UPDATE, not UPDATE: the foreign-key checks of bookings at the hub take key-share locks on its row,
    /// which FOR UPDATE would make wait until the rota change commits.
    /// </summary>
    public static async Task LockHubsAsync(ForwardDbContext db, IReadOnlyCollection<int> hubIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hubIds);
        if (db.IsPostgres && hubIds.Count > 0)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"Hubs\" WHERE \"Id\" = ANY({0}) ORDER BY \"Id\" FOR NO KEY UPDATE", [hubIds.Distinct().Order().ToArray()], ct);
        }
    }

    /// <summary>
    /// Throws the stored days away and summarises every slot and appointment again, hub by hub, and works out when each
    /// hub's reminders began (in the caller's transaction): after a bulk load writes slots, appointments and sent
    /// reminders without going through the booking code and the outbox dispatcher.
    /// </summary>
    public static async Task<(int SessionDays, int AppointmentDays)> RebuildAsync(ForwardDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);

        // Every hub first, as rota changes and cancellations take a hub before its day rows: they wait for the rebuild
        // rather than deadlock with it.
        var hubIds = await db.Hubs.AsNoTracking().OrderBy(h => h.Id).Select(h => h.Id).ToListAsync(ct);
        await LockHubsAsync(db, hubIds, ct);
        await db.Set<SessionDayRow>().ExecuteDeleteAsync(ct);
        await db.Set<AppointmentDayRow>().ExecuteDeleteAsync(ct);
        var sessionDays = 0;
        var appointmentDays = 0;
        foreach (var hubId in hubIds)
        {
            var slots = await OfferedSlots(db.Slots.Where(s => s.HubId == hubId)).ToListAsync(ct);
            var days = ComplianceDaySummaries.Sessions(slots, BankHolidays);
            await BulkWriter.InsertReplacementsAsync<SessionDayRow, SessionDay>(db, days, SessionColumns, ct);
            sessionDays += days.Count;

            var appointments = await Facts(db.Appointments.AsNoTracking().Where(a => a.HubId == hubId)).ToListAsync(ct);
            var appointmentSummaries = ComplianceDaySummaries.Appointments(appointments.Select(AtLeastOneSlot), BankHolidays);
            await BulkWriter.InsertReplacementsAsync<AppointmentDayRow, AppointmentDay>(db, appointmentSummaries, AppointmentColumns, ct);
            appointmentDays += appointmentSummaries.Count;
        }

        // Bulk loads write sent reminders too: when each hub's reminders began is made again from them.
        await db.Database.ExecuteSqlRawAsync(RemindersSinceSql, ct);
        return (sessionDays, appointmentDays);
    }

    /// <summary>
    /// Each hub's <c>RemindersSinceUtc</c> from the reminders sent so far (the same SQL on SQLite and PostgreSQL; the
    /// migration that added the column ran a copy of it).
    /// </summary>
    private const string RemindersSinceSql = """
        UPDATE "Hubs" SET "RemindersSinceUtc" = (
            SELECT MIN(a."StartUtc") FROM "Appointments" a
            WHERE a."HubId" = "Hubs"."Id"
              AND EXISTS (SELECT 1 FROM "OutboxMessages" m WHERE m."AppointmentId" = a."Id" AND m."Kind" = 'Reminder' AND m."Status" = 'Sent'))
        """;

    /// <summary>The stored days of the hubs' sessions in the range.</summary>
    public static async Task<IReadOnlyList<SessionDay>> SessionDaysAsync(ForwardDbContext db, IQueryable<int> hubIds, DateRange range, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(range);
        var rows = await db.Set<SessionDayRow>().AsNoTracking()
            .Where(r => hubIds.Contains(r.HubId) && r.Date >= range.From && r.Date <= range.To)
            .ToListAsync(ct);
        return rows.Select(r => new SessionDay(r.HubId, r.SessionId, r.Date, r.StartingSlots, r.ExtendedMinutes, r.TouchingSlots, ParseCover(r.EveningCover))).ToList();
    }

    /// <summary>The last date after <paramref name="after"/> that one of the hubs has a session with slots on, if there is one.</summary>
    public static async Task<DateOnly?> LastSessionDateAsync(ForwardDbContext db, IQueryable<int> hubIds, DateOnly after, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Set<SessionDayRow>().Where(r => hubIds.Contains(r.HubId) && r.Date > after).MaxAsync(r => (DateOnly?)r.Date, ct);
    }

    /// <summary>
    /// The first date one of the hubs has a session with slots on, if there is one: each hub's first stored day is one
    /// seek on the key (hub, date, session), however many years of days are stored.
    /// </summary>
    public static async Task<DateOnly?> FirstSessionDateAsync(ForwardDbContext db, IQueryable<int> hubIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await hubIds
            .Select(id => db.Set<SessionDayRow>().Where(r => r.HubId == id).OrderBy(r => r.Date).Select(r => (DateOnly?)r.Date).FirstOrDefault())
            .MinAsync(ct);
    }

    /// <summary>The stored appointment days of the practices' patients in the range, at one hub or all.</summary>
    public static async Task<IReadOnlyList<AppointmentDay>> AppointmentDaysAsync(ForwardDbContext db, IQueryable<int> practiceIds, int? hubId, DateRange range, CancellationToken ct)
    {
        var rows = await AppointmentRows(db, practiceIds, hubId, range).ToListAsync(ct);
        return rows.Select(r => ToDay(r, r.Date)).ToList();
    }

    /// <summary>
    /// The same appointment counts added up over the whole range in the database: one summary per practice and hub
    /// session, dated on the range's first day. For a figure over the range only (not split into weeks), a year of an
    /// ICS is then a few hundred rows rather than one per practice, session and day.
    /// </summary>
    public static async Task<IReadOnlyList<AppointmentDay>> AppointmentRangeTotalsAsync(ForwardDbContext db, IQueryable<int> practiceIds, int? hubId, DateRange range, CancellationToken ct)
    {
        var rows = await AppointmentRows(db, practiceIds, hubId, range)
            .GroupBy(r => new { r.PracticeId, r.HubId, r.SessionId })
            .Select(g => new AppointmentDayRow
            {
                PracticeId = g.Key.PracticeId,
                HubId = g.Key.HubId,
                SessionId = g.Key.SessionId,
                UsedSlots = g.Sum(r => r.UsedSlots),
                Booked = g.Sum(r => r.Booked),
                Attended = g.Sum(r => r.Attended),
                DidNotAttend = g.Sum(r => r.DidNotAttend),
                Cancelled = g.Sum(r => r.Cancelled),
                SameDay = g.Sum(r => r.SameDay),
                PreBooked = g.Sum(r => r.PreBooked),
                Remote = g.Sum(r => r.Remote),
                FaceToFace = g.Sum(r => r.FaceToFace),
                ViaPractice = g.Sum(r => r.ViaPractice),
                ViaNhs111 = g.Sum(r => r.ViaNhs111),
                ViaHub = g.Sum(r => r.ViaHub),
                ViaOnline = g.Sum(r => r.ViaOnline),
            })
            .ToListAsync(ct);
        return rows.Select(r => ToDay(r, range.From)).ToList();
    }

    private static IQueryable<AppointmentDayRow> AppointmentRows(ForwardDbContext db, IQueryable<int> practiceIds, int? hubId, DateRange range)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(range);
        var query = db.Set<AppointmentDayRow>().AsNoTracking()
            .Where(r => practiceIds.Contains(r.PracticeId) && r.Date >= range.From && r.Date <= range.To);
        return hubId is { } hub ? query.Where(r => r.HubId == hub) : query;
    }

    private static AppointmentDay ToDay(AppointmentDayRow r, DateOnly date) => new(r.PracticeId, r.HubId, r.SessionId, date, new ComplianceTotals
    {
        UsedSlots = r.UsedSlots,
        Booked = r.Booked,
        Attended = r.Attended,
        DidNotAttend = r.DidNotAttend,
        Cancelled = r.Cancelled,
        SameDay = r.SameDay,
        PreBooked = r.PreBooked,
        Remote = r.Remote,
        FaceToFace = r.FaceToFace,
        ViaPractice = r.ViaPractice,
        ViaNhs111 = r.ViaNhs111,
        ViaHub = r.ViaHub,
        ViaOnline = r.ViaOnline,
    });

    private static IQueryable<OfferedSlot> OfferedSlots(IQueryable<Slot> slots) =>
        slots.Where(s => s.Status == SlotStatus.Free || s.Status == SlotStatus.Booked)
            .Select(s => new OfferedSlot(s.HubId, s.SessionId, s.StartUtc, s.EndUtc, s.Mode, s.Role, s.Status));

    private static BookedAppointment AtLeastOneSlot(BookedAppointment a) => a.SlotCount < 1 ? a with { SlotCount = 1 } : a;

    private static Task<int> UpsertAsync(ForwardDbContext db, AppointmentDay day, int[] counts, CancellationToken ct)
    {
        return db.Database.ExecuteSqlRawAsync(UpsertSql, Values(day, counts), ct);
    }

    private static object[] Values(AppointmentDay day, int[] counts) => [day.PracticeId, day.HubId, day.SessionId, day.Date, .. counts.Cast<object>()];

    /// <summary>The totals' appointment counts in the order of <see cref="AppointmentCounts"/>.</summary>
    public static int[] Counts(ComplianceTotals totals) => AppointmentCounts.Select(c => c.Value(totals)).ToArray();

    private static string FormatCover(IReadOnlyList<CoverInterval> cover) =>
        string.Join(';', cover.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.StartUtc.Ticks}-{c.EndUtc.Ticks}")));

    private static List<CoverInterval> ParseCover(string text) =>
        text.Length == 0
            ? []
            : text.Split(';').Select(pair =>
            {
                var dash = pair.IndexOf('-', StringComparison.Ordinal);
                return new CoverInterval(
                    new DateTime(long.Parse(pair.AsSpan(0, dash), CultureInfo.InvariantCulture), DateTimeKind.Utc),
                    new DateTime(long.Parse(pair.AsSpan(dash + 1), CultureInfo.InvariantCulture), DateTimeKind.Utc));
            }).ToList();
}
