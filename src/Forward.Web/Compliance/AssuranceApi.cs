using System.Security.Claims;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Web.Access;
using Microsoft.AspNetCore.Mvc;

namespace Forward.Web.Compliance;

/// <summary>
/// GET /api/v1/compliance/assurance.pdf?level=ccg|ics&amp;id=..&amp;month=yyyy-MM: the monthly assurance report as a PDF,
/// for a commissioner's own CCG (one page) or ICS (one page per CCG). Practice staff pass the role check shared with the compliance API and are then
/// refused with a ProblemDetails 403, so the answer says why rather than being a bare status.
/// </summary>
public static class AssuranceApi
{
    public static void MapAssuranceApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGroup("/compliance").WithTags("Compliance").RequiresScope(ApiScopes.OrganisationRead)
            .RequireAuthorization(p => p.RequireRole(Roles.Commissioner, Roles.PracticeStaff))
            .MapGet("/assurance.pdf", PdfAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The monthly extended-access assurance report for a CCG or ICS as a PDF (one A4 page per CCG), for commissioners.");
    }

    private static async Task<IResult> PdfAsync(
        [FromQuery] string? level, [FromQuery] int? id, [FromQuery] string? month, ClaimsPrincipal user, ComplianceQueries queries, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        var scope = level?.Trim().ToLowerInvariant() switch
        {
            "ccg" => ComplianceLevel.Ccg,
            "ics" => ComplianceLevel.Ics,
            _ => (ComplianceLevel?)null,
        };
        if (scope is null)
        {
            errors["level"] = "The assurance report is for a CCG or an ICS: use level=ccg or level=ics";
        }

        if (id is null)
        {
            errors["id"] = "Enter the id of the CCG or ICS";
        }

        if (!AssuranceMonth.TryParse(month, clock, out var reportMonth, out var monthError))
        {
            errors["month"] = monthError!;
        }

        ValidationFailedException.ThrowIfAny(errors);
        var report = await new AssuranceReportBuilder(queries, clock).BuildAsync(scope!.Value, id!.Value, reportMonth, Actor.From(user), ct);
        var pdf = AssuranceRenderer.Render(report);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{AssuranceReportBuilder.FileName(report)}\"";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(pdf, "application/pdf");
    }
}
