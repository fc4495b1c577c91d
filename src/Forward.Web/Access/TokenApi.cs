using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Forward.Web.Access;

public sealed record TokenRequest(string? UserName, string? Password);

/// <summary>
/// A bearer token and how long it lasts. No refresh token: nothing takes one (a client signs in again after the hour),
/// and one handed out would be a second, longer-lived credential to keep safe for nothing.
/// </summary>
public sealed record TokenResponse(string TokenType, string AccessToken, long ExpiresIn);

public static class TokenApi
{
    public static void MapTokenApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/auth/token", IssueAsync)
            .AllowAnonymous()
            .RequireRateLimiting(Infrastructure.RateLimits.SignIn)
            .WithTags("Authentication")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Exchange a user name and password for a bearer token (one hour).");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueAsync(
        TokenRequest request, SignInService signIn, HttpContext http, TimeProvider clock, IOptionsMonitor<BearerTokenOptions> bearer, CancellationToken cancellationToken)
    {
        var attempt = await signIn.CheckAsync(request.UserName, request.Password, SignInTo.Api, cancellationToken);
        if (attempt.Result == SignInResultKind.LockedOut)
        {
            // At most the lockout period: the account opens again by then.
            http.Response.Headers.RetryAfter = ((int)SignInService.LockoutPeriod.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return attempt.Result switch
        {
            SignInResultKind.Success => TypedResults.Ok(Issue(attempt.User!, clock, bearer.Get(AuthenticationSetup.BearerTokenScheme))),
            SignInResultKind.LockedOut => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Account locked.", detail: "Too many failed sign-ins. Try again in 15 minutes.", type: Infrastructure.Problems.TypeBase + "locked-out"),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed.", detail: "The user name or password is not right.", type: Infrastructure.Problems.TypeBase + "sign-in-failed"),
        };
    }

    /// <summary>
    /// The token the bearer handler reads (its own protector and lifetime), stamped with when it was issued: a token newer
    /// than the last read of its account is checked against the account at once (AccountChecks).
    /// </summary>
    private static TokenResponse Issue(Forward.Domain.Access.UserAccount user, TimeProvider clock, BearerTokenOptions options)
    {
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.BearerTokenExpiration };
        var principal = new ClaimsPrincipal(ForwardClaims.CreateIdentity(user, AuthenticationSetup.BearerScheme));
        var token = options.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, AuthenticationSetup.BearerTokenScheme));
        return new TokenResponse("Bearer", token, (long)options.BearerTokenExpiration.TotalSeconds);
    }
}
