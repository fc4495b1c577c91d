using System.Reflection;
using Forward.Domain;

namespace Forward.Web.Infrastructure;

/// <summary>
/// A choice in an API query (role=GeneralPractitioner), read by <see cref="EnumNames"/>' rule: one of the enum's names,
/// sent once. The OpenAPI document lists the names (ForwardApp's operation transformer), as it did for the bare enum.
/// </summary>
public readonly record struct EnumName<TEnum>(TEnum Value)
    where TEnum : struct, Enum
{
    /// <summary>
    /// How minimal APIs bind a query parameter of this type: absent or empty (<c>?mode=</c>) is not given, as an empty
    /// date is; anything but one name, once, is a 400 against the parameter as sent, saying which names there are. The
    /// framework joins a repeated parameter with commas before parsing it, so it must be refused here, where both
    /// values can still be seen.
    /// </summary>
#pragma warning disable CA1000 // The framework finds BindAsync as a static method of the parameter's own type.
    public static ValueTask<EnumName<TEnum>?> BindAsync(HttpContext context, ParameterInfo parameter)
#pragma warning restore CA1000
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parameter);
        var name = parameter.Name!;
        var values = context.Request.Query[name];
        if (values.Count == 0 || (values.Count == 1 && string.IsNullOrWhiteSpace(values[0])))
        {
            return ValueTask.FromResult<EnumName<TEnum>?>(null);
        }

        return values.Count == 1 && EnumNames.TryParse<TEnum>(values[0], out var value)
            ? ValueTask.FromResult<EnumName<TEnum>?>(new EnumName<TEnum>(value))
            : throw ValidationFailedException.On(name, $"Send one {name}: {EnumNames.Listed<TEnum>()}");
    }

    public override string ToString() => Value.ToString();
}
