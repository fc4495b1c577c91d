using System.Security.Claims;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
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
            .AddOpenApiOperationTransformer(DescribePdf)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound)
            .WithSummary("The monthly extended-access assurance report for a CCG or ICS as a PDF (one A4 page per CCG), for commissioners.");
    }

    /// <summary>
    /// The 200 as the PDF file it is: with no .NET type to describe, the generator documents the answer as having no
    /// content at all, so a generated client would throw the file away.
    /// </summary>
    private static Task DescribePdf(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.GetValueOrDefault("200") is Microsoft.OpenApi.OpenApiResponse ok)
        {
            ok.Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
            {
                ["application/pdf"] = new() { Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" } },
            };
            ok.Headers ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiHeader>();
            ok.Headers["Content-Disposition"] = new Microsoft.OpenApi.OpenApiHeader
            {
                Description = "attachment, with the file's name: filename=\"forward-assurance-{ccg or ics code}-{yyyy-MM}.pdf\".",
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String },
            };
        }

        return Task.CompletedTask;
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
