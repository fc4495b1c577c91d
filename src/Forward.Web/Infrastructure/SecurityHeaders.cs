namespace Forward.Web.Infrastructure;

public static class SecurityHeaders
{
    /// <summary>A year, as the NCSC and HSTS preload lists ask for.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>Browsers refuse HSTS from these, and a developer's machine must not be pinned to HTTPS.</summary>
    private static readonly string[] HstsExcludedHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// Strict defaults for every response. Pages use no inline script or style, so the CSP needs no 'unsafe-inline';
    /// only the Scalar API reference, which builds its page with inline script, is given a looser policy. With
    /// <paramref name="hsts"/> (deployed), HTTPS answers carry Strict-Transport-Security. Set as the response starts,
    /// not before the rest of the pipeline runs: the exception handler clears the headers of a failed request before the
    /// API's and FHIR's error handlers write their answer, and those answers need them as much as any other.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool hsts) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase)
                    ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
                    : "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'";
                if (hsts && context.Request.IsHttps && !HstsExcludedHosts.Contains(context.Request.Host.Host, StringComparer.OrdinalIgnoreCase))
                {
                    headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                return Task.CompletedTask;
            });
            await next();
        });
}
