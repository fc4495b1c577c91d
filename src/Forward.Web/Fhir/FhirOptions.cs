namespace Forward.Web.Fhir;

/// <summary>Forward:Fhir.</summary>
public sealed class FhirOptions
{
    /// <summary>
    /// Other addresses of Forward's FHIR base (its public name behind a proxy, say), under which a booking's absolute
    /// references are read as Forward's own. The first is the one Forward's answers link to.
    /// </summary>
    public IList<string> PublicBaseUrls { get; } = [];

    /// <summary>The FHIR base Forward's answers link to (the first of <see cref="PublicBaseUrls"/>, without a trailing slash), or null when none is configured.</summary>
    public string? PublicBaseUrl => PublicBaseUrls.Count > 0 ? PublicBaseUrls[0].Trim().TrimEnd('/') : null;

    /// <summary>The addresses, read once: each is an absolute http or https address (see <see cref="Problem"/>).</summary>
    public IReadOnlyList<Uri> Bases => bases ??= [.. PublicBaseUrls.Select(Parse).OfType<Uri>()];

    private IReadOnlyList<Uri>? bases;

    /// <summary>
    /// What is wrong with these settings, or null. An entry that is no address would otherwise be passed over, and every
    /// booking a client sent with references under it refused as another server's.
    /// </summary>
    public string? Problem() =>
        PublicBaseUrls.FirstOrDefault(u => Parse(u) is null) is { } bad
            ? $"Forward:Fhir:PublicBaseUrls must list absolute http or https addresses of Forward's FHIR base (for example https://forward.example.nhs.uk/fhir); \"{bad}\" is not one."
            : null;

    private static Uri? Parse(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null;
}
