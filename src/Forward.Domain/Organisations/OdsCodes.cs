namespace Forward.Domain.Organisations;

/// <summary>
/// The shape of an ODS code (practices, CCGs, hubs, booking organisations: "C84901", "15E", "Y111"): ASCII letters and
/// digits, at most ten. A value of any other shape names no organisation, so it is refused before it reaches the
/// database (where PostgreSQL would fail on a NUL in it rather than find nothing).
/// </summary>
public static class OdsCodes
{
    public const int MaxLength = 10;

    public static bool IsWellFormed(string? code) => code is { Length: > 0 and <= MaxLength } && code.All(char.IsAsciiLetterOrDigit);
}
