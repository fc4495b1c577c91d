using System.Diagnostics.CodeAnalysis;
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

    private sealed class PageDateModelBinder : PageValueModelBinder
    {
        protected override bool TryRead(string text, Type type, [NotNullWhen(true)] out object? value)
        {
            value = IsoDate.TryParse(text, CultureInfo.InvariantCulture, out var date) ? date.Value
                : DateOnly.TryParseExact(text.Trim(), UkFormats, UnitedKingdom, DateTimeStyles.AllowInnerWhite, out var typed) ? typed
                : null;
            return value is not null;
        }
    }
}
