using System.Diagnostics.CodeAnalysis;
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

    private sealed class PageEnumModelBinder : PageValueModelBinder
    {
        protected override bool RefusesRepeats => true;

        protected override bool TryRead(string text, Type type, [NotNullWhen(true)] out object? value) => EnumNames.TryParse(type, text, out value);
    }
}
