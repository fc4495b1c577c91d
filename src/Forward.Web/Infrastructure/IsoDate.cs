using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// A date in a URL, read only as yyyy-MM-dd, the form every date field, link and API document of Forward's writes.
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

/// <summary>
/// Binds every <see cref="DateOnly"/> a page takes (a binder named on the property wins) as yyyy-mm-dd, what the date
/// fields send, or as a UK date, day first, as a person types one where a browser shows a plain box: 1/6/2026, 1 6 2026,
/// 1 June 2026. Never month first, as DateOnly's own parsing read 01/06/2026 (6 January).
/// </summary>
public sealed class IsoDateModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Metadata.UnderlyingOrModelType == typeof(DateOnly) && context.BindingInfo.BinderType is null
            ? new IsoDateModelBinder()
            : null;
    }

    private static readonly CultureInfo UnitedKingdom = CultureInfo.GetCultureInfo("en-GB");

    private static readonly string[] UkFormats = ["d/M/yyyy", "d-M-yyyy", "d.M.yyyy", "d M yyyy", "d MMMM yyyy", "d MMM yyyy"];

    private sealed class IsoDateModelBinder : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext bindingContext)
        {
            ArgumentNullException.ThrowIfNull(bindingContext);
            var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
            if (value == ValueProviderResult.None)
            {
                return Task.CompletedTask;
            }

            bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
            var text = value.FirstValue;
            var messages = bindingContext.ModelMetadata.ModelBindingMessageProvider;
            if (string.IsNullOrWhiteSpace(text))
            {
                if (bindingContext.ModelMetadata.IsReferenceOrNullableType)
                {
                    bindingContext.Result = ModelBindingResult.Success(null);
                }
                else
                {
                    bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, messages.ValueMustNotBeNullAccessor(text ?? string.Empty));
                }
            }
            else if (IsoDate.TryParse(text, CultureInfo.InvariantCulture, out var date))
            {
                bindingContext.Result = ModelBindingResult.Success(date.Value);
            }
            else if (DateOnly.TryParseExact(text.Trim(), UkFormats, UnitedKingdom, DateTimeStyles.AllowInnerWhite, out var typed))
            {
                bindingContext.Result = ModelBindingResult.Success(typed);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, messages.AttemptedValueIsInvalidAccessor(text, bindingContext.ModelMetadata.GetDisplayName()));
            }

            return Task.CompletedTask;
        }
    }
}
