using Forward.Domain;
using Forward.Domain.Compliance;
using Forward.Web.Access;

namespace Forward.Web.Compliance;

/// <summary>
/// The monthly extended-access assurance report: one page per CCG. A list of pages, not one CCG, so that an ICS (or any
/// set of CCGs) can be sent to NHS England as one file by building several pages into the same report.
/// </summary>
/// <param name="Month">The calendar month every page is about.</param>
/// <param name="GeneratedUtc">When it was made, printed on each page in London time.</param>
/// <param name="Unfinished">True when the month had not ended: its figures include sessions still to come.</param>
/// <param name="Pages">One page per CCG, in the order they are printed.</param>
/// <param name="Scope">The CCG or ICS the report was asked for.</param>
/// <param name="Headline">The scope's own figures, which the page the PDF is downloaded from leads with.</param>
public sealed record AssuranceReport(AssuranceMonth Month, DateTime GeneratedUtc, bool Unfinished, IReadOnlyList<AssurancePage> Pages, ComplianceEntity? Scope = null, AssuranceHeadline? Headline = null);

/// <summary>
/// The figures of the whole scope over the month: a CCG's are its page's; an ICS's are the ICS's own, as the dashboard
/// and compliance API give them for the ICS (not any one CCG's, nor an average of its CCGs' rates).
/// <paramref name="Networks"/> counts the PCNs of every CCG in it.
/// </summary>
public sealed record AssuranceHeadline(ComplianceEntity Entity, DateRange Range, ComplianceFigures Figures, int Networks, DateOnly PlannedThrough, DateOnly? RecordsFrom)
{
    /// <summary>Whether the month starts before Forward holds slots for the scope's hubs.</summary>
    public bool StartsBeforeRecords => ComplianceQueries.StartsBeforeRecords(Range, RecordsFrom);
}

/// <summary>
/// One CCG's page: its figures over the month, its weeks (Monday to Sunday, the first and last clipped to the month) for
/// the chart, and its PCNs for the table. Everything comes from <see cref="ComplianceQueries"/>, so the PDF and the
/// dashboard can never disagree. <paramref name="PlannedThrough"/> is the last date slots were planned for when it was made,
/// <paramref name="RecordsFrom"/> the first date Forward holds slots for the CCG's hubs (null: none).
/// </summary>
public sealed record AssurancePage(ComplianceEntity Ccg, DateRange Range, ComplianceFigures Figures, IReadOnlyList<ComplianceWeek> Weeks, IReadOnlyList<ComplianceChild> Networks, DateOnly PlannedThrough, DateOnly? RecordsFrom)
{
    /// <summary>Whether the month starts before Forward holds slots for the CCG's hubs.</summary>
    public bool StartsBeforeRecords => ComplianceQueries.StartsBeforeRecords(Range, RecordsFrom);
}

/// <summary>Loads an <see cref="AssuranceReport"/> through <see cref="ComplianceQueries"/>, which authorises the CCG or ICS.</summary>
public sealed class AssuranceReportBuilder(ComplianceQueries queries, TimeProvider clock)
{
    /// <summary>
    /// The report for a CCG (one page) or an ICS (one page per CCG, by name). Only commissioners get one (it is the
    /// commissioner's return to NHS England; practice staff have the dashboard for their practice), and only for their
    /// own CCG or ICS: 403 otherwise, 404 for one that does not exist.
    /// </summary>
    public async Task<AssuranceReport> BuildAsync(ComplianceLevel level, int id, AssuranceMonth month, Actor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsCommissioner)
        {
            throw DomainException.Forbidden("assurance-commissioners-only", "The assurance report is for commissioners: practice staff can see their practice on the access dashboard.");
        }

        if (level is not (ComplianceLevel.Ccg or ComplianceLevel.Ics))
        {
            throw ValidationFailedException.On("level", "The assurance report is for a CCG or an ICS: use level=ccg or level=ics");
        }

        var scope = await queries.AuthoriseAsync(level, id, actor, ct);
        var ccgs = level == ComplianceLevel.Ccg ? [scope] : await queries.ChildrenOfAsync(scope, ct);
        var range = month.Range;
        var pages = new List<AssurancePage>(ccgs.Count);
        foreach (var ccg in ccgs)
        {
            var (report, weeks) = await queries.ReportAndWeeksUncheckedAsync(ccg, range, ct);
            pages.Add(new AssurancePage(report.Entity, range, report.Figures, weeks.Periods.Select(w => new ComplianceWeek(w.Period, w.Figures)).ToList(), report.Children, report.PlannedThrough, report.RecordsFrom));
        }

        return new AssuranceReport(month, clock.GetUtcNow().UtcDateTime, month.IsUnfinished(clock), pages, scope, await HeadlineAsync(scope, pages, range, actor, ct));
    }

    /// <summary>
    /// A CCG's page is its headline. An ICS's comes from the query the compliance API answers level=ics with, so the page
    /// leads with the figures its dashboard link opens.
    /// </summary>
    private async Task<AssuranceHeadline> HeadlineAsync(ComplianceEntity scope, List<AssurancePage> pages, DateRange range, Actor actor, CancellationToken ct)
    {
        var networks = pages.Sum(p => p.Networks.Count);
        if (scope.Level == ComplianceLevel.Ccg)
        {
            var page = pages[0];
            return new AssuranceHeadline(page.Ccg, page.Range, page.Figures, networks, page.PlannedThrough, page.RecordsFrom);
        }

        var report = await queries.ReportAsync(scope.Level, scope.Id, range, actor, ct);
        return new AssuranceHeadline(report.Entity, report.Range, report.Figures, networks, report.PlannedThrough, report.RecordsFrom);
    }

    /// <summary>The download's file name: forward-assurance-CODE-yyyy-MM.pdf, the code kept to letters, digits and dashes.</summary>
    public static string FileName(AssuranceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var code = report.Scope?.Code ?? (report.Pages.Count == 1 ? report.Pages[0].Ccg.Code : "ccgs");
        var safe = new string(code.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').ToArray());
        return $"forward-assurance-{(safe.Length == 0 ? "ccg" : safe)}-{report.Month}.pdf";
    }
}
