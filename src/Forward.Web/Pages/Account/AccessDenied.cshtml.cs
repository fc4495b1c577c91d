using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Account;

/// <summary>Where the cookie handler sends a signed-in user who may not open a page. Answers 403, with a page for people.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class AccessDeniedModel : PageModel
{
    public bool IsSignedIn { get; private set; }

    public void OnGet()
    {
        IsSignedIn = User.Identity?.IsAuthenticated == true;
        Response.StatusCode = StatusCodes.Status403Forbidden;
    }
}
