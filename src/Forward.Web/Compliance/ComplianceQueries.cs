using Forward.Data;
using Forward.Domain;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Compliance;

/// <summary>The levels a compliance figure is asked for; <see cref="Session"/> appears only as a hub's child.</summary>
public enum ComplianceLevel
{
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

/// <summary>A report: the entity's figures over the range, and its children for drill-down.</summary>
public sealed record ComplianceReport(ComplianceEntity Entity, DateRange Range, ComplianceFigures Figures, IReadOnlyList<ComplianceChild> Children);

/// <summary>One week (Monday to Sunday, clipped to the range) of a weekly trend.</summary>
public sealed record ComplianceWeek(DateRange Week, ComplianceFigures Figures);

/// <summary>An entity's weekly trend.</summary>
public sealed record ComplianceTrend(ComplianceEntity Entity, IReadOnlyList<ComplianceWeek> Weeks);

/// <summary>An entity a user may choose on the dashboard.</summary>
public sealed record ComplianceOption(ComplianceEntity Entity, string Label);

/// <summary>
/// Loads what the compliance ledger needs from the database, for one entity and one date range, and builds the ledger.
/// Every query is projected, untracked and set-based (subqueries, never a query per row), so a CCG over a year reads
/// its slots and appointments in one pass each. The measures themselves are the domain's (<see cref="ComplianceLedger"/>).
/// </summary>
public sealed class ComplianceQueries(ForwardDbContext db, TimeProvider clock)
{
    /// <summary>The longest range the API and dashboard accept.</summary>
    public const int MaxDays = 366;

    /// <summary>Checks a requested range; when both ends are missing, the four weeks up to the end of this week.</summary>
    public DateRange Range(DateOnly? from, DateOnly? to)
    {
        var errors = new Dictionary<string, string>();
        if (from is null && to is null)
        {
            var today = London.Today(clock);
            var sunday = today.AddDays((7 - (int)today.DayOfWeek) % 7);
            return new DateRange(sunday.AddDays(-27), sunday);
        }

        if (from is null)
        {
            errors["from"] = "Enter a start date";
        }

        if (to is null)
        {
            errors["to"] = "Enter an end date";
        }

        if (from is { } f && to is { } t)
        {
            if (t < f)
            {
                errors["to"] = "The end date must be the same as or after the start date";
            }
            else if (t.DayNumber - f.DayNumber + 1 > MaxDays)
            {
                errors["to"] = $"The date range can be at most {MaxDays} days";
            }
        }

        ValidationFailedException.ThrowIfAny(errors);
        return new DateRange(from!.Value, to!.Value);
    }

    /// <summary>The entity, if it exists and the actor may see it: 404 when unknown, 403 when not theirs.</summary>
    public async Task<ComplianceEntity> AuthoriseAsync(ComplianceLevel level, int id, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var found = level switch
        {
            ComplianceLevel.Ccg => await db.Ccgs.AsNoTracking().Where(c => c.Id == id)
                .Select(c => new { Entity = new ComplianceEntity(ComplianceLevel.Ccg, c.Id, c.OdsCode, c.Name), CcgId = c.Id, PracticeId = (int?)null }).FirstOrDefaultAsync(ct),
            ComplianceLevel.Pcn => await db.Networks.AsNoTracking().Where(n => n.Id == id)
                .Select(n => new { Entity = new ComplianceEntity(ComplianceLevel.Pcn, n.Id, n.Code, n.Name), n.CcgId, PracticeId = (int?)null }).FirstOrDefaultAsync(ct),
            ComplianceLevel.Practice => await db.Practices.AsNoTracking().Where(p => p.Id == id)
                .Select(p => new { Entity = new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name), p.Network!.CcgId, PracticeId = (int?)p.Id }).FirstOrDefaultAsync(ct),
            ComplianceLevel.Hub => await db.Hubs.AsNoTracking().Where(h => h.Id == id)
                .Select(h => new { Entity = new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name), h.CcgId, PracticeId = (int?)null }).FirstOrDefaultAsync(ct),
            _ => throw DomainException.Invalid("unknown-level", "Choose a level: ccg, pcn, practice or hub."),
        };
        if (found is null)
        {
            throw DomainException.NotFound("compliance-entity-not-found", $"There is no {level.ToString().ToLowerInvariant()} {id}.");
        }

        var allowed = actor switch
        {
            { IsCommissioner: true, CcgId: { } ccg } => ccg == found.CcgId,
            { IsPracticeStaff: true, PracticeId: { } practice } => level == ComplianceLevel.Practice && found.PracticeId == practice,
            _ => false,
        };
        return allowed
            ? found.Entity
            : throw DomainException.Forbidden("compliance-not-yours", "You can see the figures of your own CCG or practice only.");
    }

    /// <summary>The entity's figures over the range, with its children.</summary>
    public async Task<ComplianceReport> ReportAsync(ComplianceLevel level, int id, DateRange range, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var entity = await AuthoriseAsync(level, id, actor, ct);
        var loaded = await LoadAsync(entity, range, ct);
        var ledger = ComplianceLedger.Build(loaded.Input, BankHolidayCalendar.England);
        var children = await ChildrenAsync(entity, loaded, ledger, ct);
        return new ComplianceReport(entity, range, ledger.Figures(TotalsOf(entity, loaded, ledger)), children);
    }

    /// <summary>The entity's figures week by week (Monday to Sunday, clipped to the range); the data is read once.</summary>
    public async Task<ComplianceTrend> WeeksAsync(ComplianceLevel level, int id, DateRange range, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var entity = await AuthoriseAsync(level, id, actor, ct);
        var loaded = await LoadAsync(entity, range, ct);
        var weeks = range.SplitIntoWeeks()
            .Select(week =>
            {
                var ledger = ComplianceLedger.Build(loaded.Input.Narrow(week), BankHolidayCalendar.England);
                return new ComplianceWeek(week, ledger.Figures(TotalsOf(entity, loaded, ledger)));
            })
            .ToList();
        return new ComplianceTrend(entity, weeks);
    }

    /// <summary>Loads the ledger input for an entity (no authorisation: callers use <see cref="AuthoriseAsync"/> first).</summary>
    public async Task<ComplianceInput> LoadInputAsync(ComplianceEntity entity, DateRange range, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return (await LoadAsync(entity, range, ct)).Input;
    }

    /// <summary>What the actor may choose on the dashboard: a commissioner's CCG, its PCNs, practices and hubs; a practice.</summary>
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
        var pcns = await db.Networks.AsNoTracking().Where(n => n.CcgId == ccgId).OrderBy(n => n.Name)
            .Select(n => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Pcn, n.Id, n.Code, n.Name), "PCN: " + n.Name)).ToListAsync(ct);
        var practices = await db.Practices.AsNoTracking().Where(p => p.Network!.CcgId == ccgId).OrderBy(p => p.Name)
            .Select(p => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name), "Practice: " + p.Name + " (" + p.OdsCode + ")")).ToListAsync(ct);
        var hubs = await db.Hubs.AsNoTracking().Where(h => h.CcgId == ccgId).OrderBy(h => h.Name)
            .Select(h => new ComplianceOption(new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name), "Hub: " + h.Name)).ToListAsync(ct);
        return [.. ccgs, .. pcns, .. practices, .. hubs];
    }

    /// <summary>The practices an entity's figure is about, as a subquery (a hub's: the practices it serves).</summary>
    private IQueryable<int> ScopePracticeIds(ComplianceEntity entity) => entity.Level switch
    {
        ComplianceLevel.Ccg => db.Practices.Where(p => p.Network!.CcgId == entity.Id).Select(p => p.Id),
        ComplianceLevel.Pcn => db.Practices.Where(p => p.NetworkId == entity.Id).Select(p => p.Id),
        ComplianceLevel.Practice => db.Practices.Where(p => p.Id == entity.Id).Select(p => p.Id),
        ComplianceLevel.Hub => db.HubPractices.Where(hp => hp.HubId == entity.Id).Select(hp => hp.PracticeId),
        _ => throw new ArgumentOutOfRangeException(nameof(entity), entity.Level, "Not a level a report is asked for."),
    };

    private async Task<Loaded> LoadAsync(ComplianceEntity entity, DateRange range, CancellationToken ct)
    {
        var scope = ScopePracticeIds(entity);

        // The hubs whose capacity the scope's patients can use; a hub report is about that hub alone.
        var hubIds = entity.Level == ComplianceLevel.Hub
            ? db.Hubs.Where(h => h.Id == entity.Id).Select(h => h.Id)
            : db.HubPractices.Where(hp => scope.Contains(hp.PracticeId)).Select(hp => hp.HubId).Distinct();

        // Every practice those hubs serve is needed, even outside the scope: shared capacity is apportioned over all of them.
        var practices = await db.Practices.AsNoTracking()
            .Where(p => scope.Contains(p.Id) || db.HubPractices.Any(hp => hp.PracticeId == p.Id && hubIds.Contains(hp.HubId)))
            .Select(p => new PracticeRow(p.Id, p.ListSize, p.NetworkId, scope.Contains(p.Id)))
            .ToListAsync(ct);
        var coverage = await db.HubPractices.AsNoTracking()
            .Where(hp => hubIds.Contains(hp.HubId))
            .Select(hp => new { hp.HubId, hp.PracticeId })
            .ToListAsync(ct);

        var start = range.StartUtc;
        var end = range.EndUtc;
        var slots = await db.Slots.AsNoTracking()
            .Where(s => hubIds.Contains(s.HubId) && s.EndUtc > start && s.StartUtc < end)
            .Select(s => new OfferedSlot(s.HubId, s.SessionId, s.StartUtc, s.EndUtc, s.Mode, s.Role, s.Status))
            .ToListAsync(ct);

        // Appointments of the scope's patients (a hub's: at that hub), with the session and slot count of the slots held.
        var appointmentQuery = db.Appointments.AsNoTracking()
            .Where(a => a.StartUtc >= start && a.StartUtc < end && scope.Contains(a.Patient!.RegisteredPracticeId));
        if (entity.Level == ComplianceLevel.Hub)
        {
            appointmentQuery = appointmentQuery.Where(a => a.HubId == entity.Id);
        }

        var appointments = await appointmentQuery
            .Select(a => new
            {
                a.Id,
                a.Patient!.RegisteredPracticeId,
                a.HubId,
                SessionId = a.Slots.Select(s => s.Slot!.SessionId).FirstOrDefault(),
                a.StartUtc,
                a.CreatedUtc,
                a.Status,
                a.Channel,
                Mode = a.Slots.Select(s => s.Slot!.Mode).FirstOrDefault(),
                SlotCount = a.Slots.Count,
            })
            .ToListAsync(ct);

        var input = new ComplianceInput(
            range,
            practices.Select(p => new PracticePopulation(p.Id, p.ListSize)).ToList(),
            coverage.GroupBy(c => c.HubId).Select(g => new HubCoverage(g.Key, g.Select(c => c.PracticeId).ToList())).ToList(),
            slots,
            appointments.Select(a => new BookedAppointment(a.Id, a.RegisteredPracticeId, a.HubId, a.SessionId, a.StartUtc, a.CreatedUtc, a.Status, a.Channel, a.Mode, Math.Max(1, a.SlotCount))).ToList());
        return new Loaded(input, practices);
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

    private async Task<IReadOnlyList<ComplianceChild>> ChildrenAsync(ComplianceEntity entity, Loaded loaded, ComplianceLedger ledger, CancellationToken ct)
    {
        var inScope = loaded.Practices.Where(p => p.InScope).ToList();
        switch (entity.Level)
        {
            case ComplianceLevel.Ccg:
                {
                    var networkOf = inScope.ToDictionary(p => p.Id, p => p.NetworkId);
                    var totals = ledger.TotalsBy(pid => networkOf.GetValueOrDefault(pid, -1));
                    var networks = await db.Networks.AsNoTracking().Where(n => n.CcgId == entity.Id).OrderBy(n => n.Name)
                        .Select(n => new ComplianceEntity(ComplianceLevel.Pcn, n.Id, n.Code, n.Name)).ToListAsync(ct);
                    return networks.Select(n => new ComplianceChild(n, ledger.Figures(totals.GetValueOrDefault(n.Id) ?? ComplianceTotals.Zero))).ToList();
                }

            case ComplianceLevel.Pcn:
                {
                    var practices = await db.Practices.AsNoTracking().Where(p => p.NetworkId == entity.Id).OrderBy(p => p.Name)
                        .Select(p => new ComplianceEntity(ComplianceLevel.Practice, p.Id, p.OdsCode, p.Name)).ToListAsync(ct);
                    return practices.Select(p => new ComplianceChild(p, ledger.Figures(ledger.Practice(p.Id).Totals))).ToList();
                }

            case ComplianceLevel.Practice:
                {
                    // The practice's share of each hub, over the practice's population, so the hubs' minutes add up to the practice's.
                    var practice = ledger.Practice(entity.Id);
                    var byHub = ComplianceLedger.TotalsBy(ledger.EntriesFor(entity.Id), e => e.HubId);
                    var hubIds = byHub.Keys.ToList();
                    var hubs = await db.Hubs.AsNoTracking().Where(h => hubIds.Contains(h.Id)).OrderBy(h => h.Name)
                        .Select(h => new ComplianceEntity(ComplianceLevel.Hub, h.Id, h.Code, h.Name)).ToListAsync(ct);
                    return hubs.Select(h => new ComplianceChild(h, ledger.Figures(byHub[h.Id] with { Population = practice.ListSize }))).ToList();
                }

            default:
                {
                    var population = inScope.Sum(p => (long)p.ListSize);
                    var bySession = ComplianceLedger.TotalsBy(ledger.Entries.Where(e => e.HubId == entity.Id), e => e.SessionId);
                    var sessions = await db.Sessions.AsNoTracking().Where(s => s.HubId == entity.Id).OrderBy(s => s.StartTime).ThenBy(s => s.Name)
                        .Select(s => new ComplianceEntity(ComplianceLevel.Session, s.Id, "S" + s.Id, s.Name)).ToListAsync(ct);
                    return sessions
                        .Select(s => new ComplianceChild(s, ledger.Figures((bySession.GetValueOrDefault(s.Id) ?? ComplianceTotals.Zero) with { Population = population })))
                        .ToList();
                }
        }
    }

    private sealed record PracticeRow(int Id, int ListSize, int NetworkId, bool InScope);

    private sealed record Loaded(ComplianceInput Input, IReadOnlyList<PracticeRow> Practices);
}
