using Forward.Domain;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Pages.Admin;

/// <summary>What the admin pages share: turning domain refusals into statuses, and spotting binding errors.</summary>
internal static class AdminPage
{
    /// <summary>403 or 404 for a refusal or a missing hub or session; null for other kinds, which the page shows itself.</summary>
    public static IActionResult? StatusFor(DomainException exception) => exception.Kind switch
    {
        DomainErrorKind.Forbidden => new StatusCodeResult(StatusCodes.Status403Forbidden),
        DomainErrorKind.NotFound => new NotFoundResult(),
        _ => null,
    };

    /// <summary>True when binding left an error on any field under <paramref name="prefix"/>.</summary>
    public static bool HasErrorsUnder(ModelStateDictionary modelState, string prefix) =>
        modelState.Any(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal) && kv.Value?.Errors.Count > 0);
}
