using System.Globalization;
using CsvHelper;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Compliance;

/// <summary>
/// One row of a dashboard table as CSV: the period, the entity and its figures (rates as fractions). NotRated says why
/// a row with figures has no RAG (a part week, a share), so a blank RAG is not read as "nothing to divide".
/// </summary>
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
    decimal? AppointmentsPer1000PerWeek,
    string? NotRated)
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
            Cut(f.MinutesPer1000PerWeek),
            f.CapacityRag.ToString(),
            Cut(f.EveningCoverage),
            Cut(f.WeekendCoverage),
            Cut(f.FullCoverage),
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
            Round(f.AppointmentsPer1000PerWeek),
            f.Withheld is { } withheld ? Wording.NotRated(withheld) : null);
    }

    private static decimal Round(decimal value) => Math.Round(value, 4);

    private static decimal? Round(decimal? value) => value is { } v ? Math.Round(v, 4) : null;

    /// <summary>
    /// A rated figure to four places cut toward zero, not rounded: 29.99996 minutes is Red, and 30.0000 beside it would
    /// rate Amber again in anyone's spreadsheet.
    /// </summary>
    private static decimal? Cut(decimal? value) => value is { } v ? Math.Round(v, 4, MidpointRounding.ToZero) : null;
}

/// <summary>One hub's DNA rate before and after its reminders began, as CSV (rates as fractions).</summary>
[CsvRecord]
public sealed partial record ReminderCsvRow(
    string PeriodFrom,
    string PeriodTo,
    int HubId,
    string HubCode,
    string HubName,
    string? RemindersSince,
    int AttendedBefore,
    int DidNotAttendBefore,
    decimal? DnaRateBefore,
    int AttendedAfter,
    int DidNotAttendAfter,
    decimal? DnaRateAfter)
{
    public static ReminderCsvRow Create(DateRange range, HubReminderRow row)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(row);
        var e = row.Effect;
        return new ReminderCsvRow(
            Wording.Iso(range.From),
            Wording.Iso(range.To),
            row.Hub.Id,
            row.Hub.Code,
            row.Hub.Name,
            e.RemindersSinceUtc is { } since ? Wording.Iso(DateOnly.FromDateTime(London.ToLocal(since))) : null,
            e.Before.Attended,
            e.Before.DidNotAttend,
            e.Before.DnaRate is { } b ? Math.Round(b, 4) : null,
            e.After.Attended,
            e.After.DidNotAttend,
            e.After.DnaRate is { } a ? Math.Round(a, 4) : null);
    }
}

/// <summary>
/// The extended-access dashboard (commissioners and practice staff): headline figures with RAG against 30/45 minutes
/// and 100% coverage, weekly or monthly charts, a drill-down table (ICS → CCG → PCN → practice → hub; hub → sessions),
/// a heat grid of each child period by period, and each hub's DNA rate before and after reminders. Every table downloads
/// as CSV (?handler=Csv&amp;Table=...). Figures come from <see cref="ComplianceQueries"/>.
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(ComplianceQueries queries, TimeProvider clock) : PageModel
{
    private IReadOnlySet<int> openable = new HashSet<int>();

    /// <summary>The entity, as "level:id" (for example "pcn:12"), so one select and one link parameter name it.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    /// <summary>How the trend is cut: "week" (the default) or "month".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Table { get; set; }

    public IReadOnlyList<SelectListItem> ScopeOptions { get; private set; } = [];

    public static IReadOnlyList<SelectListItem> PeriodOptions { get; } = [new("Week by week", "week"), new("Month by month", "month")];

    public ComplianceReport? Report { get; private set; }

    public ComplianceSeries? Series { get; private set; }

    public IReadOnlyList<HubReminderRow> Reminders { get; private set; } = [];

    public TrendPeriod TrendPeriod => string.Equals(Period, "month", StringComparison.OrdinalIgnoreCase) ? TrendPeriod.Month : TrendPeriod.Week;

    public decimal CapacityMinimum => RagThresholds.Capacity.Minimum;

    public decimal CapacityStretch => RagThresholds.Capacity.Stretch;

    /// <summary>Whether the children have populations of their own, so a heat grid of capacity and coverage means something.</summary>
    public bool ShowsHeatGrid => Report?.Entity.Level is ComplianceLevel.Ics or ComplianceLevel.Ccg or ComplianceLevel.Pcn;

    public static string ScopeValue(ComplianceEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return string.Create(CultureInfo.InvariantCulture, $"{ComplianceApi.LevelName(entity.Level)}:{entity.Id}");
    }

    /// <summary>Reads a <see cref="ScopeValue"/> back ("pcn:12" → "pcn", 12); false when it is not one.</summary>
    public static bool TryParseScope(string? scope, out string level, out int id)
    {
        var parts = (scope ?? string.Empty).Trim().ToLowerInvariant().Split(':', 2);
        level = parts[0];
        id = 0;
        return parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>
    /// Whether a child row links to its own figures: only where the actor may open them (an ICS's CCGs are shown side
    /// by side but only a commissioner's own opens; practice staff open their practice alone, not the hubs beneath it;
    /// a hub's sessions have no page of their own).
    /// </summary>
    public bool CanOpen(ComplianceEntity child)
    {
        ArgumentNullException.ThrowIfNull(child);
        return child.Level != ComplianceLevel.Session && openable.Contains(child.Id);
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var filter = await ReadFilterAsync(cancellationToken);
        if (filter is null)
        {
            return Page();
        }

        try
        {
            var dashboard = await queries.DashboardAsync(filter.Level, filter.Id, filter.Range, TrendPeriod, Actor.From(User), cancellationToken);
            Report = dashboard.Report;
            Series = dashboard.Series;
            Reminders = dashboard.Reminders;
            openable = await queries.OpenableAsync(Report.Children.Select(c => c.Entity).ToList(), Actor.From(User), cancellationToken);
            return Page();
        }
        catch (DomainException e)
        {
            return Refused(e);
        }
    }

    /// <summary>
    /// A table as CSV: Table=children (the default, the drill-down table), weeks, months, grid (every child in every
    /// period of the chosen cut) or reminders (DNA before and after reminders, per hub).
    /// </summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var filter = await ReadFilterAsync(cancellationToken);
        if (filter is null)
        {
            return Page();
        }

        var table = (Table ?? "children").Trim().ToLowerInvariant();
        var actor = Actor.From(User);
        try
        {
            switch (table)
            {
                case "children":
                    {
                        var report = await queries.ReportAsync(filter.Level, filter.Id, filter.Range, actor, cancellationToken);
                        return await CsvAsync(report.Entity, table, report.Range, report.Children.Select(c => ComplianceCsvRow.Create(report.Range, c.Entity, c.Figures)), cancellationToken);
                    }

                case "weeks" or "months":
                    {
                        var series = await queries.SeriesAsync(filter.Level, filter.Id, filter.Range, table == "months" ? TrendPeriod.Month : TrendPeriod.Week, actor, cancellationToken);
                        return await CsvAsync(series.Entity, table, filter.Range, series.Periods.Select(p => ComplianceCsvRow.Create(p.Period, series.Entity, p.Figures)), cancellationToken);
                    }

                case "grid":
                    {
                        var series = await queries.SeriesAsync(filter.Level, filter.Id, filter.Range, TrendPeriod, actor, cancellationToken);
                        var rows = series.Periods.SelectMany(p => p.Children.Select(c => ComplianceCsvRow.Create(p.Period, c.Entity, c.Figures)));
                        return await CsvAsync(series.Entity, table, filter.Range, rows, cancellationToken);
                    }

                case "reminders":
                    {
                        var reminders = await queries.RemindersAsync(filter.Level, filter.Id, filter.Range, actor, cancellationToken);
                        return await CsvAsync(reminders.Entity, table, filter.Range, reminders.Hubs.Select(r => ReminderCsvRow.Create(filter.Range, r)), cancellationToken);
                    }

                default:
                    // Table is in the download links only, not a field: a page error.
                    ModelState.AddModelError(string.Empty, "Choose a table: children, weeks, months, grid or reminders");
                    return Page();
            }
        }
        catch (DomainException e)
        {
            return Refused(e);
        }
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

        if (TrendPeriod == TrendPeriod.Month)
        {
            values[nameof(Period)] = "month";
        }

        if (table is not null)
        {
            values[nameof(Table)] = table;
        }

        return values;
    }

    /// <summary>Reads and checks the filter; null (with the errors in ModelState) when the page cannot show figures.</summary>
    private async Task<Filter?> ReadFilterAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        var options = await queries.OptionsAsync(actor, cancellationToken);
        Scope = string.IsNullOrWhiteSpace(Scope) ? (options.Count > 0 ? ScopeValue(options[0].Entity) : null) : Scope.Trim().ToLowerInvariant();
        // An unknown trend is said, not replaced by weeks: "Period=months" showing week by week looks like an answer.
        var periodUnknown = !string.IsNullOrWhiteSpace(Period) && Period.Trim().ToLowerInvariant() is not ("week" or "month");
        Period = periodUnknown ? Period!.Trim() : string.Equals(Period?.Trim(), "month", StringComparison.OrdinalIgnoreCase) ? "month" : "week";
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

        if (periodUnknown)
        {
            ModelState.AddModelError(nameof(Period), "Choose week by week or month by month");
        }

        if (!ModelState.IsValid)
        {
            return null;
        }

        if (!TryParseScope(Scope, out var levelName, out var id))
        {
            ModelState.AddModelError(nameof(Scope), "Choose an ICS, CCG, PCN, practice or hub from the list");
            return null;
        }

        try
        {
            var level = ComplianceApi.ParseLevel(levelName);
            var range = queries.Range(From, To);
            From = range.From;
            To = range.To;
            return new Filter(level, id, range);
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

            return null;
        }
    }

    private IActionResult Refused(DomainException e) => e.Kind switch
    {
        DomainErrorKind.NotFound => NotFound(),
        DomainErrorKind.Forbidden => Forbid(),
        _ => throw e,
    };

    /// <summary>Named for what it holds: level, id, table and date range (October's and November's tables differ), then when it was downloaded.</summary>
    private async Task<IActionResult> CsvAsync<TRow>(ComplianceEntity entity, string table, DateRange range, IEnumerable<TRow> rows, CancellationToken cancellationToken)
    {
        var stamp = London.ToLocal(clock.GetUtcNow().UtcDateTime).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        await CsvDownload.WriteAsync(Response, $"forward-compliance-{ComplianceApi.LevelName(entity.Level)}-{entity.Id.ToString(CultureInfo.InvariantCulture)}-{table}-{Wording.Iso(range.From)}-{Wording.Iso(range.To)}-{stamp}.csv", rows, cancellationToken);
        return new EmptyResult();
    }

    private sealed record Filter(ComplianceLevel Level, int Id, DateRange Range);
}
