using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Forward.Web.Infrastructure;

public sealed class RateLimitOptions
{
    /// <summary>Sign-in attempts allowed per client address per minute (the page's form posts and the token endpoint).</summary>
    public int SignInPerMinute { get; set; } = 20;

    /// <summary>Online consultation form posts allowed per client address per hour (every step counts; a request takes about seven).</summary>
    public int ConsultPerHourPerIp { get; set; } = 60;

    /// <summary>Requests to a patient's cancel link allowed per client address per minute (a patient opens it once or twice).</summary>
    public int PatientLinkPerMinute { get; set; } = 30;

    /// <summary>
    /// Record summary requests allowed per signed-in user per minute, page and API together. Every attempt is audited,
    /// refusals too, so this also bounds how fast one account can add record-view rows to the audit log.
    /// </summary>
    public int RecordViewsPerMinutePerUser { get; set; } = 60;

    /// <summary>
    /// FHIR requests allowed per client system (its token's user) per minute, every /fhir interaction together, the
    /// capability statement too (counted per client address when asked for without a token). Every call with a token is
    /// audited, refusals too, so this bounds how fast one account can add rows to the audit log. A client system serves
    /// many users of its own through one account, so the allowance is a system's, not a person's.
    /// </summary>
    public int FhirPerMinutePerUser { get; set; } = 300;

    /// <summary>
    /// What is wrong with these settings, or null. A limit of nothing (or less) is refused by the limiter itself only when
    /// the first request it counts arrives: every sign-in, form post or cancel link would be a 500.
    /// </summary>
    public string? Problem() =>
        new[]
        {
            (Name: nameof(SignInPerMinute), Value: SignInPerMinute),
            (Name: nameof(ConsultPerHourPerIp), Value: ConsultPerHourPerIp),
            (Name: nameof(PatientLinkPerMinute), Value: PatientLinkPerMinute),
            (Name: nameof(RecordViewsPerMinutePerUser), Value: RecordViewsPerMinutePerUser),
            (Name: nameof(FhirPerMinutePerUser), Value: FhirPerMinutePerUser),
        }.FirstOrDefault(limit => limit.Value < 1) is { Name: { } name }
            ? $"Forward:RateLimits:{name} must be a whole number of at least 1, or not set."
            : null;
}

public static class RateLimits
{
    public const string SignIn = "sign-in";

    /// <summary>The public online consultation form: limits its POSTs per client address; its GETs and practice searches are not counted.</summary>
    public const string Consult = "consult";

    /// <summary>The patient's cancel link: anonymous, its signed token the only credential, so it is tried at a bounded rate.</summary>
    public const string PatientLink = "patient-link";

    /// <summary>Record summaries (page and API): counted per signed-in user, so the limiter must run after authentication.</summary>
    public const string RecordView = "record-view";

    /// <summary>The FHIR API, every interaction: counted per signed-in user (a client system), per address for anonymous callers.</summary>
    public const string Fhir = "fhir";

    public static IServiceCollection AddForwardRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Forward:RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options)); // checked at start (RateLimitOptions.Problem)
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                // The body is left to the status-code pages: ProblemDetails for the API, the error page for people.
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
            // Attempts only: opening the sign-in page is not one, and staff behind one shared NHS address each open it.
            o.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
                ? FixedWindow(Address(context), options.SignInPerMinute, TimeSpan.FromMinutes(1))
                : RateLimitPartition.GetNoLimiter("read"));
            o.AddPolicy(Consult, context => HttpMethods.IsPost(context.Request.Method) && !IsPracticeSearch(context.Request)
                ? FixedWindow(Address(context), options.ConsultPerHourPerIp, TimeSpan.FromHours(1))
                : RateLimitPartition.GetNoLimiter("read"));
            o.AddPolicy(PatientLink, context => FixedWindow(Address(context), options.PatientLinkPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(RecordView, context => FixedWindow(UserOrAddress(context), options.RecordViewsPerMinutePerUser, TimeSpan.FromMinutes(1)));
            o.AddPolicy(Fhir, context => FixedWindow(UserOrAddress(context), options.FhirPerMinutePerUser, TimeSpan.FromMinutes(1)));
        });
        return services;
    }

    /// <summary>
    /// The practice search posted from a filled-in form ("Change" next to the practice) only reads, as the search by GET
    /// does: it is not counted, so looking for a practice cannot use up the allowance for sending the request.
    /// </summary>
    private static bool IsPracticeSearch(HttpRequest request) =>
        string.Equals(request.Query["handler"], "Search", StringComparison.OrdinalIgnoreCase);

    /// <summary>The signed-in user, for limits on what an account may do; the client's address when nobody is signed in.</summary>
    private static string UserOrAddress(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "user:" + name : "address:" + Address(context);

    /// <summary>The client's address (a trusted proxy's client, see <see cref="TrustedProxies"/>).</summary>
    private static string Address(HttpContext context) => ClientKey(context.Connection.RemoteIpAddress);

    /// <summary>
    /// The allowance a client address counts against: an IPv4 address as itself (an IPv4-mapped IPv6 address too), an
    /// IPv6 address by its /64, as one subscriber is usually given a whole /64 and could take a fresh address for every
    /// request.
    /// </summary>
    public static string ClientKey(System.Net.IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    /// <summary>So many requests per window for the key, refused at once past that (no queue).</summary>
    private static RateLimitPartition<string> FixedWindow(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 });
}
