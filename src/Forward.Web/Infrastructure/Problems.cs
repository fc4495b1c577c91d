using System.Text.Json;
using System.Text.RegularExpressions;
using Forward.Domain;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Forward.Web.Infrastructure;

/// <summary>The one place a failure becomes an HTTP status and a ProblemDetails body.</summary>
public static class Problems
{
    public const string TypeBase = "https://forward.nhs.example/problems/";

    /// <summary>The code of an error that has only its status to say what it is (no domain reason behind it).</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad-request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
        StatusCodes.Status406NotAcceptable => "not-acceptable",
        StatusCodes.Status409Conflict => "conflict",
        StatusCodes.Status413PayloadTooLarge => "too-large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
        StatusCodes.Status422UnprocessableEntity => "unprocessable",
        StatusCodes.Status429TooManyRequests => "rate-limited",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        >= 500 => "internal-error",
        _ => "error",
    };

    public static int StatusFor(DomainException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ValidationFailedException => StatusCodes.Status400BadRequest,
            _ => exception.Kind switch
            {
                DomainErrorKind.NotFound => StatusCodes.Status404NotFound,
                DomainErrorKind.Conflict => StatusCodes.Status409Conflict,
                DomainErrorKind.Forbidden => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status422UnprocessableEntity,
            },
        };
    }

    /// <summary>
    /// The ProblemDetails for a broken rule. A validation error's fields are the services' names (shared with the pages,
    /// "SlotIds"); a JSON client needs the names it sent, so each is renamed through <paramref name="fieldNames"/> (the
    /// endpoint's query parameters, headers and nested properties) or else camel-cased as the JSON body is ("slotIds").
    /// </summary>
    public static ProblemDetails From(DomainException exception, ApiFieldNames? fieldNames = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = StatusFor(exception);
        ProblemDetails problem = exception is ValidationFailedException v
            ? new ValidationProblemDetails(WireErrors(v.Errors, fieldNames)) { Title = "The request is not valid." }
            : new ProblemDetails { Title = TitleFor(status) };
        problem.Status = status;
        problem.Type = TypeBase + exception.Code;
        problem.Detail = exception.Message;
        problem.Extensions["code"] = exception.Code;
        return problem;
    }

    private static Dictionary<string, string[]> WireErrors(IReadOnlyDictionary<string, string> errors, ApiFieldNames? fieldNames)
    {
        var wire = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, message) in errors)
        {
            var name = fieldNames?.Find(field) ?? string.Join('.', field.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
            wire[name] = wire.TryGetValue(name, out var earlier) ? [.. earlier, message] : [message];
        }

        return wire;
    }

    private static string TitleFor(int status) => status switch
    {
        StatusCodes.Status404NotFound => "Not found.",
        StatusCodes.Status409Conflict => "Conflict.",
        StatusCodes.Status403Forbidden => "Forbidden.",
        _ => "The request broke a rule.",
    };
}

/// <summary>
/// Endpoint metadata: the wire name of each service field whose name in the request is not its camel-cased C# name (a
/// query parameter, a header, a property of a nested object), so a validation error names what the client sent.
/// </summary>
public sealed class ApiFieldNames(IReadOnlyDictionary<string, string> wireNames)
{
    public string? Find(string field) => wireNames.TryGetValue(field, out var wire) ? wire : null;
}

public static class ApiFieldNamesExtensions
{
    /// <summary>Validation errors from this endpoint name <paramref name="wireNames"/>' values instead of the service's fields.</summary>
    public static TBuilder WithFieldNames<TBuilder>(this TBuilder builder, IReadOnlyDictionary<string, string> wireNames)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiFieldNames(wireNames));
}

/// <summary>Turns exceptions from API calls into ProblemDetails (500 for an unexpected one); page requests fall through to the error page.</summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // By now the middleware has already rewritten Request.Path to the error page; the feature keeps the original.
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path;
        if (!new PathString(path).StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        ProblemDetails problem;
        switch (exception)
        {
            case DomainException domain:
                problem = Problems.From(domain, httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<ApiFieldNames>());
                break;
            case BadHttpRequestException bad:
                // Malformed JSON, wrong types, bodies too large: said in the client's terms (the field as it is sent),
                // never with the framework's wording, which names Forward's own .NET types.
                var (field, detail) = Describe(bad);
                problem = field is null ? new ProblemDetails() : new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] });
                problem.Status = bad.StatusCode;
                problem.Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large.",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported media type.",
                    _ => "The request could not be read.",
                };
                problem.Detail = detail;
                var code = Problems.CodeForStatus(bad.StatusCode);
                problem.Type = Problems.TypeBase + code;
                problem.Extensions["code"] = code;
                break;
            case var unavailable when Forward.Data.DbErrors.IsUnavailable(unavailable):
                problem = DatabaseUnavailable();
                httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
                break;
            default:
                // A JSON client gets JSON even for a fault of ours: the trace id to quote, never the exception's text
                // (it could carry a patient's details). Handled here, the middleware no longer logs it, so this does.
                LogUnexpected(logger, exception, httpContext.Request.Method, path, httpContext.TraceIdentifier);
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Something went wrong.",
                    Detail = "Forward could not finish this request. Quote the trace id if you report it.",
                    Type = Problems.TypeBase + "internal-error",
                };
                problem.Extensions["code"] = "internal-error";
                break;
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled exception in {Method} {Path} (trace {TraceId})")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path, string traceId);

    /// <summary>How long a client should wait before retrying while the database is away.</summary>
    public const string RetryAfterSeconds = "5";

    public static ProblemDetails DatabaseUnavailable()
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The database is unavailable.",
            Detail = "Forward cannot reach its database just now. Nothing was saved by this request; retry it after a few seconds (the same Idempotency-Key makes a retried booking safe).",
            Type = Problems.TypeBase + "database-unavailable",
        };
        problem.Extensions["code"] = "database-unavailable";
        return problem;
    }

    /// <summary>The field that could not be read, where one can be named, and what to tell the client about it.</summary>
    private static (string? Field, string Detail) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, "The request body is larger than Forward accepts.");
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (null, "Send the body as JSON, with the header Content-Type: application/json.");
        }

        if (bad.InnerException is System.Text.Json.JsonException json)
        {
            // "$.patient.dateOfBirth" → "patient.dateOfBirth"; "$" or none: the body as a whole.
            var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? Clip(path[2..], 100) : null;
            if (json.Message.Contains("could not be mapped", StringComparison.Ordinal) && field is not null)
            {
                return (field, $"{field} is not a field Forward accepts here.");
            }

            return field is null
                ? (null, "The body is not valid JSON of the expected shape: check its brackets, quotes and commas, and that it is an object.")
                : (field, $"The value of {field} could not be read: check its type and format (dates as yyyy-mm-dd, numbers unquoted, and text values from the documented list).");
        }

        if (BindFailure().Match(bad.Message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            return (name, $"The value of {name} could not be read: check its format (dates as yyyy-mm-dd, numbers as digits).");
        }

        return (null, "The request could not be read: check its parameters and body.");
    }

    private static string Clip(string text, int length) => text.Length > length ? text[..length] : text;

    // ASP.NET Core's binding message: Failed to bind parameter "DateOnly? from" from "2026-02-30".
    [GeneratedRegex("^Failed to bind parameter \"[^\"]*? (?<name>[A-Za-z_][A-Za-z0-9_]*)\" from ")]
    private static partial Regex BindFailure();
}
