using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Forward.Domain.Time;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.Primitives;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Fhir;

/// <summary>A search date parameter: a London calendar date or an instant given with its offset.</summary>
public sealed record FhirDate(DateOnly? Date, DateTimeOffset? Instant)
{
    /// <summary>Start of the date in London, or the instant.</summary>
    public DateTime StartUtc => Instant?.UtcDateTime ?? London.StartOfDayUtc(Date!.Value);

    /// <summary>End of the date in London (midnight after), or the instant.</summary>
    public DateTime EndUtc => Instant?.UtcDateTime ?? London.StartOfDayUtc(Date!.Value.AddDays(1));
}

/// <summary>Reading FHIR requests: search parameters (GP Connect's rules) and resource bodies (strict Firely parsing).</summary>
public static partial class FhirRequests
{
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>
    /// The answer to any body over the limit, whichever refuses it: this reader, or the server (its own limit is larger, so
    /// a body over it is over this one too), which would otherwise name its own limit instead of the documented one.
    /// </summary>
    public static readonly string TooLargeMessage = $"The resource must be at most {MaxBodyBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes.";

    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    /// <summary>The one value of a parameter that must appear once; null when absent and not required.</summary>
    public static string? One(IQueryCollection query, string name, bool required)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = query[name];
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrWhiteSpace(values[0])))
        {
            return required ? throw FhirException.MissingParameter($"The '{name}' parameter is required.") : null;
        }

        return values.Count > 1
            ? throw FhirException.InvalidParameter($"The '{name}' parameter may be given only once.")
            : values[0]!.Trim();
    }

    public static StringValues All(IQueryCollection query, string name)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query[name];
    }

    /// <summary>
    /// Parses "ge2026-06-08" or "le2026-06-08T20:00:00+01:00" with the one prefix allowed. A date must be yyyy-MM-dd (no
    /// partial dates); a dateTime must carry its offset.
    /// </summary>
    public static FhirDate Date(string raw, string name, string prefix, bool allowDateTime)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!raw.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw FhirException.InvalidParameter($"The '{name}' parameter must use the '{prefix}' prefix, like {name}={prefix}2026-06-08.");
        }

        // A '+' in an unencoded query string arrives as a space.
        var value = raw[prefix.Length..].Replace(' ', '+');
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new FhirDate(WithinBounds(date, name), null);
        }

        if (allowDateTime && DateTimeShape().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            _ = WithinBounds(DateOnly.FromDateTime(instant.UtcDateTime), name);
            return new FhirDate(null, instant);
        }

        throw FhirException.InvalidParameter(allowDateTime
            ? $"The '{name}' parameter must be a date (yyyy-MM-dd) or a dateTime with offset (yyyy-MM-ddThh:mm:ss+hh:mm), not '{Show(value)}'."
            : $"The '{name}' parameter must be a date (yyyy-MM-dd), not '{Show(value)}'.");
    }

    private static DateOnly WithinBounds(DateOnly date, string name) => DateBounds.Contains(date)
        ? date
        : throw FhirException.InvalidParameter($"The '{name}' parameter must be between {DateBounds.Earliest:yyyy-MM-dd} and {DateBounds.Latest:yyyy-MM-dd}.");

    /// <summary>Splits a token "system|code"; system is null when there is no bar.</summary>
    public static (string? System, string Code) Token(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var bar = raw.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (null, raw.Trim()) : (raw[..bar].Trim(), raw[(bar + 1)..].Trim());
    }

    /// <summary>
    /// Server-driven negotiation (FHIR R4 http.html#mime-type): Forward answers in FHIR R4 JSON only, so a request whose
    /// _format or Accept asks for anything else (XML, another FHIR version) gets 406 rather than JSON it did not ask for.
    /// </summary>
    public static void EnsureJsonAcceptable(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query.TryGetValue("_format", out var formats))
        {
            foreach (var format in formats)
            {
                // An unencoded '+' in a query string arrives as a space: "application/fhir json" meant "+". Only in the
                // media type itself: the space after a ';' is a parameter's.
                if (!IsJson(PlusFromSpace(format), wildcards: false))
                {
                    throw NotAcceptable($"_format '{Show(format ?? string.Empty)}' is not available: Forward answers in FHIR R4 JSON (_format=json).");
                }
            }

            return; // _format overrides Accept
        }

        var accept = request.Headers.Accept.ToString();
        if (accept.Length > 0 && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var types)
            && !types.Any(t => t.Quality is not 0 && IsJson(t.ToString(), wildcards: true)))
        {
            throw NotAcceptable("Forward answers in FHIR R4 JSON: accept application/fhir+json (fhirVersion 4.0).");
        }
    }

    private static string? PlusFromSpace(string? format)
    {
        var semicolon = format?.IndexOf(';', StringComparison.Ordinal) ?? -1;
        return semicolon < 0 ? format?.Replace(' ', '+') : format![..semicolon].Replace(' ', '+') + format[semicolon..];
    }

    private static bool IsJson(string? value, bool wildcards)
    {
        if (value is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(value, out var type))
        {
            return value is not null && value.Trim().Equals("json", StringComparison.OrdinalIgnoreCase);
        }

        var media = type.MediaType.Value ?? string.Empty;
        var json = media.Equals(FhirResult.ContentType, StringComparison.OrdinalIgnoreCase) || media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("application/json+fhir", StringComparison.OrdinalIgnoreCase) // the DSTU2 name, which R4 asks servers to accept
            || (wildcards && (media == "*/*" || media.Equals("application/*", StringComparison.OrdinalIgnoreCase)));
        return json && IsR4(type);
    }

    /// <summary>True unless the media type's fhirVersion parameter names another FHIR version than R4 (4.0, 4.0.x).</summary>
    private static bool IsR4(Microsoft.Net.Http.Headers.MediaTypeHeaderValue type)
    {
        var version = type.Parameters.FirstOrDefault(p => p.Name.Equals("fhirVersion", StringComparison.OrdinalIgnoreCase))?.Value.Value?.Trim('"');
        return version is null || version == "4.0" || version.StartsWith("4.0.", StringComparison.Ordinal);
    }

    private static FhirException NotAcceptable(string message) => new(StatusCodes.Status406NotAcceptable, FhirErrors.UnsupportedMediaType, message);

    /// <summary>Reads and strictly parses a FHIR JSON resource body: 415 for another media type, 400 for anything malformed.</summary>
    public static async Task<T> ReadResourceAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(request);
        var parsed = request.ContentType is { } ct && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(ct, out var type) ? type : null;
        var mediaType = parsed?.MediaType.Value;
        if (parsed is null || mediaType is null || !(mediaType.Equals(FhirResult.ContentType, StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new FhirException(StatusCodes.Status415UnsupportedMediaType, FhirErrors.UnsupportedMediaType, "Send the resource as application/fhir+json.");
        }

        // The body is read as UTF-8, as FHIR JSON is; a body declared in another charset would be misread.
        var charset = parsed.Charset.Value?.Trim('"');
        if (!string.IsNullOrEmpty(charset) && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw new FhirException(StatusCodes.Status415UnsupportedMediaType, FhirErrors.UnsupportedMediaType, "Send the resource in UTF-8 (charset=utf-8).");
        }

        // A body declared as another FHIR version means other things by the same names (STU3's Appointment is not R4's):
        // refused, as an Accept asking for another version is.
        if (!IsR4(parsed))
        {
            throw new FhirException(StatusCodes.Status415UnsupportedMediaType, FhirErrors.UnsupportedMediaType, "Send the resource as FHIR R4: fhirVersion=4.0, or no fhirVersion.");
        }

        // Counted in bytes as they arrive, as the limit says: a body of multi-byte characters is no bigger than its bytes.
        var bytes = new byte[MaxBodyBytes + 1];
        var read = 0;
        int n;
        while (read < bytes.Length && (n = await request.Body.ReadAsync(bytes.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        if (read > MaxBodyBytes)
        {
            throw new FhirException(StatusCodes.Status413PayloadTooLarge, FhirErrors.BadRequest, TooLargeMessage);
        }

        var preamble = Encoding.UTF8.Preamble;
        var skip = bytes.AsSpan(0, read).StartsWith(preamble) ? preamble.Length : 0;
        var json = Encoding.UTF8.GetString(bytes, skip, read - skip);

        if (string.IsNullOrWhiteSpace(json))
        {
            throw FhirException.MissingParameter("The request has no body: send a FHIR resource.");
        }

        Resource resource;
        try
        {
            resource = Strict.DeserializeResource(json);
        }
        catch (DeserializationFailedException ex)
        {
            throw new FhirException(StatusCodes.Status400BadRequest, FhirErrors.BadRequest, "The resource is not valid FHIR R4: " + Clip(string.Join(" ", ex.Exceptions.Select(e => e.Message))));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException
            // Firely throws some shape errors directly instead of collecting them (a "contained" that is not an array).
            or Hl7.Fhir.Utility.CodedException)
        {
            throw new FhirException(StatusCodes.Status400BadRequest, FhirErrors.BadRequest, "The body is not well-formed FHIR JSON: " + Clip(ex.Message));
        }

        if (FirstModifier(resource) is { } modifier)
        {
            // Either changes what the resource means; FHIR requires a server that does not know them to refuse, not ignore.
            throw FhirException.InvalidResource($"Forward does not support {modifier}: send the resource without it.");
        }

        return resource as T
            ?? throw FhirException.InvalidResource($"Expected a {typeof(T).Name} resource, not {resource.TypeName}.");
    }

    /// <summary>"modifierExtension" or "implicitRules" if the resource carries either anywhere, contained resources included.</summary>
    private static string? FirstModifier(Base node)
    {
        if (node is IModifierExtendable { ModifierExtension.Count: > 0 })
        {
            return "modifierExtension";
        }

        if (node is Resource { ImplicitRules: not null })
        {
            return "implicitRules";
        }

        foreach (var (_, value) in node.EnumerateElements())
        {
            var children = value as IEnumerable<Base> ?? (value is Base child ? [child] : []);
            foreach (var item in children)
            {
                if (FirstModifier(item) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    /// <summary>If-Match: W/"3" or "3" → 3.</summary>
    public static int IfMatch(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Headers.IfMatch.ToString().Trim();
        if (raw.Length == 0)
        {
            throw FhirException.MissingParameter("Send If-Match with the version you read, like If-Match: W/\"1\".");
        }

        var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        return int.TryParse(tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw FhirException.MissingParameter("If-Match must be an ETag such as W/\"1\".");
    }

    public static string Show(string value) => value.Length > 40 ? value[..40] + "…" : value;

    private static string Clip(string message) => message.Length > 400 ? message[..400] : message;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimeShape();
}
