using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages;

public enum ErrorKind
{
    ServerError,
    NotFound,
    Forbidden,
    BadRequest,
    TooManyRequests,
}

/// <summary>
/// The friendly error page. Shown by UseExceptionHandler("/Error") for unhandled exceptions and by
/// UseStatusCodePagesWithReExecute("/Error", "?statusCode={0}") for empty 4xx/5xx responses. It never shows
/// exception details, only a reference (the request's trace id) that support can find in the logs.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string RequestId { get; private set; } = string.Empty;

    public int ResponseStatusCode { get; private set; }

    public ErrorKind Kind { get; private set; }

    /// <summary>Whether the refused request was the public online consultation form's (its pages under /Consult).</summary>
    public bool IsConsultForm { get; private set; }

    /// <summary>
    /// Whether the failed request was a patient's: the online consultation form or a link sent to a patient (/Patient).
    /// The page then speaks to a patient: no staff "Sign in", no staff home page, no support reference.
    /// </summary>
    public bool IsPatientFacing { get; private set; }

    public string Heading => Kind switch
    {
        ErrorKind.NotFound => "Page not found",
        ErrorKind.Forbidden => "You do not have permission to view this page",
        ErrorKind.BadRequest => "Sorry, there is a problem with that request",
        ErrorKind.TooManyRequests => "Too many requests from your connection",
        _ => "Sorry, there is a problem with the service",
    };

    public void OnGet(int? statusCode) => Describe(statusCode);

    // The exception handler re-runs the failed request's method, so a failed form post lands here.
    public void OnPost(int? statusCode) => Describe(statusCode);

    private void Describe(int? statusCode)
    {
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
        ResponseStatusCode = statusCode
            ?? original?.OriginalStatusCode
            ?? (Response.StatusCode >= 400 ? Response.StatusCode : StatusCodes.Status500InternalServerError);
        // By path segment: /Consultation/Measures is a staff page. A status code page names the original path; an
        // exception, the path that threw.
        var originalPath = new PathString(original?.OriginalPath ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path);
        // The online consultation form's limit is per hour and meets patients; every other one is per minute.
        IsConsultForm = originalPath.StartsWithSegments("/Consult", StringComparison.OrdinalIgnoreCase);
        IsPatientFacing = IsConsultForm || originalPath.StartsWithSegments("/Patient", StringComparison.OrdinalIgnoreCase);
        Kind = ResponseStatusCode switch
        {
            StatusCodes.Status404NotFound or StatusCodes.Status410Gone => ErrorKind.NotFound,
            StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => ErrorKind.Forbidden,
            StatusCodes.Status429TooManyRequests => ErrorKind.TooManyRequests,
            >= 400 and < 500 => ErrorKind.BadRequest,
            _ => ErrorKind.ServerError,
        };
    }
}
