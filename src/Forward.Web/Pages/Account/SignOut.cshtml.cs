using Forward.Data;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Account;

/// <summary>
/// Signs out on POST only (with the anti-forgery token every Razor Pages form carries), so a link or an image on another
/// site cannot sign anyone out. A GET shows a page with the sign-out button, for anyone who arrives here by address.
/// Signing out ends every session and token of the account (<see cref="AccountChecks.EndSessionsAsync"/>), not only
/// this browser's cookie: a copy of the cookie, on a shared PC or taken from it, signs nobody in afterwards. Demo
/// accounts are the exception: everyone trying Forward shares them (and their tokens drive the API examples), so one
/// person signing out ends only their own cookie.
/// The token is checked here rather than by the filter every other page has, whose 400 page met anyone pressing sign
/// out on a page drawn before they signed out in another tab (the token is made for the user the page was drawn for).
/// </summary>
[IgnoreAntiforgeryToken]
public sealed partial class SignOutModel(AccountChecks accounts, ForwardDbContext db, IAntiforgery antiforgery, ILogger<SignOutModel> logger) : PageModel
{
    public const string ExpiredMessage = "The page had expired. To sign out, press Sign out again.";

    public bool IsSignedIn { get; private set; }

    public void OnGet() => IsSignedIn = User.Identity?.IsAuthenticated == true;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AntiforgeryTokens.FitsAsync(antiforgery, HttpContext) is not { } tokenFits)
        {
            return BadRequest();
        }

        if (!tokenFits)
        {
            if (User.Identity?.IsAuthenticated != true)
            {
                // Signed out already, in another tab or by the session ending: the page says so.
                return LocalRedirect(SiteNavigation.SignOutPath);
            }

            // A page drawn for whoever used this browser before the user now signed in, or a post from another site
            // (should a browser send the Strict cookie with it): nobody is signed out, and the page asks again.
            IsSignedIn = true;
            ModelState.AddModelError(string.Empty, ExpiredMessage);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (User.Identity?.IsAuthenticated == true && AccountChecks.AccountIdOf(User) is { } accountId)
        {
            try
            {
                await accounts.EndSessionsAsync(db, accountId, cancellationToken);
            }
            catch (Exception ex) when (DbErrors.IsUnavailable(ex))
            {
                // This browser is still signed out: a moment without the database must not keep the user signed in.
                LogNotEnded(logger, accountId, ex);
            }
        }

        // What the pages kept for this user between requests (a search by NHS number) goes with them.
        TempData.Clear();
        await HttpContext.SignOutAsync(AuthenticationSetup.CookieScheme, new AuthenticationProperties { RedirectUri = "/" });
        return LocalRedirect("/");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signed out account {AccountId} in this browser only: the database was unavailable, so its other sessions were not ended")]
    private static partial void LogNotEnded(ILogger logger, int accountId, Exception exception);
}
