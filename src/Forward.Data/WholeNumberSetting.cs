using Microsoft.Extensions.Configuration;

namespace Forward.Data;

/// <summary>A whole-number setting read when Forward starts (the database's and the booking writers').</summary>
public static class WholeNumberSetting
{
    /// <summary>
    /// The setting as digits from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="unset"/> when it is
    /// not set. Anything else stops start-up naming it: taking the default instead hid the mistake.
    /// </summary>
    public static int Read(IConfiguration configuration, string key, int unset, int min, int max, string? unit = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[key];
        var what = unit is null ? "a whole number" : $"a whole number of {unit}";
        return configured is null ? unset
            : int.TryParse(configured, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
            : throw new InvalidOperationException($"{key} must be {what} from {min} to {max}, or not set, not '{configured}'.");
    }
}
