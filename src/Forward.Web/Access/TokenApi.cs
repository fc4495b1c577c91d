using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Forward.Web.Access;

public sealed record TokenRequest(string? UserName, string? Password);

public static class TokenApi
{
    public static void MapTokenApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/auth/token", IssueAsync)
            .AllowAnonymous()
            .RequireRateLimiting(Infrastructure.RateLimits.SignIn)
            .WithTags("Authentication")
            .WithSummary("Exchange a user name and password for a bearer token (one hour).");
    }

    private static async Task<Results<SignInHttpResult, ProblemHttpResult>> IssueAsync(TokenRequest request, SignInService signIn, HttpContext http, TimeProvider clock, CancellationToken cancellationToken)
    {
        var attempt = await signIn.CheckAsync(request.UserName, request.Password, cancellationToken);
        if (attempt.Result == SignInResultKind.LockedOut)
        {
            // At most the lockout period: the account opens again by then.
            http.Response.Headers.RetryAfter = ((int)SignInService.LockoutPeriod.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return attempt.Result switch
        {
            // Stamped with when it was issued (the bearer handler sets only the expiry): a token newer than the last read
            // of its account is checked against the account at once (AccountChecks).
            SignInResultKind.Success => TypedResults.SignIn(
                new ClaimsPrincipal(ForwardClaims.CreateIdentity(attempt.User!, AuthenticationSetup.BearerScheme)),
                new Microsoft.AspNetCore.Authentication.AuthenticationProperties { IssuedUtc = clock.GetUtcNow() },
                AuthenticationSetup.BearerTokenScheme),
            SignInResultKind.LockedOut => TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Account locked.", detail: "Too many failed sign-ins. Try again in 15 minutes.", type: Infrastructure.Problems.TypeBase + "locked-out"),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed.", detail: "The user name or password is not right.", type: Infrastructure.Problems.TypeBase + "sign-in-failed"),
        };
    }
}
