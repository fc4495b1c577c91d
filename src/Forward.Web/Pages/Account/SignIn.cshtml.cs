using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Forward.Web.Pages.Account;

/// <summary>One demo sign-in for the table shown in Development and Testing.</summary>
public sealed record DemoSignIn(string UserName, string Role, string CanDo);

/// <summary>
/// Sign in with a user name and password; the account lockout lives in <see cref="SignInService"/>.
/// The anti-forgery token is checked here rather than by the filter every other page has, whose 400 page met anyone
/// whose form had outlived its token: a second tab's once the first had signed in (the token is made for the user the
/// form was drawn for), or a page left open across the end of a session. Such a form is still never taken.
/// </summary>
[EnableRateLimiting(RateLimits.SignIn)]
[IgnoreAntiforgeryToken]
public sealed class SignInModel(SignInService signIn, IAntiforgery antiforgery, IWebHostEnvironment environment, IOptions<DemoOptions> demo, TimeProvider clock) : PageModel
{
    public const string FailedMessage = "The user name or password is not right";

    public const string ExpiredMessage = "The page had expired. Sign in again.";

    [BindProperty]
    [Display(Name = "User name")]
    [Required(ErrorMessage = "Enter your user name")]
    public string? UserName { get; set; }

    [BindProperty]
    [Display(Name = "Password")]
    [Required(ErrorMessage = "Enter your password")]
    public string? Password { get; set; }

    /// <summary>Where to go once signed in: a local address only, encoded for the redirect (<see cref="LocalRedirects.Safe"/>).</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Demo accounts, listed only in Development and Testing and only when they are seeded.</summary>
    public IReadOnlyList<DemoSignIn> DemoSignIns { get; private set; } = [];

    /// <summary>The demo password itself: shown in Development only, never in Testing or production.</summary>
    public string? DemoPassword { get; private set; }

    public void OnGet()
    {
        ReturnUrl = LocalRedirects.Safe(Url, ReturnUrl);

        DescribeDemo();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        ReturnUrl = LocalRedirects.Safe(Url, ReturnUrl);
        if (await AntiforgeryTokens.FitsAsync(antiforgery, HttpContext) is not { } tokenFits)
        {
            return BadRequest();
        }

        if (!tokenFits)
        {
            if (User.Identity?.IsAuthenticated == true)
            {
                // Signed in since this form was drawn, most likely in another tab. As the same user, go on as the sign-in
                // would have (the password is not looked at: they are signed in already). As someone else, say who is
                // signed in: going on would leave them working, and audited, as the other account.
                var signedInAs = User.Identity.Name ?? string.Empty;
                if (string.Equals(UserName?.Trim(), signedInAs, StringComparison.OrdinalIgnoreCase))
                {
                    return LocalRedirect(ReturnUrl ?? "/");
                }

                return RefuseForm($"You are already signed in as {signedInAs}, in another tab or window. Sign out first to sign in as someone else.");
            }

            // A form drawn for a user since signed out, or before this browser lost its anti-forgery cookie; or a post
            // from another site, made to sign this browser in as the attacker so that what the user then enters is
            // theirs (login CSRF). Neither is taken: the form is drawn again, with a token that fits. The password is
            // not checked, so it counts towards no lockout.
            return RefuseForm(ExpiredMessage);
        }

        if (!ModelState.IsValid)
        {
            DescribeDemo();
            return Page();
        }

        var attempt = await signIn.CheckAsync(UserName, Password, SignInTo.Pages, cancellationToken);
        switch (attempt.Result)
        {
            case SignInResultKind.Success when attempt.User is { } user:
                var principal = new ClaimsPrincipal(ForwardClaims.CreateIdentity(user, AuthenticationSetup.CookieScheme));
                await HttpContext.SignInAsync(AuthenticationSetup.CookieScheme, principal, AuthenticationSetup.SignInProperties(clock.GetUtcNow()));

                // Nothing the pages kept for whoever used this browser before (a search by NHS number) carries over.
                TempData.Clear();
                return LocalRedirect(ReturnUrl ?? "/");
            case SignInResultKind.LockedOut:
                var minutes = ((int)SignInService.LockoutPeriod.TotalMinutes).ToString(CultureInfo.InvariantCulture);
                ModelState.AddModelError(string.Empty, $"Your account is locked after too many failed sign-ins. Try again in {minutes} minutes.");
                break;
            case SignInResultKind.ApiOnly:
                ModelState.AddModelError(string.Empty, "This account is a client system's, allowed only some API scopes, so it signs in to the API only (POST /api/v1/auth/token), not to these pages.");
                break;
            default:
                ModelState.AddModelError(nameof(UserName), FailedMessage);
                break;
        }

        DescribeDemo();
        return Page();
    }

    /// <summary>The form drawn again, saying why it was not taken, with nothing of what was posted looked at.</summary>
    private PageResult RefuseForm(string message)
    {
        ModelState.Clear();
        ModelState.AddModelError(string.Empty, message);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        DescribeDemo();
        return Page();
    }

    private void DescribeDemo()
    {
        var isDevelopment = environment.IsDevelopment();
        if ((!isDevelopment && !environment.IsEnvironment("Testing")) || !demo.Value.SeedUsers)
        {
            return;
        }

        DemoSignIns =
        [
            new("commissioner", "Commissioner (Leicester City CCG)", "Sets up hubs, their rotas and the practices each serves; sees hub day lists; searches the audit log."),
            new("commissioner.beds", "Commissioner (Bedfordshire CCG)", "The same as commissioner, for Bedfordshire's hubs."),
            new("practice", "Practice receptionist", "Finds a free hub slot for a patient of their own practice and books or cancels it."),
            new("hubclinician", "Hub clinician (Belgrave hub)", "Books into their own hub, sees the hub's day list, opens a patient's record with consent, records attended or did not attend."),
            new("nhs111", "NHS 111 call handler", "Books a hub slot for a caller from any practice, same day or a short time ahead."),
        ];
        DemoPassword = isDevelopment ? demo.Value.Password : null;
    }
}
