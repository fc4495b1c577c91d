using System.Globalization;
using System.Security.Claims;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Booking;

namespace Forward.Web.Access;

public static class ForwardClaims
{
    public const string DisplayName = "name";
    public const string PracticeId = "forward:practice";
    public const string HubId = "forward:hub";
    public const string CcgId = "forward:ccg";
    public const string OrganisationOds = "forward:ods";

    /// <summary>One claim per scope the account's client system may use (FHIR API); see <see cref="UserAccount.Scopes"/>.</summary>
    public const string Scope = "scope";

    public static ClaimsIdentity CreateIdentity(UserAccount user, string authenticationType)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName),
            new(DisplayName, user.DisplayName),
            new(ClaimTypes.Role, user.Role),
        };
        if (user.PracticeId is { } practice)
        {
            claims.Add(new(PracticeId, practice.ToString(CultureInfo.InvariantCulture)));
        }

        if (user.HubId is { } hub)
        {
            claims.Add(new(HubId, hub.ToString(CultureInfo.InvariantCulture)));
        }

        if (user.CcgId is { } ccg)
        {
            claims.Add(new(CcgId, ccg.ToString(CultureInfo.InvariantCulture)));
        }

        if (user.OrganisationOds is { } ods)
        {
            claims.Add(new(OrganisationOds, ods));
        }

        claims.AddRange(ScopesOf(user.Scopes).Select(scope => new Claim(Scope, scope)));
        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
    }

    /// <summary>The scopes an account's stored <see cref="UserAccount.Scopes"/> grants, each once.</summary>
    public static IEnumerable<string> ScopesOf(string? scopes) =>
        (scopes ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal);
}

/// <summary>Who is acting, as the booking and audit code needs to know it; built from the signed-in principal.</summary>
public sealed record Actor(string UserName, string Role, int? PracticeId, int? HubId, int? CcgId, string? OrganisationOds)
{
    public static Actor From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            throw DomainException.Forbidden("not-signed-in", "Sign in first.");
        }

        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? throw DomainException.Forbidden("no-role", "Your account has no role in Forward.");
        return new Actor(
            user.Identity.Name ?? "unknown",
            role,
            IntClaim(user, ForwardClaims.PracticeId),
            IntClaim(user, ForwardClaims.HubId),
            IntClaim(user, ForwardClaims.CcgId),
            user.FindFirstValue(ForwardClaims.OrganisationOds));
    }

    public bool IsCommissioner => Role == Roles.Commissioner;

    public bool IsPracticeStaff => Role == Roles.PracticeStaff;

    public bool IsHubClinician => Role == Roles.HubClinician;

    public bool IsNhs111 => Role == Roles.Nhs111;

    /// <summary>The channel is fixed by who books, never chosen by the client, so nobody borrows another channel's window.</summary>
    public BookingChannel Channel => Role switch
    {
        Roles.PracticeStaff => BookingChannel.Practice,
        Roles.Nhs111 => BookingChannel.Nhs111,
        Roles.HubClinician => BookingChannel.Hub,
        Roles.Patient => BookingChannel.Online,
        _ => throw DomainException.Forbidden("cannot-book", "Your role cannot book appointments."),
    };

    /// <summary>
    /// Whether the actor may find and book for a patient registered at this practice: practice staff their own
    /// practice's, hub staff those of a practice their hub is linked to (<paramref name="hubLinkedToPractice"/>, looked
    /// up by the caller), NHS 111 anyone's.
    /// </summary>
    public bool MayBookForPatientOf(int registeredPracticeId, bool hubLinkedToPractice) => Role switch
    {
        Roles.PracticeStaff => registeredPracticeId == PracticeId,
        Roles.HubClinician => hubLinkedToPractice,
        Roles.Nhs111 => true,
        _ => false,
    };

    private static int? IntClaim(ClaimsPrincipal user, string type) =>
        int.TryParse(user.FindFirstValue(type), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
