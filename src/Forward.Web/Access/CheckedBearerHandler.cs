using System.Text.Encodings.Web;
using Forward.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Forward.Web.Access;

/// <summary>
/// The API's and FHIR's bearer scheme: the token as ASP.NET Core's bearer-token handler reads it (signature, expiry),
/// then its account as <see cref="AccountChecks"/> last saw it. A token whose account was removed, or whose role or
/// organisation changed, is refused (401) like an expired one. Challenges and refusals are the bearer handler's.
/// </summary>
public sealed class CheckedBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AccountChecks accounts)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = await Context.AuthenticateAsync(AuthenticationSetup.BearerTokenScheme);
        if (!token.Succeeded || token.Principal is null)
        {
            return token;
        }

        try
        {
            if (!await accounts.RecentlyUnchangedAsync(Context.RequestServices.GetRequiredService<ForwardDbContext>(), token.Principal, token.Properties?.IssuedUtc, Context.RequestAborted))
            {
                return AuthenticateResult.Fail("The account this token was issued for has changed.");
            }
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            // The database is away for a moment: the endpoint will answer 503 itself; refusing the token would not help.
        }

        return AuthenticateResult.Success(new AuthenticationTicket(token.Principal, token.Properties, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.ChallengeAsync(AuthenticationSetup.BearerTokenScheme, properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.ForbidAsync(AuthenticationSetup.BearerTokenScheme, properties);
}
