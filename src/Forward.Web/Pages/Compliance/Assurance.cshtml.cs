using Forward.Domain;
using Forward.Domain.Access;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Compliance;

/// <summary>
/// The monthly extended-access assurance report for the commissioner's own CCG: choose a month (GET form), see its
/// headline, download the PDF (?handler=Pdf) to send to NHS England. Commissioners only: practice staff have the access
/// dashboard for their practice. The figures are the dashboard's, loaded through <see cref="ComplianceQueries"/>.
/// </summary>
[Authorize(Roles = Roles.Commissioner)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class AssuranceModel(ComplianceQueries queries, TimeProvider clock) : PageModel
{
    /// <summary>"yyyy-MM"; empty means the last complete month.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    public AssuranceReport? Report { get; private set; }

    public AssurancePage? CcgPage => Report?.Pages.Count > 0 ? Report.Pages[0] : null;

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
        if (actor.CcgId is not { } ccgId)
        {
            return Forbid();
        }

        Month = string.IsNullOrWhiteSpace(Month) ? AssuranceMonth.Previous(clock).ToString() : Month.Trim();
        if (!AssuranceMonth.TryParse(Month, clock, out var month, out var error))
        {
            ModelState.AddModelError(nameof(Month), error!);
            return Page();
        }

        try
        {
            Report = await new AssuranceReportBuilder(queries, clock).BuildAsync([ccgId], month, actor, cancellationToken);
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
