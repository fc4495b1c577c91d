using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Binds every <see cref="DateOnly"/> a page takes (a binder named on the property wins) as yyyy-mm-dd, what the date
/// fields send, or as a UK date, day first, as a person types one where a browser shows a plain box: 1/6/2026, 1 6 2026,
/// 1 June 2026. Never month first, as DateOnly's own parsing read 01/06/2026 (6 January).
/// </summary>
public sealed class PageDateModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Metadata.UnderlyingOrModelType == typeof(DateOnly) && context.BindingInfo.BinderType is null
            ? new PageDateModelBinder()
            : null;
    }

    private static readonly CultureInfo UnitedKingdom = CultureInfo.GetCultureInfo("en-GB");

    private static readonly string[] UkFormats = ["d/M/yyyy", "d-M-yyyy", "d.M.yyyy", "d M yyyy", "d MMMM yyyy", "d MMM yyyy"];

    private sealed class PageDateModelBinder : IModelBinder
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
