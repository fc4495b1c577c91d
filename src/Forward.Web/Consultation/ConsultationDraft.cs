using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Forward.Domain;
using Forward.Domain.Consultation;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Forward.Web.Consultation;

/// <summary>
/// Everything the patient has entered so far. It travels between the form's steps in one hidden field, encrypted and
/// signed by data protection with an expiry, so there is no server session and nobody can read or alter it in the page.
/// </summary>
public sealed class ConsultationDraft
{
    public string? PracticeOds { get; set; }

    /// <summary>
    /// Made when the form is first filled in and kept through every step: the request it sends is stored under it and
    /// the answers together, so sending the same form again finds that request instead of making another.
    /// </summary>
    public string SubmissionKey { get; set; } = FormKeys.New();

    /// <summary>The furthest step completed.</summary>
    public int Completed { get; set; }

    public Dictionary<string, bool?> RedFlags { get; set; } = [];

    public string? NhsNumber { get; set; }

    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    public DateOnly? DateOfBirth { get; set; }

    public string? Email { get; set; }

    public string? Mobile { get; set; }

    public ConsultationKind? Kind { get; set; }

    public AdminRequestType? AdminType { get; set; }

    public string? ProblemSummary { get; set; }

    public DurationBand? Duration { get; set; }

    public SeverityBand? Severity { get; set; }

    public string? Details { get; set; }

    /// <summary>Made from the fields above, so not sealed into the draft a second time.</summary>
    [JsonIgnore]
    public ConsultationIdentity Identity => new(NhsNumber, GivenName, FamilyName, DateOfBirth, Email, Mobile);

    [JsonIgnore]
    public ConsultationDetails RequestDetails => new(Kind, AdminType, ProblemSummary, Duration, Severity, Details);
}

/// <summary>
/// Protects and reads <see cref="ConsultationDraft"/>s and the confirmation page's token. The expiry is inside the
/// protected payload and checked against Forward's clock (not the machine's), so it follows the same time as the rest.
/// </summary>
public sealed class ConsultationDraftProtector(IDataProtectionProvider provider, TimeProvider clock, IOptions<ConsultationOptions> options)
{
    private readonly IDataProtector drafts = provider.CreateProtector("Forward.Consult.Draft.v1");
    private readonly IDataProtector confirmations = provider.CreateProtector("Forward.Consult.Confirmation.v1");

    /// <summary>
    /// Letters outside ASCII written as themselves, not as six-byte \u escapes: a full-length request in Urdu or Bengali
    /// would otherwise outgrow the form's field limit once sealed (characters beyond the Basic Multilingual Plane, emoji,
    /// are still escaped, twelve bytes each; the test's full-length emoji summary fits). Safe here, as the JSON is only
    /// ever encrypted, never written into a page or a script.
    /// </summary>
    private static readonly JsonSerializerOptions SealedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Protect(ConsultationDraft draft) =>
        drafts.Protect(JsonSerializer.Serialize(new Sealed<ConsultationDraft>(draft, clock.GetUtcNow().AddMinutes(Math.Max(1, options.Value.FormLifetimeMinutes))), SealedJson));

    /// <summary>The draft, or null when the state is missing, altered or expired.</summary>
    public ConsultationDraft? Unprotect(string? state) => Open<ConsultationDraft>(drafts, state);

    /// <summary>A token for the confirmation page carrying only the request's reference; valid for a day.</summary>
    public string ProtectReference(string reference) =>
        confirmations.Protect(JsonSerializer.Serialize(new Sealed<string>(reference, clock.GetUtcNow().AddDays(1)), SealedJson));

    public string? UnprotectReference(string? token) => Open<string>(confirmations, token);

    private T? Open<T>(IDataProtector protector, string? value)
        where T : class
    {
        // Anything the form field could carry is opened: emoji are sealed at twelve bytes each, so a description at its
        // limit in emoji alone outgrew the 20,000 characters once read here. A longer value is not Forward's, and is not
        // decrypted.
        if (string.IsNullOrWhiteSpace(value) || value.Length > Pages.Consult.IndexModel.MaxValueBytes)
        {
            return null;
        }

        try
        {
            var sealedValue = JsonSerializer.Deserialize<Sealed<T>>(protector.Unprotect(value));
            return sealedValue is null || sealedValue.ExpiresUtc < clock.GetUtcNow() ? null : sealedValue.Value;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }

    private sealed record Sealed<T>(T Value, DateTimeOffset ExpiresUtc);
}
