using Forward.Data;
using Forward.Domain;
using Forward.Domain.Compliance;
using Forward.Domain.Consultation;
using Forward.Domain.Notifications;
using Forward.Domain.Time;
using Forward.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Consultation;

/// <summary>The figures one practice, PCN or CCG has over a range; the rates are the domain's (<see cref="ConsultationMeasureMath"/>).</summary>
public sealed record ConsultationFigures(
    long ListSize,
    int Requests,
    int Due,
    int AnsweredWithinDeadline,
    int Closed,
    IReadOnlyDictionary<ConsultationOutcome, int> Outcomes,
    IReadOnlyList<double> HoursToClose,
    int Signposted)
{
    public decimal? RequestsPer1000 => ConsultationMeasureMath.Per1000(Requests, ListSize);

    public decimal? ShareWithinDeadline => ConsultationMeasureMath.Share(AnsweredWithinDeadline, Due);

    public double? MedianHoursToClose => ConsultationMeasureMath.Median(HoursToClose);

    public double? MeanHoursToClose => ConsultationMeasureMath.Mean(HoursToClose);

    public int Outcome(ConsultationOutcome outcome) => Outcomes.TryGetValue(outcome, out var n) ? n : 0;

    public decimal? OutcomeShare(ConsultationOutcome outcome) => ConsultationMeasureMath.Share(Outcome(outcome), Closed);

    /// <summary>The sum of several practices' figures (the hours are pooled, so a PCN's median is over all its requests).</summary>
    public static ConsultationFigures Sum(IEnumerable<ConsultationFigures> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToList();
        return new ConsultationFigures(
            list.Sum(p => p.ListSize),
            list.Sum(p => p.Requests),
            list.Sum(p => p.Due),
            list.Sum(p => p.AnsweredWithinDeadline),
            list.Sum(p => p.Closed),
            Enum.GetValues<ConsultationOutcome>().ToDictionary(o => o, o => list.Sum(p => p.Outcome(o))),
            list.SelectMany(p => p.HoursToClose).ToList(),
            list.Sum(p => p.Signposted));
    }
}

/// <summary>One practice's row.</summary>
public sealed record ConsultationPracticeRow(int PracticeId, string OdsCode, string Name, int NetworkId, string NetworkCode, string NetworkName, ConsultationFigures Figures);

/// <summary>One PCN's row: its practices summed.</summary>
public sealed record ConsultationNetworkRow(int NetworkId, string Code, string Name, ConsultationFigures Figures);

/// <summary>
/// The measures for a scope (a CCG or one practice): the total, per PCN and per practice. ScopeKey names the scope in
/// file names: "ccg-" or "practice-" and its ODS code.
/// </summary>
public sealed record ConsultationReport(
    string ScopeName,
    string ScopeKey,
    DateRange Range,
    ConsultationFigures Total,
    IReadOnlyList<ConsultationNetworkRow> Networks,
    IReadOnlyList<ConsultationPracticeRow> Practices);

/// <summary>
/// Online-consultation measures (issue 6) per practice, PCN and CCG over a range of London dates:
/// <list type="bullet">
/// <item>requests per 1,000 registered patients: requests submitted in the range over the list size (for the whole range, not per week);</item>
/// <item>% answered within deadline: of the requests due in the range (deadline in the range and already passed, whether
/// closed or not) or closed in the range, those whose patient had a message from the practice (or a booking made from
/// the request) at or before their deadline. Closing alone answers nobody;</item>
/// <item>outcome mix and time to close: over the requests closed in the range; time to close is in plain elapsed hours
/// from submission (nights and weekends count), median and mean;</item>
/// <item>signposting: care-navigation records in the range.</item>
/// </list>
/// Four grouped or projected queries whatever the number of practices (no query per row), in LINQ that SQLite and
/// PostgreSQL both translate.
/// </summary>
public sealed class ConsultationMeasures(ForwardDbContext db, TimeProvider clock)
{
    /// <summary>The longest range the page accepts (as the compliance dashboard).</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// Checks a requested range, as the compliance dashboard does; when both ends are missing, the four weeks up to the
    /// end of this week. Errors are keyed "from" and "to".
    /// </summary>
    public DateRange Range(DateOnly? from, DateOnly? to) => DateRange.FromRequest(from, to, London.Today(clock), MaxDays);

    /// <summary>
    /// The measures for the actor: a commissioner's CCG (all its practices) or, with <paramref name="practiceId"/>, one
    /// practice in it; practice staff their own practice only. 403 for anyone else's, 404 for an unknown practice.
    /// </summary>
    public async Task<ConsultationReport> ReportAsync(Actor actor, int? practiceId, DateRange range, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(range);
        var practices = await PracticesAsync(actor, practiceId, ct);
        var ids = practices.Select(p => p.Id).ToList();
        var fromUtc = London.StartOfDayUtc(range.From);
        var toUtc = London.StartOfDayUtc(range.To.AddDays(1));
        var now = clock.GetUtcNow().UtcDateTime;

        var requests = await db.ConsultationRequests.AsNoTracking()
            .Where(r => ids.Contains(r.PracticeId) && r.SubmittedUtc >= fromUtc && r.SubmittedUtc < toUtc)
            .GroupBy(r => r.PracticeId)
            .Select(g => new { PracticeId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.PracticeId, g => g.Count, ct);

        // A close tells the patient nothing by itself, so a request is answered by the first message to the patient (the
        // close form sends one when none was sent before) or by an appointment booked from it.
        var dueRows = await db.ConsultationRequests.AsNoTracking()
            .Where(r => ids.Contains(r.PracticeId)
                && ((r.DeadlineUtc >= fromUtc && r.DeadlineUtc < toUtc && r.DeadlineUtc <= now)
                    || (r.ClosedUtc != null && r.ClosedUtc >= fromUtc && r.ClosedUtc < toUtc)))
            .Select(r => new
            {
                r.PracticeId,
                // A booking made by the deadline answers the request whether or not a confirmation could be sent: the
                // patient's record may hold only a landline, and the booker then tells them by phone.
                Within = (r.BookedAppointmentId != null && r.ClosedUtc <= r.DeadlineUtc)
                    || db.OutboxMessages.Where(TriageService.TellsThePatient).Any(m => m.CreatedUtc <= r.DeadlineUtc
                        && m.ConsultationRequestId == r.Id && m.Kind == NotificationKind.ConsultationMessage),
            })
            .ToListAsync(ct);
        var due = dueRows.GroupBy(r => r.PracticeId).ToDictionary(g => g.Key, g => (Due: g.Count(), Within: g.Count(r => r.Within)));

        // The closed requests themselves (three columns each): the median needs every duration.
        var closed = await db.ConsultationRequests.AsNoTracking()
            .Where(r => ids.Contains(r.PracticeId) && r.ClosedUtc != null && r.ClosedUtc >= fromUtc && r.ClosedUtc < toUtc)
            .Select(r => new { r.PracticeId, r.Outcome, r.SubmittedUtc, ClosedUtc = r.ClosedUtc!.Value })
            .ToListAsync(ct);
        var closedByPractice = closed.ToLookup(r => r.PracticeId);

        var signposted = await db.SignpostingRecords.AsNoTracking()
            .Where(s => ids.Contains(s.PracticeId) && s.RecordedUtc >= fromUtc && s.RecordedUtc < toUtc)
            .GroupBy(s => s.PracticeId)
            .Select(g => new { PracticeId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.PracticeId, g => g.Count, ct);

        var rows = practices.Select(p =>
        {
            var (dueCount, within) = due.TryGetValue(p.Id, out var d) ? d : (0, 0);
            var mine = closedByPractice[p.Id].ToList();
            var figures = new ConsultationFigures(
                p.ListSize,
                requests.GetValueOrDefault(p.Id),
                dueCount,
                within,
                mine.Count,
                mine.Where(r => r.Outcome is not null).GroupBy(r => r.Outcome!.Value).ToDictionary(g => g.Key, g => g.Count()),
                mine.Select(r => ConsultationMeasureMath.HoursToClose(r.SubmittedUtc, r.ClosedUtc)).ToList(),
                signposted.GetValueOrDefault(p.Id));
            return new ConsultationPracticeRow(p.Id, p.OdsCode, p.Name, p.NetworkId, p.NetworkCode, p.NetworkName, figures);
        }).ToList();

        var networks = rows.GroupBy(r => (r.NetworkId, r.NetworkCode, r.NetworkName))
            .Select(g => new ConsultationNetworkRow(g.Key.NetworkId, g.Key.NetworkCode, g.Key.NetworkName, ConsultationFigures.Sum(g.Select(r => r.Figures))))
            .OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        string scopeName, scopeKey;
        if (practiceId is null && actor.IsCommissioner)
        {
            var ccg = await db.Ccgs.Where(c => c.Id == actor.CcgId).Select(c => new { c.Name, c.OdsCode }).FirstAsync(ct);
            (scopeName, scopeKey) = (ccg.Name, "ccg-" + ccg.OdsCode);
        }
        else
        {
            (scopeName, scopeKey) = (rows[0].Name, "practice-" + rows[0].OdsCode);
        }

        return new ConsultationReport(scopeName, scopeKey, range, ConsultationFigures.Sum(rows.Select(r => r.Figures)), networks, rows);
    }

    private async Task<List<PracticeInfo>> PracticesAsync(Actor actor, int? practiceId, CancellationToken ct)
    {
        var query = db.Practices.AsNoTracking();
        query = actor switch
        {
            { IsCommissioner: true, CcgId: { } ccg } => query.Where(p => p.Network!.CcgId == ccg),
            { IsPracticeStaff: true, PracticeId: { } own } => query.Where(p => p.Id == own),
            _ => throw DomainException.Forbidden("measures-not-yours", "Only commissioners and practice staff can see these measures."),
        };
        if (practiceId is { } id)
        {
            query = query.Where(p => p.Id == id);
        }

        var practices = await query.OrderBy(p => p.Name)
            .Select(p => new PracticeInfo(p.Id, p.OdsCode, p.Name, p.ListSize, p.NetworkId, p.Network!.Code, p.Network.Name))
            .ToListAsync(ct);
        if (practices.Count > 0)
        {
            return practices;
        }

        if (practiceId is { } asked)
        {
            throw await db.Practices.AnyAsync(p => p.Id == asked, ct)
                ? DomainException.Forbidden("measures-not-yours", "You can see the measures of your own practice, or your CCG's practices, only.")
                : DomainException.NotFound("practice-not-found", "There is no such practice.");
        }

        throw DomainException.NotFound("no-practices", "There are no practices to report on.");
    }

    private sealed record PracticeInfo(int Id, string OdsCode, string Name, int ListSize, int NetworkId, string NetworkCode, string NetworkName);
}
