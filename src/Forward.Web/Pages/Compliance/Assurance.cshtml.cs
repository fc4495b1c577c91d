using Forward.Domain;
using Forward.Domain.Access;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Compliance;

/// <summary>
/// The monthly extended-access assurance report for the commissioner's own CCG, or their ICS with one page per CCG:
/// choose a month (GET form), see the headlines, download the PDF (?handler=Pdf) to send to NHS England. Commissioners only: practice staff have the access
/// dashboard for their practice. The figures are the dashboard's, loaded through <see cref="ComplianceQueries"/>.
/// </summary>
[Authorize(Roles = Roles.Commissioner)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class AssuranceModel(ComplianceQueries queries, TimeProvider clock) : PageModel
{
    /// <summary>"yyyy-MM"; empty means the last complete month.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    /// <summary>"ccg" (the default: one page) or "ics" (one page per CCG of the commissioner's ICS).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    public IReadOnlyList<SelectListItem> ScopeOptions { get; private set; } = [];

    public AssuranceReport? Report { get; private set; }

    /// <summary>The chosen CCG's or ICS's own figures, which the page leads with (an ICS's are not its first CCG's).</summary>
    public AssuranceHeadline? Headline => Report?.Headline;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(cancellationToken);
        return loaded ?? Page();
    }

    /// <summary>The PDF, as an attachment named forward-assurance-CODE-yyyy-MM.pdf, never cached.</summary>
    public async Task<IActionResult> OnGetPdfAsync(CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(cancellationToken);
        if (loaded is not null)
        {
            return loaded;
        }

        var pdf = AssuranceRenderer.Render(Report!);
        Response.Headers.ContentDisposition = $"attachment; filename=\"{AssuranceReportBuilder.FileName(Report!)}\"";
        Response.Headers.CacheControl = "no-store";
        return File(pdf, "application/pdf");
    }

    /// <summary>Reads the month and builds the report; returns a result only when the page cannot show one.</summary>
    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        var options = (await queries.OptionsAsync(actor, cancellationToken))
            .Where(o => o.Entity.Level is ComplianceLevel.Ccg or ComplianceLevel.Ics)
            .ToList();
        if (options.Count == 0)
        {
            return Forbid();
        }

        ScopeOptions = options.Select(o => new SelectListItem(
            o.Entity.Level == ComplianceLevel.Ics ? $"{o.Entity.Name}: one page for each of its CCGs" : $"{o.Entity.Name} only",
            ComplianceApi.LevelName(o.Entity.Level))).ToList();
        // Absent is the CCG report; anything else but "ccg" or "ics" is said, not answered with the CCG's report.
        Scope = string.IsNullOrWhiteSpace(Scope) ? "ccg" : Scope.Trim().ToLowerInvariant();
        if (Scope is not ("ccg" or "ics"))
        {
            ModelState.AddModelError(nameof(Scope), "Choose a CCG or ICS report");
        }

        var scope = options.FirstOrDefault(o => ComplianceApi.LevelName(o.Entity.Level) == Scope)?.Entity ?? options[0].Entity;

        Month = string.IsNullOrWhiteSpace(Month) ? AssuranceMonth.Previous(clock).ToString() : Month.Trim();
        if (!AssuranceMonth.TryParse(Month, clock, out var month, out var error))
        {
            ModelState.AddModelError(nameof(Month), error!);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        try
        {
            Report = await new AssuranceReportBuilder(queries, clock).BuildAsync(scope.Level, scope.Id, month, actor, cancellationToken);
            return null;
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
