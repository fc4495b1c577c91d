using System.Globalization;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Forward.Web.TagHelpers;

/// <summary>One bound field as the tag helpers see it: names, ids, errors and current value(s).</summary>
internal sealed class FieldContext
{
    public FieldContext(ViewContext viewContext, ModelExpression expression)
    {
        Expression = expression;
        ViewContext = viewContext;
        Name = viewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(expression.Name);
        Id = FieldIds.For(Name);
        Errors = ValidationMessages.For(viewContext.ViewData.ModelState, Name);
    }

    public ModelExpression Expression { get; }

    public ViewContext ViewContext { get; }

    /// <summary>The full field name, posted back as the control's name.</summary>
    public string Name { get; }

    /// <summary>The control's id; the error summary links to "#" + this.</summary>
    public string Id { get; }

    public string HintId => Id + "-hint";

    public string ErrorId => Id + "-error";

    public IReadOnlyList<string> Errors { get; }

    public bool HasErrors => Errors.Count > 0;

    /// <summary>
    /// What the control should show: the value the user posted when the page is shown again (even if it did not
    /// bind), otherwise the model's value formatted with <paramref name="format"/> (a composite format such as
    /// "{0:yyyy-MM-dd}"), else the property's [DisplayFormat(ApplyFormatInEditMode = true)], else as text.
    /// </summary>
    public string? Value(string? format = null)
    {
        if (ViewContext.ViewData.ModelState.TryGetValue(Name, out var entry) && entry?.AttemptedValue is not null)
        {
            return entry.AttemptedValue;
        }

        return Format(Expression.Model, format ?? Expression.Metadata.EditFormatString);
    }

    /// <summary>Every string that counts as "this option is chosen": posted values, else the model's value; an enum
    /// matches both its name and its number (Html.GetEnumSelectList uses numbers).</summary>
    public HashSet<string>? SelectedValues()
    {
        if (ViewContext.ViewData.ModelState.TryGetValue(Name, out var entry) && entry?.RawValue is not null)
        {
            var raw = entry.RawValue switch
            {
                string[] many => many,
                string one => [one],
                _ => [Convert.ToString(entry.RawValue, CultureInfo.InvariantCulture) ?? string.Empty],
            };
            return new HashSet<string>(raw, StringComparer.OrdinalIgnoreCase);
        }

        var model = Expression.Model;
        if (model is null)
        {
            return null;
        }

        var values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (model is System.Collections.IEnumerable sequence and not string)
        {
            foreach (var item in sequence)
            {
                AddValues(values, item);
            }
        }
        else
        {
            AddValues(values, model);
        }

        return values;
    }

    private static void AddValues(HashSet<string> values, object? item)
    {
        switch (item)
        {
            case null:
                return;
            case Enum e:
                values.Add(e.ToString());
                values.Add(Convert.ToString(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) ?? string.Empty);
                return;
            case bool b:
                values.Add(b ? "true" : "false");
                return;
            default:
                values.Add(Format(item, null) ?? string.Empty);
                return;
        }
    }

    private static string? Format(object? model, string? format)
    {
        if (model is null)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(format))
        {
            // Dates and times are formatted for HTML input types, which are culture-free.
            var culture = model is DateOnly or DateTime or DateTimeOffset or TimeOnly
                ? CultureInfo.InvariantCulture
                : CultureInfo.CurrentCulture;
            return string.Format(culture, format, model);
        }

        return model switch
        {
            bool b => b ? "true" : "false",
            IFormattable formattable => formattable.ToString(null, CultureInfo.CurrentCulture),
            _ => model.ToString(),
        };
    }
}
