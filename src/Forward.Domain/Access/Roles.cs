namespace Forward.Domain.Access;

/// <summary>The people Forward serves; each page and endpoint names the roles it allows.</summary>
public static class Roles
{
    public const string Commissioner = "Commissioner";
    public const string PracticeStaff = "PracticeStaff";
    public const string HubClinician = "HubClinician";
    public const string Nhs111 = "Nhs111";
    public const string Patient = "Patient";

    public static readonly IReadOnlyList<string> All = [Commissioner, PracticeStaff, HubClinician, Nhs111, Patient];

    /// <summary>Those who may book extended-access slots.</summary>
    public const string Bookers = PracticeStaff + "," + Nhs111 + "," + HubClinician;
}

/// <summary>A person who signs in. Scope ties practice staff to a practice, hub clinicians to a hub, commissioners to a CCG.</summary>
public class UserAccount
{
    public int Id { get; set; }

    public required string UserName { get; set; }

    public required string DisplayName { get; set; }

    public required string PasswordHash { get; set; }

    public required string Role { get; set; }

    public int? PracticeId { get; set; }

    public int? HubId { get; set; }

    public int? CcgId { get; set; }

    /// <summary>ODS code of the user's organisation (practice, hub's CCG, NHS 111 provider), recorded on bookings.</summary>
    public string? OrganisationOds { get; set; }

    /// <summary>
    /// SMART-style scopes an API client system may use, space-separated (organization/*.read, patient/*.read,
    /// patient/*.write); null means none. The FHIR API checks them on every call.
    /// </summary>
    public string? Scopes { get; set; }

    public int FailedSignIns { get; set; }

    public DateTime? LockedUntilUtc { get; set; }

    /// <summary>When a wrong password was last given: failures older than a day are forgotten, as an unknown name's are.</summary>
    public DateTime? LastFailedSignInUtc { get; set; }

    /// <summary>
    /// Sessions and tokens issued before this instant no longer sign anyone in: set when the user signs out (ending
    /// every session of theirs, a copied cookie or a token included; not for a shared demo account) and when a demo
    /// account's password is replaced.
    /// </summary>
    public DateTime? SessionsValidFromUtc { get; set; }

    public bool IsDemo { get; set; }
}
