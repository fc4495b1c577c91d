namespace Forward.Domain;

/// <summary>What kind of failure a domain rule reports; the web layer maps each kind to a status code in one place.</summary>
public enum DomainErrorKind
{
    Validation,
    NotFound,
    Conflict,
    Forbidden,
}

/// <summary>A broken business rule, with a stable machine-readable code and a message fit to show a user.</summary>
public class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    public DomainException()
        : this(DomainErrorKind.Validation, "invalid", "The request broke a rule.")
    {
    }

    public DomainException(string message)
        : this(DomainErrorKind.Validation, "invalid", message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = DomainErrorKind.Validation;
        Code = "invalid";
    }

    public DomainErrorKind Kind { get; }

    public string Code { get; }

    public static DomainException NotFound(string code, string message) => new(DomainErrorKind.NotFound, code, message);

    public static DomainException Conflict(string code, string message) => new(DomainErrorKind.Conflict, code, message);

    public static DomainException Invalid(string code, string message) => new(DomainErrorKind.Validation, code, message);

    public static DomainException Forbidden(string code, string message) => new(DomainErrorKind.Forbidden, code, message);
}

/// <summary>Input that failed validation, with a message per field (field names match the request's property names).</summary>
public sealed class ValidationFailedException : DomainException
{
    public ValidationFailedException(IReadOnlyDictionary<string, string> errors)
        : this("validation-failed", errors)
    {
    }

    public ValidationFailedException()
        : this(new Dictionary<string, string>())
    {
    }

    public ValidationFailedException(string message)
        : this(new Dictionary<string, string> { [string.Empty] = message })
    {
    }

    public ValidationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string> { [string.Empty] = message };
    }

    private ValidationFailedException(string code, IReadOnlyDictionary<string, string> errors)
        : base(DomainErrorKind.Validation, code, errors is { Count: > 0 } ? string.Join(" ", errors.Values) : "The request is not valid.")
    {
        Errors = errors ?? new Dictionary<string, string>();
    }

    public IReadOnlyDictionary<string, string> Errors { get; }

    /// <summary>One field's problem: <paramref name="field"/> as the request names it, the message to show against it.</summary>
    public static ValidationFailedException On(string field, string message) => new(new Dictionary<string, string> { [field] = message });

    /// <summary>
    /// One field's problem under a code of its own instead of "validation-failed": for a value clients tell apart from
    /// other invalid input, such as an id that names nothing (which was once answered as not found, under that code).
    /// </summary>
    public static ValidationFailedException On(string field, string message, string code) => new(code, new Dictionary<string, string> { [field] = message });

    public static void ThrowIfAny(IReadOnlyDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }
}
