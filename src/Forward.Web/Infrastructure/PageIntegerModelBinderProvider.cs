using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Binds every whole number a page takes, from its query string, form or route (a binder named on the property wins), as
/// digits only: spaces around and a sign allowed, nothing else. Anything else is the binding error the framework adds,
/// which each page words as its own ("Enter the slot length as a whole number of minutes"). The framework's converter
/// read "0x18", "&amp;H18" and "#18" as hexadecimal: a booking window posted as #18 was saved as 24 hours.
/// </summary>
public sealed class PageIntegerModelBinderProvider : IModelBinderProvider
{
    // The whole-number types pages bind today; another is one more line here.
    private static readonly Dictionary<Type, IModelBinder> Binders = new()
    {
        [typeof(int)] = new PageIntegerModelBinder<int>(),
        [typeof(long)] = new PageIntegerModelBinder<long>(),
    };

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.BindingInfo.BinderType is null && Binders.TryGetValue(context.Metadata.UnderlyingOrModelType, out var binder)
            ? binder
            : null;
    }

    private sealed class PageIntegerModelBinder<T> : IModelBinder
        where T : struct, IBinaryInteger<T>
    {
        // Spaces, a sign and ASCII digits: no hex prefix, thousands separator or decimal point, whatever the form's culture.
        private const NumberStyles Digits = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

        public Task BindModelAsync(ModelBindingContext bindingContext)
        {
            ArgumentNullException.ThrowIfNull(bindingContext);
            var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
            if (value == ValueProviderResult.None)
            {
                return Task.CompletedTask;
            }

            // As the framework's binder: the first of a repeated field is read, and the error shows what was sent.
            bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
            var metadata = bindingContext.ModelMetadata;
            var text = value.FirstValue;
            if (string.IsNullOrWhiteSpace(text))
            {
                if (metadata.IsReferenceOrNullableType)
                {
                    bindingContext.Result = ModelBindingResult.Success(null);
                }
                else
                {
                    bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, metadata.ModelBindingMessageProvider.ValueMustNotBeNullAccessor(value.ToString()));
                }
            }
            else if (T.TryParse(text, Digits, CultureInfo.InvariantCulture, out var number))
            {
                bindingContext.Result = ModelBindingResult.Success(number);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, metadata.ModelBindingMessageProvider.AttemptedValueIsInvalidAccessor(value.ToString(), metadata.GetDisplayName()));
            }

            return Task.CompletedTask;
        }
    }
}
