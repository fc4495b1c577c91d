using System.Globalization;
using CsvHelper;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Compliance;
using Forward.Domain.Consultation;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Consultation;
using Forward.Web.Infrastructure;
using Forward.Web.Pages.Navigation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Consultation;

/// <summary>One practice's online-consultation measures as CSV (rates as fractions, hours to one decimal place, halves up as on the page).</summary>
[CsvRecord]
public sealed partial record ConsultationMeasuresCsvRow(
    string PeriodFrom,
    string PeriodTo,
    string PcnCode,
    string PcnName,
    string PracticeOds,
    string PracticeName,
    long ListSize,
    int Requests,
    decimal? RequestsPer1000,
    int Due,
    int AnsweredWithinDeadline,
    decimal? ShareWithinDeadline,
    int Closed,
    int SelfCare,
    int Pharmacy,
    int BookAppointment,
    int Prescription,
    int SignpostedElsewhere,
    int ClosedOther,
    double? MedianHoursToClose,
    double? MeanHoursToClose,
    int Signposted)
{
    public static ConsultationMeasuresCsvRow Create(DateRange range, ConsultationPracticeRow row)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(row);
        var f = row.Figures;
        return new ConsultationMeasuresCsvRow(
            Wording.Iso(range.From),
            Wording.Iso(range.To),
            row.NetworkCode,
            row.NetworkName,
            row.OdsCode,
            row.Name,
            f.ListSize,
            f.Requests,
            f.RequestsPer1000 is { } per ? Math.Round(per, 4) : null,
            f.Due,
            f.AnsweredWithinDeadline,
            f.ShareWithinDeadline is { } share ? Math.Round(share, 4) : null,
            f.Closed,
            f.Outcome(ConsultationOutcome.SelfCare),
            f.Outcome(ConsultationOutcome.Pharmacy),
            f.Outcome(ConsultationOutcome.BookAppointment),
            f.Outcome(ConsultationOutcome.Prescription),
            f.Outcome(ConsultationOutcome.SignpostedElsewhere),
            f.Outcome(ConsultationOutcome.Closed),
            f.MedianHoursToClose is { } median ? Math.Round(median, 1, MidpointRounding.AwayFromZero) : null,
            f.MeanHoursToClose is { } mean ? Math.Round(mean, 1, MidpointRounding.AwayFromZero) : null,
            f.Signposted);
    }
}

/// <summary>
/// Online-consultation measures over a date range (see <see cref="ConsultationMeasures"/> for each definition):
/// commissioners see their CCG per PCN and per practice (or one practice with ?Practice=), practice staff their own
/// practice. The per-practice table downloads as CSV (?handler=Csv).
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class MeasuresModel(ConsultationMeasures measures, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    /// <summary>One practice of the commissioner's CCG; practice staff need not give it.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Practice { get; set; }

    public ConsultationReport? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (ReadRange() is not { } range)
        {
            return Page();
        }

        try
        {
            Report = await measures.ReportAsync(Actor.From(User), Practice, range, cancellationToken);
            return Page();
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
    }

    /// <summary>The per-practice table as CSV, one row per practice, named for its scope (CCG or practice) and range.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (ReadRange() is not { } range)
        {
            return Page();
        }

        ConsultationReport report;
        try
        {
            report = await measures.ReportAsync(Actor.From(User), Practice, range, cancellationToken);
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }

        var stamp = London.ToLocal(clock.GetUtcNow().UtcDateTime).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        await CsvDownload.WriteAsync(Response, $"forward-online-consultation-{report.ScopeKey}-{Wording.Iso(range.From)}-{Wording.Iso(range.To)}-{stamp}.csv", report.Practices.Select(p => ConsultationMeasuresCsvRow.Create(report.Range, p)), cancellationToken);
        return new EmptyResult();
    }

    /// <summary>The current filter as query values, for the CSV link.</summary>
    public Dictionary<string, string> RouteValues()
    {
        var values = new Dictionary<string, string>();
        if (Report is { } report)
        {
            values[nameof(From)] = Wording.Iso(report.Range.From);
            values[nameof(To)] = Wording.Iso(report.Range.To);
        }

        if (Practice is { } practice)
        {
            values[nameof(Practice)] = practice.ToString(CultureInfo.InvariantCulture);
        }

        return values;
    }

    private DateRange? ReadRange()
    {
        ModelState.ReplaceBindingError(nameof(From), "Enter a real 'from' date, for example 1 June 2026");
        ModelState.ReplaceBindingError(nameof(To), "Enter a real 'to' date, for example 30 June 2026");
        // The practice comes from a link, not a field of the form: an unreadable one is the page's error.
        ModelState.MoveBindingErrorToPage(nameof(Practice), "Choose a practice from the table");

        if (!ModelState.IsValid)
        {
            return null;
        }

        try
        {
            var range = measures.Range(From, To);
            From = range.From;
            To = range.To;
            return range;
        }
        catch (ValidationFailedException invalid)
        {
            ModelState.AddFieldErrors(invalid.Errors, fields: new Dictionary<string, string> { ["from"] = nameof(From), ["to"] = nameof(To) });
            return null;
        }
    }
}
