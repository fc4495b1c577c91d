using System.Diagnostics.CodeAnalysis;

namespace Forward.Web.Infrastructure;

/// <summary>
/// The one rule for a choice read from a query string or a form, by the API (<see cref="EnumName{TEnum}"/>) and the
/// pages (<see cref="PageEnumModelBinderProvider"/>) alike: exactly one of the enum's names, in any case, spaces around
/// it ignored. The framework's own binding (Enum.TryParse, EnumConverter) also took a number (role=99, or 1 for the
/// second member) and a comma list, or the same parameter twice, whose values it ORed together as bit flags: none of
/// Forward's choices is a set, so role=PracticeNurse,AdvancedNursePractitioner became ClinicalPharmacist, a defined
/// member, and searched for that without a word.
/// </summary>
public static class EnumNames
{
    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        if (TryParse(typeof(TEnum), text, out var parsed))
        {
            value = (TEnum)parsed;
            return true;
        }

        value = default;
        return false;
    }

    public static bool TryParse(Type enumType, string? text, [NotNullWhen(true)] out object? value)
    {
        ArgumentNullException.ThrowIfNull(enumType);
        var trimmed = text?.Trim();

        // Compared with the names themselves, never parsed: no name is a number or holds a comma.
        var name = string.IsNullOrEmpty(trimmed) ? null : Array.Find(Enum.GetNames(enumType), n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase));
        value = name is null ? null : Enum.Parse(enumType, name);
        return value is not null;
    }

    /// <summary>"FaceToFace, Telephone or Video": the names a client may send, for its error message.</summary>
    public static string Listed<TEnum>()
        where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>();
        return names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
