using System.Diagnostics;
using Forward.Domain;
using Forward.Web.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Fhir;

/// <summary>
/// A failure the FHIR layer itself detects (a missing parameter, a malformed resource, a forbidden element), carrying
/// the HTTP status and Spine error code to answer with.
/// </summary>
public sealed class FhirException : Exception
{
    public FhirException(int status, string spineCode, string message)
        : base(message)
    {
        Status = status;
        SpineCode = spineCode;
    }

    public FhirException()
        : this(StatusCodes.Status400BadRequest, FhirErrors.BadRequest, "The request is not valid.")
    {
    }

    public FhirException(string message)
        : this(StatusCodes.Status400BadRequest, FhirErrors.BadRequest, message)
    {
    }

    public FhirException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = StatusCodes.Status400BadRequest;
        SpineCode = FhirErrors.BadRequest;
    }

    public int Status { get; }

    public string SpineCode { get; }

    public static FhirException MissingParameter(string message) => new(StatusCodes.Status400BadRequest, FhirErrors.BadRequest, message);

    public static FhirException InvalidParameter(string message) => new(StatusCodes.Status422UnprocessableEntity, FhirErrors.InvalidParameter, message);

    public static FhirException InvalidResource(string message) => new(StatusCodes.Status422UnprocessableEntity, FhirErrors.InvalidResource, message);
}

/// <summary>A failure as the FHIR API answers it: HTTP status, Spine error code and a diagnostics text for the caller.</summary>
public sealed record FhirError(int Status, string SpineCode, string Diagnostics)
{
    /// <summary>False for an error that must not be sent again (a change that was made): no Retry-After then.</summary>
    public bool MayRetry { get; init; } = true;
}

/// <summary>
/// The one place where a failure on /fhir becomes an HTTP status and an OperationOutcome: Forward's domain errors,
/// the FHIR layer's own, bare error statuses (401, 404, 405 ...) and anything unexpected (500, no details leaked).
/// The Spine code goes in <c>issue.details.coding</c>, as GP Connect does.
/// </summary>
public static class FhirErrors
{
    /// <summary>Spine error and warning codes, R4 edition of the code system GP Connect uses.</summary>
    public const string SpineSystem = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";

    public const string BadRequest = "BAD_REQUEST";
    public const string InvalidResource = "INVALID_RESOURCE";
    public const string InvalidParameter = "INVALID_PARAMETER";
    public const string NoRecordFound = "NO_RECORD_FOUND";
    public const string PatientNotFound = "PATIENT_NOT_FOUND";
    public const string DuplicateRejected = "DUPLICATE_REJECTED";
    public const string ConstraintViolation = "FHIR_CONSTRAINT_VIOLATION";
    public const string AccessDenied = "ACCESS_DENIED";
    public const string InvalidNhsNumber = "INVALID_NHS_NUMBER";
    public const string InvalidIdentifierSystem = "INVALID_IDENTIFIER_SYSTEM";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";
    public const string TooManyRequests = "TOO_MANY_REQUESTS";

    private static readonly Dictionary<string, (string Display, OperationOutcome.IssueType Type)> Codes = new(StringComparer.Ordinal)
    {
        [BadRequest] = ("Bad request", OperationOutcome.IssueType.Invalid),
        [InvalidResource] = ("Invalid validation of resource", OperationOutcome.IssueType.Invalid),
        [InvalidParameter] = ("Invalid parameter", OperationOutcome.IssueType.Invalid),
        [NoRecordFound] = ("No record found", OperationOutcome.IssueType.NotFound),
        [PatientNotFound] = ("Patient not found", OperationOutcome.IssueType.NotFound),
        [DuplicateRejected] = ("Create would lead to creation of a duplicate resource", OperationOutcome.IssueType.Duplicate),
        [ConstraintViolation] = ("FHIR constraint violated", OperationOutcome.IssueType.Conflict),
        [AccessDenied] = ("Access has been denied to process this request", OperationOutcome.IssueType.Forbidden),
        [InvalidNhsNumber] = ("NHS number invalid", OperationOutcome.IssueType.Value),
        [InvalidIdentifierSystem] = ("Invalid identifier system", OperationOutcome.IssueType.Value),
        [UnsupportedMediaType] = ("Unsupported media type", OperationOutcome.IssueType.NotSupported),
        [InternalServerError] = ("Unexpected internal server error", OperationOutcome.IssueType.Exception),
        [TooManyRequests] = ("Too many requests", OperationOutcome.IssueType.Throttled),
    };

    public static bool IsFhir(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsFhirPath(context.Request.Path);
    }

    public static bool IsFhirPath(PathString path) => path.StartsWithSegments(FhirEndpoints.Base, StringComparison.OrdinalIgnoreCase);

    /// <summary>Classifies any exception; <paramref name="isSearch"/> makes rule failures INVALID_PARAMETER rather than INVALID_RESOURCE.</summary>
    public static FhirError From(Exception exception, bool isSearch)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            FhirException fhir => new(fhir.Status, fhir.SpineCode, fhir.Message),
            DomainException domain => FromDomain(domain, isSearch),
            // The server's own body limit names its limit, not the documented one the reader holds to.
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new(StatusCodes.Status413PayloadTooLarge, BadRequest, FhirRequests.TooLargeMessage),
            BadHttpRequestException bad => new(bad.StatusCode, bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? UnsupportedMediaType : BadRequest, Trim(bad.Message)),
            SavedButNotReadException saved => new(StatusCodes.Status503ServiceUnavailable, InternalServerError, saved.Message) { MayRetry = false },
            _ when Forward.Data.DbErrors.IsUnavailable(exception) => new(StatusCodes.Status503ServiceUnavailable, InternalServerError, "Forward cannot reach its database just now. Nothing was saved; retry after a few seconds."),
            _ => new(StatusCodes.Status500InternalServerError, InternalServerError, $"Something went wrong in Forward. Quote trace {Activity.Current?.TraceId.ToString() ?? "unknown"} if you report it."),
        };
    }

    /// <summary>A bare error status with no body (from authentication, routing, method matching ...).</summary>
    public static FhirError FromStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => new(status, AccessDenied, "Authenticate with a bearer token: POST /api/v1/auth/token, then send 'Authorization: Bearer <token>'."),
        StatusCodes.Status403Forbidden => new(status, AccessDenied, "You may not use this interaction."),
        StatusCodes.Status404NotFound => new(status, NoRecordFound, "There is no such FHIR resource or interaction here; see GET /fhir/metadata."),
        StatusCodes.Status405MethodNotAllowed => new(status, BadRequest, "That HTTP method is not supported here; see GET /fhir/metadata."),
        StatusCodes.Status415UnsupportedMediaType => new(status, UnsupportedMediaType, "Send application/fhir+json."),
        StatusCodes.Status429TooManyRequests => new(status, TooManyRequests, "Too many requests from this caller in the last minute; this one was not processed. Retry after the seconds Retry-After gives."),
        >= 500 => new(status, InternalServerError, "Something went wrong in Forward."),
        _ => new(status, BadRequest, "The request could not be processed."),
    };

    public static OperationOutcome Outcome(FhirError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (display, type) = Codes.TryGetValue(error.SpineCode, out var known) ? known : (error.SpineCode, OperationOutcome.IssueType.Processing);
        return new OperationOutcome
        {
            Meta = new Meta { Profile = ["http://hl7.org/fhir/StructureDefinition/OperationOutcome"] },
            Issue =
            [
                new OperationOutcome.IssueComponent
                {
                    Severity = OperationOutcome.IssueSeverity.Error,
                    Code = type,
                    Details = new CodeableConcept { Coding = [new Coding(SpineSystem, error.SpineCode, display)] },
                    Diagnostics = error.Diagnostics,
                },
            ],
        };
    }

    /// <summary>The answer for a failure; a 503 (the database away, or still being prepared) says when to try again.</summary>
    public static IResult Result(FhirError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new FhirResult(Outcome(error), error.Status, retryAfter: error.Status == StatusCodes.Status503ServiceUnavailable && error.MayRetry ? ApiExceptionHandler.RetryAfterSeconds : null);
    }

    /// <summary>Writes the OperationOutcome for a bare error status (registered with UseStatusCodePages for /fhir).</summary>
    public static Task WriteStatusAsync(StatusCodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.HttpContext;
        return Result(FromStatus(http.Response.StatusCode)).ExecuteAsync(http);
    }

    private static FhirError FromDomain(DomainException domain, bool isSearch)
    {
        var message = Trim(domain.Message);
        return domain.Code switch
        {
            "slot-not-free" or "overlapping-appointment" or "idempotency-key-reused" => new(StatusCodes.Status409Conflict, DuplicateRejected, message),
            "version-mismatch" => new(StatusCodes.Status409Conflict, ConstraintViolation, message),
            "patient-not-found" => new(StatusCodes.Status404NotFound, PatientNotFound, message),
            _ => domain.Kind switch
            {
                DomainErrorKind.NotFound => new(StatusCodes.Status404NotFound, NoRecordFound, message),
                DomainErrorKind.Forbidden => new(StatusCodes.Status403Forbidden, AccessDenied, message),

                // A rule about the appointment's state (cancelled, already started): the resource cannot be processed.
                DomainErrorKind.Conflict => new(StatusCodes.Status422UnprocessableEntity, InvalidResource, message),
                _ => new(StatusCodes.Status422UnprocessableEntity, isSearch ? InvalidParameter : InvalidResource, message),
            },
        };
    }

    private static string Trim(string message) => message.Length > 500 ? message[..500] : message;
}

/// <summary>Exceptions that escape the FHIR endpoints' own handling (the endpoint filter catches most) become OperationOutcomes too.</summary>
internal sealed class FhirExceptionHandler(ILogger<FhirExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (!FhirErrors.IsFhirPath(new PathString(path)))
        {
            return false;
        }

        var error = FhirErrors.From(exception, HttpMethods.IsGet(httpContext.Request.Method));
        if (error.Status is >= 500 and not StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogError(exception, "FHIR request failed unexpectedly");
        }

        await FhirErrors.Result(error).ExecuteAsync(httpContext);
        return true;
    }
}
