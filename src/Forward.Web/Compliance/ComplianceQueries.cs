using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Compliance;

/// <summary>The levels a compliance figure is asked for; <see cref="Session"/> appears only as a hub's child.</summary>
public enum ComplianceLevel
{
    Ics,
    Ccg,
    Pcn,
    Practice,
    Hub,
    Session,
}

/// <summary>The organisation a report is about.</summary>
public sealed record ComplianceEntity(ComplianceLevel Level, int Id, string Code, string Name);

/// <summary>One row beneath a report's figure: its parts add up to the parent's (minutes, slots, appointments, population).</summary>
public sealed record ComplianceChild(ComplianceEntity Entity, ComplianceFigures Figures);

/// <summary>
/// A report: the entity's figures over the range, and its children for drill-down. <see cref="PlannedThrough"/> is the
/// last date slots are planned for; figures taking in later days are not rated. <see cref="RecordsFrom"/> is the first
/// date Forward holds slots for the entity's hubs; figures starting before it are not rated either. Null means the hubs have
/// no slots at all (or there are no hubs): nothing is offered, so the figures are rated as usual.
/// </summary>
public sealed record ComplianceReport(ComplianceEntity Entity, DateRange Range, ComplianceFigures Figures, IReadOnlyList<ComplianceChild> Children, DateOnly PlannedThrough, DateOnly? RecordsFrom)
{
    /// <summary>Whether the range starts before Forward holds slots for the entity's hubs.</summary>
    public bool StartsBeforeRecords => ComplianceQueries.StartsBeforeRecords(Range, RecordsFrom);
}

/// <summary>One week (Monday to Sunday, clipped to the range) of a weekly trend.</summary>
public sealed record ComplianceWeek(DateRange Week, ComplianceFigures Figures);

/// <summary>An entity's weekly trend.</summary>
public sealed record ComplianceTrend(ComplianceEntity Entity, IReadOnlyList<ComplianceWeek> Weeks);

/// <summary>How a trend is cut: calendar weeks (Monday to Sunday) or calendar months, clipped to the range.</summary>
public enum TrendPeriod
{
    Week,
    Month,
}

/// <summary>One period of a series: the entity's figures and each child's, so a heat grid can show child × period.</summary>
public sealed record CompliancePeriod(DateRange Period, ComplianceFigures Figures, IReadOnlyList<ComplianceChild> Children);

/// <summary>An entity's figures period by period.</summary>
public sealed record ComplianceSeries(ComplianceEntity Entity, TrendPeriod Period, IReadOnlyList<CompliancePeriod> Periods);

/// <summary>A hub's missed-appointment rate before and after its reminders began, named for display.</summary>
public sealed record HubReminderRow(ComplianceEntity Hub, HubReminderEffect Effect);

/// <summary>
/// One appointment behind a figure, without patient identity: enough to check a count (when, where, status, channel,
/// mode, the registered practice it counts for), not to identify anyone.
/// </summary>
public sealed record ComplianceBooking(long AppointmentId, DateTime StartUtc, DateTime CreatedUtc, string HubName, string? SessionName, string PracticeOds, Forward.Domain.Booking.AppointmentStatus Status, Forward.Domain.Booking.BookingChannel Channel, Forward.Domain.Hubs.DeliveryMode Mode);

/// <summary>The appointments behind an entity's figures (capped), and how many there were in all; <see cref="Session"/> when one session's.</summary>
public sealed record ComplianceBookings(ComplianceEntity Entity, DateRange Range, ComplianceEntity? Session, int Total, IReadOnlyList<ComplianceBooking> Rows);

/// <summary>Every appointment behind an entity's figures, read as it is enumerated (once): for a download.</summary>
public sealed record ComplianceBookingExport(ComplianceEntity Entity, DateRange Range, IAsyncEnumerable<ComplianceBooking> Rows);

/// <summary>The hubs' reminder effect for an entity's patients.</summary>
public sealed record ComplianceReminders(ComplianceEntity Entity, IReadOnlyList<HubReminderRow> Hubs);

/// <summary>Everything the dashboard shows, from one read of the data.</summary>
public sealed record ComplianceDashboard(ComplianceReport Report, ComplianceSeries Series, IReadOnlyList<HubReminderRow> Reminders);

/// <summary>An entity a user may choose on the dashboard.</summary>
public sealed record ComplianceOption(ComplianceEntity Entity, string Label);

/// <summary>
/// Loads what the compliance ledger needs from the database, for one entity and one date range, and builds the ledger.
/// Every query is projected, untracked and set-based (subqueries, never a query per row), so a CCG over a year reads
/// its slots and appointments in one pass each. The measures themselves are the domain's (<see cref="ComplianceLedger"/>).
/// </summary>
public sealed class ComplianceQueries(ForwardDbContext db, TimeProvider clock, IOptions<SlotOptions> slotOptions)
{
    /// <summary>The longest range the API and dashboard accept.</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// Whether a range starts before <paramref name="recordsFrom"/>, the first date Forward holds slots for. Its earlier
    /// days have no slots recorded, not none offered, so its figures are not rated. Hubs with no slots at all (null), or
    /// a practice no hub serves, are rated as they are: nothing is offered there, which is what Red is for.
    /// </summary>
    public static bool StartsBeforeRecords(DateRange range, DateOnly? recordsFrom)
    {
        ArgumentNullException.ThrowIfNull(range);
        return recordsFrom is { } first && range.From < first;
    }

    /// <summary>
    /// Checks a requested range; when both ends are missing, the four weeks up to the end of this week. The rules need
    /// England's bank holidays, so a range outside the years the calendar lists is refused rather than judged as if its
    /// bank holidays were ordinary days.
    /// </summary>
    public DateRange Range(DateOnly? from, DateOnly? to)
    {
        var range = DateRange.FromRequest(from, to, London.Today(clock), MaxDays);
        var calendar = BankHolidayCalendar.England;
        if (!calendar.Covers(range.From) || !calendar.Covers(range.To))
        {
            throw ValidationFailedException.On(calendar.Covers(range.From) ? "to" : "from", string.Create(CultureInfo.InvariantCulture, $"Choose dates from 1 January {calendar.FirstYear} to 31 December {calendar.LastYear}: Forward knows England's bank holidays for those years only"));
        }

        return range;
    }

    /// <summary>
    /// The entity, if it exists and the actor may see it: 404 when unknown, 403 when not theirs. Commissioners see their
    /// CCG and everything in it, and their ICS as a whole (its CCGs side by side, as the ICS reports them to NHS
    /// England); practice staff see their own practice.
    /// </summary>
    public async Task<ComplianceEntity> AuthoriseAsync(ComplianceLevel level, int id, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var query = FoundQuery(level, [id]) ?? throw DomainException.Invalid("unknown-level", "Choose a level: ics, ccg, pcn, practice or hub.");
        var found = await query.FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("compliance-entity-not-found", $"There is no {level.ToString().ToLowerInvariant()} {id}.");
        return Allows(actor, level, found, await ActorsSystemAsync(actor, level, ct))
            ? found.Entity
            : throw DomainException.Forbidden("compliance-not-yours", "You can see the figures of your own ICS, CCG or practice only.");
    }

    /// <summary>
    /// The ids of the entities (all of one level) whose own figures the actor may open, by the rule of
    /// <see cref="AuthoriseAsync"/>, in one query: a drill-down links only rows that will not be refused.
    /// </summary>
    public async Task<IReadOnlySet<int>> OpenableAsync(IReadOnlyList<ComplianceEntity> entities, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(actor);
        if (entities.Count == 0 || FoundQuery(entities[0].Level, entities.Select(e => e.Id).ToList()) is not { } query)
        {
            return new HashSet<int>();
        }

        var level = entities[0].Level;
        var system = await ActorsSystemAsync(actor, level, ct);
        return (await query.ToListAsync(ct)).Where(f => Allows(actor, level, f, system)).Select(f => f.Entity.Id).ToHashSet();
    }

    /// <summary>
    /// Who may see an entity's figures: commissioners their CCG and everything in it, and their ICS as a whole; practice
    /// staff their own practice.
    /// </summary>
    private static bool Allows(Actor actor, ComplianceLevel level, Found found, int? actorsSystem) => actor switch
    {
        { IsCommissioner: true, CcgId: not null } when level == ComplianceLevel.Ics => actorsSystem == found.SystemId,
        { IsCommissioner: true, CcgId: { } ccg } => ccg == found.CcgId,
        { IsPracticeStaff: true, PracticeId: { } practice } => level == ComplianceLevel.Practice && found.PracticeId == practice,
        _ => false,
    };

    /// <summary>The ICS of a commissioner's CCG, needed only to judge an ICS.</summary>
    private async Task<int?> ActorsSystemAsync(Actor actor, ComplianceLevel level, CancellationToken ct) =>
        level == ComplianceLevel.Ics && actor is { IsCommissioner: true, CcgId: { } ccg }
            ? await db.Ccgs.Where(c => c.Id == ccg).Select(c => (int?)c.CareSystemId).FirstOrDefaultAsync(ct)
            : null;

    /// <summary>The entities of one level with the ids, and where each sits; null for a level with no figures of its own.</summary>
    private IQueryable<Found>? FoundQuery(ComplianceLevel level, IReadOnlyCollection<int> ids) => level switch
    {
        ComplianceLevel.Ics => db.CareSystems.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new Found(new ComplianceEntity(ComplianceLevel.Ics, s.Id, s.Code, s.Name), s.Id, null, null)),
        ComplianceLevel.Ccg => db.Ccgs.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new Found(new ComplianceEntity(ComplianceLevel.Ccg, c.Id, c.OdsCode, c.Name), c.CareSystemId, c.Id, null)),
        ComplianceLevel.Pcn => db.Networks.AsNoTracking().Where(n => ids.Contains(n.Id))
            .Select(n => new Found(new ComplianceEntity(ComplianceLevel.Pcn, n.Id, n.Code, n.Name), n.Ccg!.CareSystemId, n.CcgId, null)),
        ComplianceLevel.Practice => db.Practices.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new Found(new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name), p.Network!.Ccg!.CareSystemId, p.Network.CcgId, p.Id)),
        ComplianceLevel.Hub => db.Hubs.AsNoTracking().Where(h => ids.Contains(h.Id))
            .Select(h => new Found(new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name), h.Ccg!.CareSystemId, h.CcgId, null)),
        _ => null,
    };

    /// <summary>The entity's figures over the range, with its children.</summary>
    public async Task<ComplianceReport> ReportAsync(ComplianceLevel level, int id, DateRange range, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var entity = await AuthoriseAsync(level, id, actor, ct);
        var loaded = await LoadAsync(entity, range, [range], ct);
        return Report(entity, loaded, await ChildEntitiesAsync(entity, ct));
    }

    /// <summary>The entity's figures week by week (Monday to Sunday, clipped to the range); the data is read once.</summary>
    public async Task<ComplianceTrend> WeeksAsync(ComplianceLevel level, int id, DateRange range, Actor actor, CancellationToken ct)
    {
        var series = await SeriesAsync(level, id, range, TrendPeriod.Week, actor, ct);
        return new ComplianceTrend(series.Entity, series.Periods.Select(p => new ComplianceWeek(p.Period, p.Figures)).ToList());
    }

    /// <summary>The entity's figures, and each child's, week by week or month by month; the data is read once.</summary>
    public async Task<ComplianceSeries> SeriesAsync(ComplianceLevel level, int id, DateRange range, TrendPeriod period, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var entity = await AuthoriseAsync(level, id, actor, ct);
        var loaded = await LoadAsync(entity, range, Periods(range, period), ct);
        return Series(entity, loaded, await ChildEntitiesAsync(entity, ct), period);
    }

    /// <summary>The report, the series and the hubs' reminder effect, from one read of the data.</summary>
    public async Task<ComplianceDashboard> DashboardAsync(ComplianceLevel level, int id, DateRange range, TrendPeriod period, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var entity = await AuthoriseAsync(level, id, actor, ct);
        var loaded = await LoadAsync(entity, range, Periods(range, period), ct);
        var children = await ChildEntitiesAsync(entity, ct);
        return new ComplianceDashboard(
            Report(entity, loaded, children),
            Series(entity, loaded, children, period),
            await RemindersAsync(loaded, actor, ct));
    }

    /// <summary>Each hub's missed-appointment rate before and after its reminders began, for the entity's patients.</summary>
    public async Task<ComplianceReminders> RemindersAsync(ComplianceLevel level, int id, DateRange range, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var entity = await AuthoriseAsync(level, id, actor, ct);
        return new ComplianceReminders(entity, await RemindersAsync(await LoadAsync(entity, range, [range], ct), actor, ct));
    }

    /// <summary>
    /// The report and its weekly trend for an entity from one read of the data, without authorisation: for a caller
    /// that authorised a parent (an ICS) and reports on its parts (its CCGs) — the assurance report.
    /// </summary>
    public async Task<(ComplianceReport Report, ComplianceSeries Weeks)> ReportAndWeeksUncheckedAsync(ComplianceEntity entity, DateRange range, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(range);
        var loaded = await LoadAsync(entity, range, Periods(range, TrendPeriod.Week), ct);
        var children = await ChildEntitiesAsync(entity, ct);
        return (Report(entity, loaded, children), Series(entity, loaded, children, TrendPeriod.Week));
    }

    /// <summary>The entities one level down (an ICS's CCGs, a CCG's PCNs, ...), without authorisation.</summary>
    public Task<IReadOnlyList<ComplianceEntity>> ChildrenOfAsync(ComplianceEntity entity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return ChildEntitiesAsync(entity, ct);
    }

    /// <summary>The most appointment rows <see cref="BookingsAsync"/> lists; the total is always given.</summary>
    public const int MaxBookingRows = 2000;

    /// <summary>
    /// The appointments an entity's appointment figures count — the same selection as the report (its patients'
    /// appointments starting in the range; a hub's: at that hub), optionally one session's — soonest first. A session
    /// must be one of the hubs' the figures count (a hub's own); any other is refused, not listed as having none.
    /// </summary>
    public async Task<ComplianceBookings> BookingsAsync(ComplianceLevel level, int id, DateRange range, int? sessionId, Actor actor, CancellationToken ct)
    {
        var (entity, session, query) = await BookingsQueryAsync(level, id, range, sessionId, actor, ct);
        var total = await query.CountAsync(ct);
        var rows = await BookingRows(query).Take(MaxBookingRows).ToListAsync(ct);
        return new ComplianceBookings(entity, range, session, total, rows);
    }

    /// <summary>The same appointments as <see cref="BookingsAsync"/>, all of them, streamed: the CSV download has no cap.</summary>
    public async Task<ComplianceBookingExport> AllBookingsAsync(ComplianceLevel level, int id, DateRange range, int? sessionId, Actor actor, CancellationToken ct)
    {
        var (entity, _, query) = await BookingsQueryAsync(level, id, range, sessionId, actor, ct);
        return new ComplianceBookingExport(entity, range, BookingRows(query).AsAsyncEnumerable());
    }

    /// <summary>
    /// What a bookings list's address naming a session it cannot list is answered with (the page has no form, so no field
    /// to point to): an id that is not a number, or not a session of the hubs the scope's figures count.
    /// </summary>
    public const string SessionAddressNotValid = "The address of this page is not valid: open this list from the access dashboard";

    private async Task<(ComplianceEntity Entity, ComplianceEntity? Session, IQueryable<Appointment> Query)> BookingsQueryAsync(ComplianceLevel level, int id, DateRange range, int? sessionId, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        if (level == ComplianceLevel.Ics)
        {
            // An ICS view shows other CCGs side by side; their appointment-level detail stays with their commissioners.
            throw ValidationFailedException.On("level", "Choose a CCG, PCN, practice or hub to list its appointments");
        }

        var entity = await AuthoriseAsync(level, id, actor, ct);
        var query = ReportAppointments(entity, range);
        if (sessionId is not { } wanted)
        {
            return (entity, null, query);
        }

        var hubIds = ScopeHubIds(entity, ScopePracticeIds(entity));
        var session = await db.Sessions.AsNoTracking().Where(s => s.Id == wanted && hubIds.Contains(s.HubId))
            .Select(s => new ComplianceEntity(ComplianceLevel.Session, s.Id, "S" + s.Id, s.Name))
            .FirstOrDefaultAsync(ct)
            ?? throw ValidationFailedException.On("session", SessionAddressNotValid);
        return (entity, session, query.Where(a => a.Slots.Any(s => s.Slot!.SessionId == wanted)));
    }

    private static IQueryable<ComplianceBooking> BookingRows(IQueryable<Appointment> query) =>
        query.OrderBy(a => a.StartUtc).ThenBy(a => a.Id)
            .Select(a => new ComplianceBooking(
                a.Id,
                a.StartUtc,
                a.CreatedUtc,
                a.Hub!.Name,
                a.Slots.Select(s => s.Slot!.Session!.Name).FirstOrDefault(),
                a.Patient!.RegisteredPractice!.OdsCode,
                a.Status,
                a.Channel,
                a.Mode));

    /// <summary>
    /// What the actor may choose on the dashboard: a commissioner's CCG, its ICS, its PCNs, practices and hubs; a
    /// practice. The first is the default.
    /// </summary>
    public async Task<IReadOnlyList<ComplianceOption>> OptionsAsync(Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is { IsPracticeStaff: true, PracticeId: { } practiceId })
        {
            return await db.Practices.AsNoTracking().Where(p => p.Id == practiceId)
                .Select(p => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name), p.Name + " (" + p.OdsCode + ")"))
                .ToListAsync(ct);
        }

        if (actor is not { IsCommissioner: true, CcgId: { } ccgId })
        {
            return [];
        }

        var ccgs = await db.Ccgs.AsNoTracking().Where(c => c.Id == ccgId)
            .Select(c => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Ccg, c.Id, c.OdsCode, c.Name), "CCG: " + c.Name)).ToListAsync(ct);
        var systems = await db.Ccgs.AsNoTracking().Where(c => c.Id == ccgId).Select(c => c.CareSystem!)
            .Select(s => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Ics, s.Id, s.Code, s.Name), "ICS: " + s.Name)).ToListAsync(ct);
        var pcns = await db.Networks.AsNoTracking().Where(n => n.CcgId == ccgId).OrderBy(n => n.Name)
            .Select(n => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Pcn, n.Id, n.Code, n.Name), "PCN: " + n.Name + " (" + n.Locality + ")")).ToListAsync(ct);
        var practices = await db.Practices.AsNoTracking().Where(p => p.Network!.CcgId == ccgId).OrderBy(p => p.Name)
            .Select(p => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name), "Practice: " + p.Name + " (" + p.OdsCode + ")")).ToListAsync(ct);
        var hubs = await db.Hubs.AsNoTracking().Where(h => h.CcgId == ccgId).OrderBy(h => h.Name)
            .Select(h => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name), "Hub: " + h.Name)).ToListAsync(ct);
        return [.. ccgs, .. systems, .. pcns, .. practices, .. hubs];
    }

    private static ComplianceReport Report(ComplianceEntity entity, Loaded loaded, IReadOnlyList<ComplianceEntity> children)
    {
        var ledger = ComplianceLedger.Build(loaded.Days, BankHolidayCalendar.England);
        var range = loaded.Days.Range;
        var figures = EntityFigures(entity, loaded, ledger);
        var childFigures = ChildFigures(entity, loaded, ledger, children);
        var reason = Unrecorded(range, loaded) ?? (range.IsRateable ? (RatingWithheld?)null : RatingWithheld.ShortRange);
        return new ComplianceReport(entity, range, Withhold(figures, reason), Withhold(childFigures, reason), loaded.PlannedThrough, loaded.RecordsFrom);
    }

    private static ComplianceSeries Series(ComplianceEntity entity, Loaded loaded, IReadOnlyList<ComplianceEntity> children, TrendPeriod period)
    {
        var periods = loaded.Days.Split(Periods(loaded.Days.Range, period))
            .Select(days =>
            {
                var ledger = ComplianceLedger.Build(days, BankHolidayCalendar.England);
                var figures = EntityFigures(entity, loaded, ledger);
                var childFigures = ChildFigures(entity, loaded, ledger, children);
                var reason = Unrecorded(days.Range, loaded)
                    ?? (period == TrendPeriod.Week && !days.Range.IsWholeWeek ? RatingWithheld.PartWeek
                    : period == TrendPeriod.Month && !days.Range.IsRateable ? RatingWithheld.PartMonth
                    : (RatingWithheld?)null);
                return new CompliancePeriod(days.Range, Withhold(figures, reason), Withhold(childFigures, reason));
            })
            .ToList();
        return new ComplianceSeries(entity, period, periods);
    }

    /// <summary>
    /// Why figures over <paramref name="range"/> are not rated for days Forward has no slots recorded for, if they are
    /// not: days before the hubs' first slots, or after the last planned. Those days count as no capacity, which is
    /// not what was or will be offered.
    /// </summary>
    private static RatingWithheld? Unrecorded(DateRange range, Loaded loaded) =>
        StartsBeforeRecords(range, loaded.RecordsFrom) ? RatingWithheld.BeforeRecords
        : range.To > loaded.PlannedThrough ? RatingWithheld.NotYetPlanned
        : null;

    private static ComplianceFigures EntityFigures(ComplianceEntity entity, Loaded loaded, ComplianceLedger ledger)
    {
        var figures = ledger.Figures(TotalsOf(entity, loaded, ledger));
        return loaded.SharedHub ? figures.WithoutRating(RatingWithheld.Share) : figures;
    }

    /// <summary>Figures not rated for <paramref name="reason"/>, unless they are already not rated for a reason of their own.</summary>
    private static ComplianceFigures Withhold(ComplianceFigures figures, RatingWithheld? reason) =>
        reason is { } r && figures.Withheld is null ? figures.WithoutRating(r) : figures;

    private static List<ComplianceChild> Withhold(IEnumerable<ComplianceChild> children, RatingWithheld? reason) =>
        children.Select(c => c with { Figures = Withhold(c.Figures, reason) }).ToList();

    /// <summary>
    /// Each hub's missed-appointment rate before and after its first reminded appointment, over the report's appointments
    /// (so a practice sees its own patients' rate at each hub, a CCG its patients'), from the loaded appointment days.
    /// At ICS level only the actor's own CCG's hubs are listed: a hub is detail, and another CCG's stays with its
    /// commissioners (as its own page does).
    /// </summary>
    private async Task<IReadOnlyList<HubReminderRow>> RemindersAsync(Loaded loaded, Actor actor, CancellationToken ct)
    {
        var range = loaded.Days.Range;
        var ownCcg = loaded.Entity.Level == ComplianceLevel.Ics ? actor.CcgId ?? -1 : (int?)null;
        var loadedHubIds = loaded.Days.Hubs.Select(h => h.HubId).ToList();
        var hubs = await db.Hubs.AsNoTracking().Where(h => loadedHubIds.Contains(h.Id) && (ownCcg == null || h.CcgId == ownCcg))
            .Select(h => new { Entity = new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name), h.RemindersSinceUtc })
            .ToListAsync(ct);
        var hubIds = hubs.Select(h => h.Entity.Id).ToList();
        var since = hubs.Where(h => h.RemindersSinceUtc is not null)
            .ToDictionary(h => h.Entity.Id, h => DateTime.SpecifyKind(h.RemindersSinceUtc!.Value, DateTimeKind.Utc));

        // The loaded counts are added up by period, which may straddle the day a hub's reminders began: for such a hub
        // the days before and after that day are added up afresh, and the day itself is split at the instant from its
        // appointments. A hub whose reminders began outside the range keeps the loaded counts, all on one side.
        var days = loaded.Days.Appointments.Where(d => !since.TryGetValue(d.HubId, out var first) || !range.Contains(London.DateOf(first))).ToList();
        var firstDays = new Dictionary<int, (AttendanceOutcomes Before, AttendanceOutcomes After)>();
        var scope = ScopePracticeIds(loaded.Entity);
        foreach (var (hubId, first) in since)
        {
            var date = London.DateOf(first);
            if (!range.Contains(date))
            {
                continue;
            }

            if (date > range.From)
            {
                days.AddRange(await ComplianceDayStore.AppointmentRangeTotalsAsync(db, scope, hubId, new DateRange(range.From, date.AddDays(-1)), ct));
            }

            if (date < range.To)
            {
                days.AddRange(await ComplianceDayStore.AppointmentRangeTotalsAsync(db, scope, hubId, new DateRange(date.AddDays(1), range.To), ct));
            }

            var dayStart = London.StartOfDayUtc(date);
            var dayEnd = London.StartOfDayUtc(date.AddDays(1));
            var onDay = await ReportAppointments(loaded.Entity, range)
                .Where(a => a.HubId == hubId && a.StartUtc >= dayStart && a.StartUtc < dayEnd)
                .Select(a => new { a.StartUtc, a.Status })
                .ToListAsync(ct);
            firstDays[hubId] = ReminderEffect.Split(onDay.Select(a => (a.StartUtc, a.Status)), first);
        }

        var entities = hubs.ToDictionary(h => h.Entity.Id, h => h.Entity);
        return ReminderEffect.Assess(hubIds, days, since, firstDays)
            .Select(e => new HubReminderRow(entities[e.HubId], e))
            .OrderBy(r => r.Hub.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The appointments an entity's figures count: its patients' appointments starting in the range (a hub's: at that hub).</summary>
    private IQueryable<Appointment> ReportAppointments(ComplianceEntity entity, DateRange range)
    {
        var scope = ScopePracticeIds(entity);
        var start = range.StartUtc;
        var end = range.EndUtc;
        var query = db.Appointments.AsNoTracking()
            .Where(a => a.StartUtc >= start && a.StartUtc < end && scope.Contains(a.Patient!.RegisteredPracticeId));
        return entity.Level == ComplianceLevel.Hub ? query.Where(a => a.HubId == entity.Id) : query;
    }

    /// <summary>The practices an entity's figure is about, as a subquery (a hub's: the practices it serves).</summary>
    private IQueryable<int> ScopePracticeIds(ComplianceEntity entity) => entity.Level switch
    {
        ComplianceLevel.Ics => db.Practices.Where(p => p.Network!.Ccg!.CareSystemId == entity.Id).Select(p => p.Id),
        ComplianceLevel.Ccg => db.Practices.Where(p => p.Network!.CcgId == entity.Id).Select(p => p.Id),
        ComplianceLevel.Pcn => db.Practices.Where(p => p.NetworkId == entity.Id).Select(p => p.Id),
        ComplianceLevel.Practice => db.Practices.Where(p => p.Id == entity.Id).Select(p => p.Id),
        ComplianceLevel.Hub => db.HubPractices.Where(hp => hp.HubId == entity.Id).Select(hp => hp.PracticeId),
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity.Level, "Not a level a report is asked for."),
    };

    /// <summary>The hubs whose capacity the scope's patients can use, as a subquery; a hub's figures are about that hub alone.</summary>
    private IQueryable<int> ScopeHubIds(ComplianceEntity entity, IQueryable<int> practiceIds) => entity.Level == ComplianceLevel.Hub
        ? db.Hubs.Where(h => h.Id == entity.Id).Select(h => h.Id)
        : db.HubPractices.Where(hp => practiceIds.Contains(hp.PracticeId)).Select(hp => hp.HubId).Distinct();

    private static IReadOnlyList<DateRange> Periods(DateRange range, TrendPeriod period) =>
        period == TrendPeriod.Month ? range.SplitIntoMonths() : range.SplitIntoWeeks();

    /// <param name="periods">
    /// The consecutive periods covering the range that the figures are wanted for (the range itself, or a series' weeks
    /// or months): the appointment counts are added up in the database per period, one row per practice, hub session
    /// and period, dated on the period's first day. Offered capacity stays by day (coverage needs the days).
    /// </param>
    private async Task<Loaded> LoadAsync(ComplianceEntity entity, DateRange range, IReadOnlyList<DateRange> periods, CancellationToken ct)
    {
        var scope = ScopePracticeIds(entity);
        var hubIds = ScopeHubIds(entity, scope);

        // Every practice those hubs serve is needed, even outside the scope: shared capacity is apportioned over all of them.
        var practices = await db.Practices.AsNoTracking()
            .Where(p => scope.Contains(p.Id) || db.HubPractices.Any(hp => hp.PracticeId == p.Id && hubIds.Contains(hp.HubId)))
            .Select(p => new PracticeRow(p.Id, p.ListSize, p.NetworkId, p.Network!.CcgId, scope.Contains(p.Id)))
            .ToListAsync(ct);
        var coverage = await db.HubPractices.AsNoTracking()
            .Where(hp => hubIds.Contains(hp.HubId))
            .Select(hp => new { hp.HubId, hp.PracticeId })
            .ToListAsync(ct);

        // The stored day summaries, not the slots and appointments: a year's report reads days (ComplianceDayStore).
        var sessionDays = await ComplianceDayStore.SessionDaysAsync(db, hubIds, range, ct);
        var atHub = entity.Level == ComplianceLevel.Hub ? entity.Id : (int?)null;
        var appointmentDays = new List<AppointmentDay>();
        foreach (var period in periods)
        {
            appointmentDays.AddRange(await ComplianceDayStore.AppointmentRangeTotalsAsync(db, scope, atHub, period, ct));
        }

        var days = new ComplianceDays(
            range,
            practices.Select(p => new PracticePopulation(p.Id, p.ListSize)).ToList(),
            coverage.GroupBy(c => c.HubId).Select(g => new HubCoverage(g.Key, g.Select(c => c.PracticeId).ToList())).ToList(),
            sessionDays,
            appointmentDays);
        // A hub whose practices other hubs also serve gives only part of their provision: its own per-1,000 figure, over
        // their whole population, would read Red beside a CCG that meets the target.
        var shared = entity.Level == ComplianceLevel.Hub && await db.HubPractices.AnyAsync(
            hp => hp.HubId != entity.Id && hp.Hub!.IsActive && db.HubPractices.Any(own => own.HubId == entity.Id && own.PracticeId == hp.PracticeId), ct);
        var recordsFrom = await ComplianceDayStore.FirstSessionDateAsync(db, hubIds, ct);
        return new Loaded(entity, days, practices, await PlannedThroughAsync(hubIds, range, ct), recordsFrom, shared);
    }

    /// <summary>
    /// The entity's totals from the ledger. A hub's are its entries (every practice's share of its sessions) over the
    /// population it serves; it has no coverage of its own, so coverage is left unassessed.
    /// </summary>
    private static ComplianceTotals TotalsOf(ComplianceEntity entity, Loaded loaded, ComplianceLedger ledger)
    {
        if (entity.Level == ComplianceLevel.Hub)
        {
            return ComplianceTotals.Sum(ledger.Entries.Where(e => e.HubId == entity.Id).Select(e => e.Parts)) with
            {
                Population = loaded.Practices.Where(p => p.InScope).Sum(p => (long)p.ListSize),
            };
        }

        var inScope = loaded.Practices.Where(p => p.InScope).Select(p => p.Id).ToHashSet();
        return ledger.TotalsWhere(inScope.Contains);
    }

    /// <summary>The entities one level down, in display order: the rows of the drill-down table and heat grid.</summary>
    private async Task<IReadOnlyList<ComplianceEntity>> ChildEntitiesAsync(ComplianceEntity entity, CancellationToken ct) => entity.Level switch
    {
        ComplianceLevel.Ics => await db.Ccgs.AsNoTracking().Where(c => c.CareSystemId == entity.Id).OrderBy(c => c.Name)
            .Select(c => new ComplianceEntity(ComplianceLevel.Ccg, c.Id, c.OdsCode, c.Name)).ToListAsync(ct),
        ComplianceLevel.Ccg => await db.Networks.AsNoTracking().Where(n => n.CcgId == entity.Id).OrderBy(n => n.Name)
            .Select(n => new ComplianceEntity(ComplianceLevel.Pcn, n.Id, n.Code, n.Name)).ToListAsync(ct),
        ComplianceLevel.Pcn => await db.Practices.AsNoTracking().Where(p => p.NetworkId == entity.Id).OrderBy(p => p.Name)
            .Select(p => new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name)).ToListAsync(ct),
        ComplianceLevel.Practice => await db.HubPractices.AsNoTracking().Where(hp => hp.PracticeId == entity.Id).Select(hp => hp.Hub!).OrderBy(h => h.Name)
            .Select(h => new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name)).ToListAsync(ct),
        _ => await db.Sessions.AsNoTracking().Where(s => s.HubId == entity.Id).OrderBy(s => s.StartTime).ThenBy(s => s.Name)
            .Select(s => new ComplianceEntity(ComplianceLevel.Session, s.Id, "S" + s.Id, s.Name)).ToListAsync(ct),
    };

    /// <summary>
    /// Each child's figures from the ledger; children's minutes, slots and appointments add up to the parent's. A hub's
    /// sessions and a practice's hubs are parts of one population's provision, not provisions of their own, so they are
    /// not rated against the targets (a hub at 40 with a weekday and a weekend session would show two reds).
    /// </summary>
    private static List<ComplianceChild> ChildFigures(ComplianceEntity entity, Loaded loaded, ComplianceLedger ledger, IReadOnlyList<ComplianceEntity> children)
    {
        var inScope = loaded.Practices.Where(p => p.InScope).ToList();
        IReadOnlyDictionary<int, ComplianceTotals> totals;
        switch (entity.Level)
        {
            case ComplianceLevel.Ics:
                {
                    var ccgOf = inScope.ToDictionary(p => p.Id, p => p.CcgId);
                    totals = ledger.TotalsBy(pid => ccgOf.GetValueOrDefault(pid, -1));
                    break;
                }

            case ComplianceLevel.Ccg:
                {
                    var networkOf = inScope.ToDictionary(p => p.Id, p => p.NetworkId);
                    totals = ledger.TotalsBy(pid => networkOf.GetValueOrDefault(pid, -1));
                    break;
                }

            case ComplianceLevel.Pcn:
                totals = children.ToDictionary(c => c.Id, c => ledger.Practice(c.Id).Totals);
                break;

            case ComplianceLevel.Practice:
                {
                    // The practice's share of each hub, over the practice's population, so the hubs' minutes add up to the practice's.
                    var practice = ledger.Practice(entity.Id);
                    totals = ComplianceLedger.TotalsBy(ledger.EntriesFor(entity.Id), e => e.HubId)
                        .ToDictionary(kv => kv.Key, kv => kv.Value with { Population = practice.ListSize });
                    return children.Select(h => new ComplianceChild(h, ledger.Figures(totals.GetValueOrDefault(h.Id) ?? (ComplianceTotals.Zero with { Population = practice.ListSize })).WithoutRating(RatingWithheld.Share))).ToList();
                }

            default:
                {
                    var population = inScope.Sum(p => (long)p.ListSize);
                    totals = ComplianceLedger.TotalsBy(ledger.Entries.Where(e => e.HubId == entity.Id), e => e.SessionId);
                    return children
                        .Select(s => new ComplianceChild(s, ledger.Figures((totals.GetValueOrDefault(s.Id) ?? ComplianceTotals.Zero) with { Population = population }).WithoutRating(RatingWithheld.Share)))
                        .ToList();
                }
        }

        return children.Select(c => new ComplianceChild(c, ledger.Figures(totals.GetValueOrDefault(c.Id) ?? ComplianceTotals.Zero))).ToList();
    }

    private sealed record Found(ComplianceEntity Entity, int SystemId, int? CcgId, int? PracticeId);

    private sealed record PracticeRow(int Id, int ListSize, int NetworkId, int CcgId, bool InScope);

    /// <summary>
    /// The last date the hubs' slots are planned for: the rolling horizon from yesterday (the horizon service plans
    /// today's last day some hours into the day, not at midnight), or a later day one of them has slots on already (their
    /// figures count). Only looked up when the range reaches past that.
    /// </summary>
    private async Task<DateOnly> PlannedThroughAsync(IQueryable<int> hubIds, DateRange range, CancellationToken ct)
    {
        var horizon = London.Today(clock).AddDays(slotOptions.Value.HorizonDays - 1);
        return range.To > horizon && await ComplianceDayStore.LastSessionDateAsync(db, hubIds, horizon, ct) is { } later ? later : horizon;
    }

    /// <param name="RecordsFrom">The first date the hubs have slots on; figures starting earlier are not rated. Null: no slots at all, rated as usual.</param>
    /// <param name="SharedHub">A hub report whose practices other active hubs serve too: its figures are a share, not rated.</param>
    private sealed record Loaded(ComplianceEntity Entity, ComplianceDays Days, IReadOnlyList<PracticeRow> Practices, DateOnly PlannedThrough, DateOnly? RecordsFrom, bool SharedHub);
}
