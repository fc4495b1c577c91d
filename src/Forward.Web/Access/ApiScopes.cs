using System.Security.Claims;
using Forward.Domain;
using Forward.Web.Fhir;

namespace Forward.Web.Access;

/// <summary>The scope a JSON API endpoint needs of a client system (<see cref="ApiScopes"/>).</summary>
public sealed record ApiScope(string Value);

/// <summary>
/// A client system registered with scopes (<see cref="Forward.Domain.Access.UserAccount.Scopes"/>) is held to them on
/// the JSON API as on FHIR: reference data and slots need <c>organization/*.read</c>, reading appointments and records
/// <c>patient/*.read</c>, booking and changing them <c>patient/*.write</c>. An account with no scopes at all (a person's,
/// not a client system's) is governed by its role alone, as before scopes existed.
/// </summary>
public static class ApiScopes
{
    /// <summary>Marks the endpoints (or a group's) as needing <paramref name="scope"/> of a scoped client system.</summary>
    public static TBuilder RequiresScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(new ApiScope(scope));
    }

    /// <summary>Refuses (403, code <c>scope</c>) a scoped principal the scope its endpoint names.</summary>
    public sealed class Filter : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            ArgumentNullException.ThrowIfNull(context);
            ArgumentNullException.ThrowIfNull(next);
            var user = context.HttpContext.User;
            if (context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ApiScope>() is { } required
                && user.HasClaim(c => c.Type == ForwardClaims.Scope)
                && !user.HasClaim(ForwardClaims.Scope, required.Value))
            {
                throw DomainException.Forbidden("scope", $"Your client system is not allowed the scope this call needs ({required.Value}).");
            }

            return next(context);
        }
    }

    public const string OrganisationRead = FhirInteraction.OrganisationRead;
    public const string PatientRead = FhirInteraction.PatientRead;
    public const string PatientWrite = FhirInteraction.PatientWrite;

    private static readonly string[] All = [OrganisationRead, PatientRead, PatientWrite];

    /// <summary>
    /// Whether an account's stored scopes hold it to less than its role allows: a client system given some scopes but not
    /// all. An account with none (a person's) or all of them is governed by its role alone.
    /// </summary>
    public static bool LimitsAccount(string? scopes) => Limits(ForwardClaims.ScopesOf(scopes));

    /// <summary>As <see cref="LimitsAccount"/>, for a signed-in principal's scope claims.</summary>
    public static bool LimitsPrincipal(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return Limits(principal.FindAll(ForwardClaims.Scope).Select(c => c.Value));
    }

    private static bool Limits(IEnumerable<string> scopes)
    {
        var granted = scopes.ToHashSet(StringComparer.Ordinal);
        return granted.Count > 0 && !granted.IsSupersetOf(All);
    }
}
