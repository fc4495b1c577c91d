using Forward.Data;
using Forward.Web.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Account;

/// <summary>
/// Signs out on POST only (with the anti-forgery token every Razor Pages form carries), so a link or an image on another
/// site cannot sign anyone out. A GET shows a page with the sign-out button, for anyone who arrives here by address.
/// Signing out ends every session and token of the account (<see cref="AccountChecks.EndSessionsAsync"/>), not only
/// this browser's cookie: a copy of the cookie, on a shared PC or taken from it, signs nobody in afterwards.
/// </summary>
public sealed class SignOutModel(AccountChecks accounts, ForwardDbContext db) : PageModel
{
    public bool IsSignedIn { get; private set; }

    public void OnGet() => IsSignedIn = User.Identity?.IsAuthenticated == true;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (User.Identity?.IsAuthenticated == true && AccountChecks.AccountIdOf(User) is { } accountId)
        {
            await accounts.EndSessionsAsync(db, accountId, cancellationToken);
        }

        await HttpContext.SignOutAsync(AuthenticationSetup.CookieScheme, new AuthenticationProperties { RedirectUri = "/" });
        return LocalRedirect("/");
    }
}
