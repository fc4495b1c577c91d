using System.Globalization;
using System.Reflection;

namespace Forward.Web.Infrastructure;

/// <summary>
/// A date in an API query, read only as yyyy-MM-dd, the form every date field, link and API document of Forward's writes
/// (the pages also take a UK date typed day first: <see cref="PageDateModelBinderProvider"/>).
/// <see cref="DateOnly"/>'s own parsing takes the invariant culture's other forms too, month first: a commissioner typing
/// 01/11/2026 for 1 November got figures for 11 January, with no error, and 30/11/2026 was "not a date".
/// </summary>
public readonly record struct IsoDate(DateOnly Value)
{
    public const string Format = "yyyy-MM-dd";

    /// <summary>
    /// How minimal APIs bind a query parameter of this type: absent or empty (<c>?date=</c>) is not given, as it was for a
    /// <see cref="DateOnly"/>?; any other form is a 400 naming the parameter (Problems reads the framework's wording).
    /// </summary>
    public static ValueTask<IsoDate?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameter);
        var value = context.Request.Query[parameter.Name!].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(value))
        {
            return ValueTask.FromResult<IsoDate?>(null);
        }

        return TryParse(value, CultureInfo.InvariantCulture, out var date)
            ? ValueTask.FromResult<IsoDate?>(date)
            : throw new BadHttpRequestException($"Failed to bind parameter \"IsoDate? {parameter.Name}\" from \"{value}\".");
    }

    public static bool TryParse(string? value, IFormatProvider? provider, out IsoDate date)
    {
        if (DateOnly.TryParseExact(value?.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = new IsoDate(parsed);
            return true;
        }

        date = default;
        return false;
    }

    public override string ToString() => Value.ToString(Format, CultureInfo.InvariantCulture);
}
