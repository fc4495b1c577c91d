using Forward.Domain;
using Microsoft.AspNetCore.Mvc;

namespace Forward.Web.Pages.Navigation;

/// <summary>What the navigation and measures pages share: a domain refusal as a plain 403 or 404.</summary>
internal static class NavigationPage
{
    /// <summary>403 or 404 for a refusal or an unknown practice, service or CCG; null for other kinds, which the page shows itself.</summary>
    public static IActionResult? StatusFor(DomainException exception) => exception.Kind switch
    {
        DomainErrorKind.Forbidden => new StatusCodeResult(StatusCodes.Status403Forbidden),
        DomainErrorKind.NotFound => new NotFoundResult(),
        _ => null,
    };
}
