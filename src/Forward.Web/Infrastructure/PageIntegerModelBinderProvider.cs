using System.Diagnostics.CodeAnalysis;
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

    private sealed class PageIntegerModelBinder<T> : PageValueModelBinder
        where T : struct, IBinaryInteger<T>
    {
        // Spaces, a sign and ASCII digits: no hex prefix, thousands separator or decimal point, whatever the form's culture.
        private const NumberStyles Digits = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

        protected override bool TryRead(string text, Type type, [NotNullWhen(true)] out object? value)
        {
            value = T.TryParse(text, Digits, CultureInfo.InvariantCulture, out var number) ? number : null;
            return value is not null;
        }
    }
}
