using Forward.Domain.Access;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Forward.Web.Access;

public static class AuthenticationSetup
{
    /// <summary>The web pages' cookie.</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>API callers' bearer tokens (issued by POST /api/v1/auth/token).</summary>
    public const string BearerScheme = BearerTokenDefaults.AuthenticationScheme;

    private const string SelectorScheme = "CookieOrBearer";

    public const string BookerPolicy = "Booker";
    public const string HubClinicianPolicy = "HubClinician";
    public const string CommissionerPolicy = "Commissioner";
    public const string SignedInPolicy = "SignedIn";

    public static IServiceCollection AddForwardAuthentication(this IServiceCollection services)
    {
        services.AddScoped<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped<SignInService>();
        services.AddSingleton<UnknownAccountLockouts>();
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, SelectorScheme, o =>
            {
                o.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerScheme : CookieScheme;
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
                o.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
            })
            .AddBearerToken(BearerScheme, o => o.BearerTokenExpiration = TimeSpan.FromHours(1));

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(SignedInPolicy, p => p.RequireAuthenticatedUser())
            .AddPolicy(BookerPolicy, p => p.RequireRole(Roles.PracticeStaff, Roles.Nhs111, Roles.HubClinician))
            .AddPolicy(HubClinicianPolicy, p => p.RequireRole(Roles.HubClinician))
            .AddPolicy(CommissionerPolicy, p => p.RequireRole(Roles.Commissioner));
        return services;
    }

    /// <summary>API calls get a status code, never a redirect to the sign-in page.</summary>
    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || Fhir.FhirErrors.IsFhirPath(context.Request.Path))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
