using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Binds every enum a page takes, from its query string or form (a binder named on the property wins), by
/// <see cref="EnumNames"/>' rule: one of the names, once. Anything else (a number, a comma list, the field sent twice) is
/// a binding error on the field, which each page words as its own ("Choose a clinician from the list"); the framework's
/// binder took the first of a repeated field and ORed a comma list into another member (Category=MinorAilment,
/// MedicationAdvice listed MedicationAdvice's services).
/// </summary>
public sealed class PageEnumModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Metadata.UnderlyingOrModelType.IsEnum && context.BindingInfo.BinderType is null
            ? new PageEnumModelBinder()
            : null;
    }

    private sealed class PageEnumModelBinder : IModelBinder
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
            var metadata = bindingContext.ModelMetadata;
            var text = value.FirstValue;
            if (value.Length == 1 && string.IsNullOrWhiteSpace(text))
            {
                if (metadata.IsReferenceOrNullableType)
                {
                    bindingContext.Result = ModelBindingResult.Success(null);
                }
                else
                {
                    bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, metadata.ModelBindingMessageProvider.ValueMustNotBeNullAccessor(text ?? string.Empty));
                }
            }
            else if (value.Length == 1 && EnumNames.TryParse(metadata.UnderlyingOrModelType, text, out var parsed))
            {
                bindingContext.Result = ModelBindingResult.Success(parsed);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, metadata.ModelBindingMessageProvider.AttemptedValueIsInvalidAccessor(value.ToString(), metadata.GetDisplayName()));
            }

            return Task.CompletedTask;
        }
    }
}
