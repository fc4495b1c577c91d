using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Fhir;

/// <summary>A FHIR resource written with the Firely serializer as application/fhir+json, never cached.</summary>
/// <param name="retryAfter">Seconds for a Retry-After header (a 503), or null.</param>
public sealed class FhirResult(Resource resource, int status = StatusCodes.Status200OK, int? version = null, string? location = null, string? retryAfter = null) : IResult, IStatusCodeHttpResult
{
    public const string ContentType = "application/fhir+json";

    private static readonly FhirJsonSerializer Serializer = new();

    public Resource Resource { get; } = resource;

    public int? StatusCode => status;

    public static string ETag(int version) => $"W/\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = ContentType + "; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        if (version is { } v)
        {
            response.Headers.ETag = ETag(v);
        }

        if (location is not null)
        {
            response.Headers.Location = location;
        }

        if (retryAfter is not null)
        {
            response.Headers.RetryAfter = retryAfter;
        }

        var body = Serializer.SerializeToBytes(Resource, pretty: false, filterFactory: null);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
