using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Forward.Web.Infrastructure;

/// <summary>
/// What Forward's page binders (choices, dates, whole numbers) do alike, as the framework's own binder does it: nothing
/// when the field was not sent; empty is "not given" for an optional field and the framework's "required" error for
/// another; text that does not read is the framework's "not valid" error, which each page words as its own. Each binder
/// says only how its text reads.
/// </summary>
internal abstract class PageValueModelBinder : IModelBinder
{
    /// <summary>
    /// Whether a field sent more than once is an error rather than read by its first value (the framework's way): a
    /// choice sent twice cannot be taken as either.
    /// </summary>
    protected virtual bool RefusesRepeats => false;

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
        var readable = !RefusesRepeats || value.Length == 1;
        if (readable && string.IsNullOrWhiteSpace(text))
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
        else if (readable && TryRead(text!, metadata.UnderlyingOrModelType, out var read))
        {
            bindingContext.Result = ModelBindingResult.Success(read);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, metadata.ModelBindingMessageProvider.AttemptedValueIsInvalidAccessor(value.ToString(), metadata.GetDisplayName()));
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads <paramref name="text"/> (not empty) as the <paramref name="type"/> bound (nullable unwrapped).</summary>
    protected abstract bool TryRead(string text, Type type, [NotNullWhen(true)] out object? value);
}
