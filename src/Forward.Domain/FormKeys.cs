using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Forward.Domain;

/// <summary>
/// Keys that make a form that adds something idempotent: each time the form is drawn it gets a new key, the record it
/// adds stores the key under a unique index, and the same form sent again (a double click, a retry, back and send)
/// finds that record instead of adding another.
/// </summary>
public static class FormKeys
{
    /// <summary>The longest key a column holds.</summary>
    public const int MaxLength = 40;

    public static string New() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>True for a key as <see cref="New"/> makes them: hex, at most <see cref="MaxLength"/> characters.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? key) =>
        key is { Length: > 0 and <= MaxLength } && key.All(char.IsAsciiHexDigit);
}

/// <summary>The Idempotency-Key a client sends with a booking (JSON API and FHIR): its own choice of 1 to 100 printable characters.</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = 100;

    public const string Rule = "1 to 100 printable characters";

    public static bool IsWellFormed([NotNullWhen(true)] string? key) =>
        key is { Length: > 0 and <= MaxLength } && !key.Any(char.IsControl);
}
