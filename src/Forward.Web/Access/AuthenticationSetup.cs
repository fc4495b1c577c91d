using System.Globalization;
using Forward.Data;
using Forward.Domain.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Forward.Web.Access;

public static class AuthenticationSetup
{
    /// <summary>The web pages' cookie.</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>API callers' bearer tokens, checked against their account (<see cref="CheckedBearerHandler"/>).</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>ASP.NET Core's bearer-token handler: issues the tokens (POST /api/v1/auth/token) and reads them for <see cref="BearerScheme"/>.</summary>
    public const string BearerTokenScheme = BearerTokenDefaults.AuthenticationScheme;

    private const string SelectorScheme = "CookieOrBearer";

    public const string BookerPolicy = "Booker";
    public const string HubClinicianPolicy = "HubClinician";
    public const string CommissionerPolicy = "Commissioner";
    public const string SignedInPolicy = "SignedIn";

    /// <summary>The sign-in cookie's record of when its user signed in (kept while the cookie slides).</summary>
    public const string SignedInAtItem = "forward:signed-in-at";

    /// <summary>However busy a signed-in page session is, it ends this long after the sign-in.</summary>
    public static readonly TimeSpan MaxSession = TimeSpan.FromHours(12);

    /// <summary>The cookie sign-in's properties: when the user signed in, for <see cref="MaxSession"/>.</summary>
    public static AuthenticationProperties SignInProperties(DateTimeOffset now)
    {
        var properties = new AuthenticationProperties();
        StampSignIn(properties, now);
        return properties;
    }

    private static void StampSignIn(AuthenticationProperties properties, DateTimeOffset signedInAt) =>
        properties.Items[SignedInAtItem] = signedInAt.ToString("O", CultureInfo.InvariantCulture);

    public static IServiceCollection AddForwardAuthentication(this IServiceCollection services)
    {
        services.AddScoped<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped<SignInService>();
        services.AddSingleton<UnknownAccountLockouts>();
        services.AddSingleton<AccountChecks>();
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, SelectorScheme, o =>
            {
                // Bearer tokens are for the JSON and FHIR APIs only: pages take the sign-in cookie (and its anti-forgery),
                // so a token issued to a client system does not open the pages as well.
                o.ForwardDefaultSelector = context =>
                    TakesBearerTokensOnly(context.Request) && context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerScheme : CookieScheme;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.LoginPath = "/Account/SignIn";
                o.LogoutPath = "/Account/SignOut";
                o.AccessDeniedPath = "/Account/AccessDenied";
                o.Cookie.Name = "Forward.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
                o.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
            })
            .AddBearerToken(BearerTokenScheme, o =>
            {
                o.BearerTokenExpiration = TimeSpan.FromHours(1);

                // The scheme's name is case-insensitive (RFC 9110 11.1), as the selector above reads it; the handler
                // itself takes only "Bearer", so a client sending "bearer" would be routed here and then refused.
                o.Events.OnMessageReceived = context =>
                {
                    var header = context.Request.Headers.Authorization.ToString();
                    if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
                    {
                        context.Token = header["Bearer ".Length..].Trim();
                    }

                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, CheckedBearerHandler>(BearerScheme, null);

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SignedInPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(BookerPolicy, p => p.RequireRole(Roles.PracticeStaff, Roles.Nhs111, Roles.HubClinician))
            .AddPolicy(HubClinicianPolicy, p => p.RequireRole(Roles.HubClinician))
            .AddPolicy(CommissionerPolicy, p => p.RequireRole(Roles.Commissioner));
        return services;
    }

    /// <summary>
    /// A page session lasts while its account is as it was at sign-in: a cookie from before an account was removed (or
    /// removed and made again), or its role or organisation changed, no longer signs anyone in, and none outlives
    /// <see cref="MaxSession"/> however often it slides. The API and FHIR take bearer tokens only, so their requests are
    /// not checked here (their tokens are, by <see cref="CheckedBearerHandler"/>).
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        if (TakesBearerTokensOnly(context.Request))
        {
            return;
        }

        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        DateTimeOffset? signedInAt = context.Properties.Items.TryGetValue(SignedInAtItem, out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
        if (signedInAt is null && context.Properties.IssuedUtc is { } issued)
        {
            // A cookie from before sign-in times were kept: the latest it was issued stands in, written into it from now.
            signedInAt = issued;
            StampSignIn(context.Properties, issued);
            context.ShouldRenew = true;
        }

        bool valid;
        try
        {
            // A client system held to some scopes signs in to the API only (SignInService): a page session it has is
            // one from before that rule, and ends.
            valid = context.Principal is { } principal && signedInAt is { } since && now - since <= MaxSession
                && !ApiScopes.LimitsPrincipal(principal)
                && await services.GetRequiredService<AccountChecks>().UnchangedAsync(services.GetRequiredService<ForwardDbContext>(), principal, since, context.HttpContext.RequestAborted);
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            // The database is away for a moment: the page itself will say so. Signing everyone out would not help.
            return;
        }

        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    /// <summary>The JSON API and FHIR: machines' endpoints, signed in by bearer token, never by the pages' cookie.</summary>
    private static bool TakesBearerTokensOnly(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || Fhir.FhirErrors.IsFhirPath(request.Path);

    /// <summary>
    /// API calls get a status code, never a redirect to the sign-in page. A 401 says how to authenticate, as the bearer
    /// handler's own does: this one answers a call with no bearer token to an address that has no endpoint anonymous
    /// callers may reach (an unknown route, a method the route does not take).
    /// </summary>
    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (TakesBearerTokensOnly(context.Request))
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = BearerScheme;
            }

            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
