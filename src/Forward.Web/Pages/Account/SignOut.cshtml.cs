using Forward.Web.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Account;

/// <summary>
/// Signs out on POST only (with the anti-forgery token every Razor Pages form carries), so a link or an image on another
/// site cannot sign anyone out. A GET shows a page with the sign-out button, for anyone who arrives here by address.
/// </summary>
public sealed class SignOutModel : PageModel
{
    public bool IsSignedIn { get; private set; }

    public void OnGet() => IsSignedIn = User.Identity?.IsAuthenticated == true;

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(AuthenticationSetup.CookieScheme, new AuthenticationProperties { RedirectUri = "/" });
        return LocalRedirect("/");
    }
}
