using System.Globalization;
using CsvHelper;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Compliance;

/// <summary>One row of a dashboard table as CSV: the period, the entity and its figures (rates as fractions).</summary>
[CsvRecord]
public sealed partial record ComplianceCsvRow(
    string PeriodFrom,
    string PeriodTo,
    string Level,
    int Id,
    string Code,
    string Name,
    long Population,
    decimal ExtendedMinutes,
    decimal? MinutesPer1000PerWeek,
    string CapacityRag,
    decimal? EveningCoverage,
    decimal? WeekendCoverage,
    decimal? FullCoverage,
    decimal OfferedSlots,
    int UsedSlots,
    decimal? Utilisation,
    int Appointments,
    int Booked,
    int Attended,
    int DidNotAttend,
    decimal? DnaRate,
    int Cancelled,
    decimal? SameDayShare,
    decimal? RemoteShare,
    decimal? AppointmentsPer1000PerWeek)
{
    public static ComplianceCsvRow Create(DateRange range, ComplianceEntity entity, ComplianceFigures f)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(f);
        var t = f.Totals;
        return new ComplianceCsvRow(
            Wording.Iso(range.From),
            Wording.Iso(range.To),
            ComplianceApi.LevelName(entity.Level),
            entity.Id,
            entity.Code,
            entity.Name,
            t.Population,
            Round(t.ExtendedMinutes),
            Round(f.MinutesPer1000PerWeek),
            f.CapacityRag.ToString(),
            Round(f.EveningCoverage),
            Round(f.WeekendCoverage),
            Round(f.FullCoverage),
            Round(t.OfferedSlots),
            t.UsedSlots,
            Round(f.Utilisation),
            t.Appointments,
            t.Booked,
            t.Attended,
            t.DidNotAttend,
            Round(f.DnaRate),
            t.Cancelled,
            Round(f.SameDayShare),
            Round(f.RemoteShare),
            Round(f.AppointmentsPer1000PerWeek));
    }

    private static decimal Round(decimal value) => Math.Round(value, 4);

    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 4) : null;
}

/// <summary>
/// The extended-access dashboard (commissioners and practice staff): headline figures with RAG against 30/45 minutes
/// and 100% coverage, weekly charts, and a drill-down table (CCG → PCN → practice → hub; hub → sessions). Every table
/// downloads as CSV (?handler=Csv&amp;Table=children|weeks). Figures come from <see cref="ComplianceQueries"/>.
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(ComplianceQueries queries, TimeProvider clock) : PageModel
{
    /// <summary>The entity, as "level:id" (for example "pcn:12"), so one select and one link parameter name it.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Table { get; set; }

    public IReadOnlyList<SelectListItem> ScopeOptions { get; private set; } = [];

    public ComplianceReport? Report { get; private set; }

    public IReadOnlyList<ComplianceWeek> Weeks { get; private set; } = [];

    public decimal CapacityMinimum => RagThresholds.Capacity.Minimum;

    public decimal CapacityStretch => RagThresholds.Capacity.Stretch;

    public static string ScopeValue(ComplianceEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return string.Create(CultureInfo.InvariantCulture, $"{ComplianceApi.LevelName(entity.Level)}:{entity.Id}");
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(cancellationToken);
        if (loaded is not null)
        {
            return loaded;
        }

        var trend = await queries.WeeksAsync(Report!.Entity.Level, Report.Entity.Id, Report.Range, Actor.From(User), cancellationToken);
        Weeks = trend.Weeks;
        return Page();
    }

    /// <summary>The drill-down table (Table=children, the default) or the weekly table (Table=weeks) as CSV.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(cancellationToken);
        if (loaded is not null)
        {
            return loaded;
        }

        var report = Report!;
        List<ComplianceCsvRow> rows;
        var weekly = string.Equals(Table, "weeks", StringComparison.OrdinalIgnoreCase);
        if (weekly)
        {
            var trend = await queries.WeeksAsync(report.Entity.Level, report.Entity.Id, report.Range, Actor.From(User), cancellationToken);
            rows = trend.Weeks.Select(w => ComplianceCsvRow.Create(w.Week, report.Entity, w.Figures)).ToList();
        }
        else
        {
            rows = report.Children.Select(c => ComplianceCsvRow.Create(report.Range, c.Entity, c.Figures)).ToList();
        }

        var stamp = London.ToLocal(clock.GetUtcNow().UtcDateTime).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"forward-compliance-{ComplianceApi.LevelName(report.Entity.Level)}-{report.Entity.Id.ToString(CultureInfo.InvariantCulture)}-{(weekly ? "weeks" : "children")}-{stamp}.csv\"";
        Response.Headers.CacheControl = "no-store";

        // A cell that starts with = + - @ is escaped so a spreadsheet never runs it as a formula.
        var options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
        await using (var csv = CsvWriter.Create(Response.Body, options, leaveOpen: true))
        {
            await csv.WriteRecordsAsync(rows, cancellationToken);
            await csv.FlushAsync(cancellationToken);
        }

        return new EmptyResult();
    }

    /// <summary>The current filter as query values, for links (drill-down, CSV).</summary>
    public Dictionary<string, string> RouteValues(ComplianceEntity? entity = null, string? table = null)
    {
        var values = new Dictionary<string, string>();
        if ((entity ?? Report?.Entity) is { } e)
        {
            values[nameof(Scope)] = ScopeValue(e);
        }

        if (Report is { } report)
        {
            values[nameof(From)] = Wording.Iso(report.Range.From);
            values[nameof(To)] = Wording.Iso(report.Range.To);
        }

        if (table is not null)
        {
            values[nameof(Table)] = table;
        }

        return values;
    }

    /// <summary>Reads the filter and loads the report; returns a result only when the page cannot show one.</summary>
    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        var options = await queries.OptionsAsync(actor, cancellationToken);
        if (options.Count == 0)
        {
            return Forbid();
        }

        Scope = string.IsNullOrWhiteSpace(Scope) ? ScopeValue(options[0].Entity) : Scope.Trim().ToLowerInvariant();
        ScopeOptions = options.Select(o => new SelectListItem(o.Label, ScopeValue(o.Entity))).ToList();
        if (ModelState.TryGetValue(nameof(From), out var fromEntry) && fromEntry.Errors.Count > 0)
        {
            fromEntry.Errors.Clear();
            fromEntry.Errors.Add("Enter a real 'from' date, for example 1 June 2026");
        }

        if (ModelState.TryGetValue(nameof(To), out var toEntry) && toEntry.Errors.Count > 0)
        {
            toEntry.Errors.Clear();
            toEntry.Errors.Add("Enter a real 'to' date, for example 30 June 2026");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var parts = Scope.Split(':', 2);
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            ModelState.AddModelError(nameof(Scope), "Choose a CCG, PCN, practice or hub from the list");
            return Page();
        }

        try
        {
            var level = ComplianceApi.ParseLevel(parts[0]);
            var range = queries.Range(From, To);
            Report = await queries.ReportAsync(level, id, range, actor, cancellationToken);
            From = range.From;
            To = range.To;
            return null;
        }
        catch (ValidationFailedException invalid)
        {
            foreach (var (field, message) in invalid.Errors)
            {
                var key = field switch
                {
                    "from" => nameof(From),
                    "to" => nameof(To),
                    _ => nameof(Scope),
                };
                ModelState.AddModelError(key, message);
            }

            return Page();
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            return NotFound();
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Forbidden)
        {
            return Forbid();
        }
    }
}
