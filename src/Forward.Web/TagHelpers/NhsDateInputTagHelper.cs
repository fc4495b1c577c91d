using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK date input, for dates people know rather than pick (a date of birth): <c>&lt;nhs-date-input
/// asp-for="Input.DateOfBirth" legend="Date of birth" hint="For example, 15 3 1984" /&gt;</c>. Three boxes posted as
/// Name.Day, Name.Month and Name.Year (bound by <see cref="Infrastructure.DatePartsBinder"/>). The day box's id is the
/// field's, so the error summary's link goes to it.
/// </summary>
[HtmlTargetElement("nhs-date-input")]
public sealed class NhsDateInputTagHelper : NhsFieldsetTagHelper
{
    /// <summary>"bday" when it is the user's own date of birth (the browser may fill it in); none otherwise.</summary>
    [HtmlAttributeName("autocomplete")]
    public string? Autocomplete { get; set; }

    private protected override IHtmlContent Render(FieldContext field, IReadOnlyList<KeyValuePair<string, string>> passThrough)
    {
        var fieldset = Fieldset(field, passThrough);
        fieldset.Attributes["role"] = "group";

        var boxes = new TagBuilder("div");
        boxes.AddCssClass("nhsuk-date-input");
        var date = field.Expression.Model as DateOnly?;
        boxes.InnerHtml.AppendHtml(Box(field, "Day", 2, date?.Day.ToString("00", System.Globalization.CultureInfo.InvariantCulture), "bday-day"));
        boxes.InnerHtml.AppendHtml(Box(field, "Month", 2, date?.Month.ToString("00", System.Globalization.CultureInfo.InvariantCulture), "bday-month"));
        boxes.InnerHtml.AppendHtml(Box(field, "Year", 4, date?.Year.ToString("0000", System.Globalization.CultureInfo.InvariantCulture), "bday-year"));
        fieldset.InnerHtml.AppendHtml(boxes);
        return fieldset;
    }

    private TagBuilder Box(FieldContext field, string part, int width, string? modelValue, string autocompletePart)
    {
        var id = BoxId(field.Id, part);
        var name = $"{field.Name}.{part}";
        var posted = field.ViewContext.ViewData.ModelState.TryGetValue(name, out var entry) ? entry?.AttemptedValue : null;

        var label = new TagBuilder("label");
        label.AddCssClass("nhsuk-label");
        label.AddCssClass("nhsuk-date-input__label");
        label.Attributes["for"] = id;
        label.InnerHtml.Append(part);

        var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        input.AddCssClass("nhsuk-input");
        input.AddCssClass("nhsuk-date-input__input");
        input.AddCssClass($"nhsuk-input--width-{width}");
        if (field.HasErrors && IsAtFault(field, part))
        {
            input.AddCssClass("nhsuk-input--error");
        }

        input.Attributes["id"] = id;
        input.Attributes["name"] = name;
        input.Attributes["type"] = "text";
        input.Attributes["inputmode"] = "numeric";
        input.Attributes["autocomplete"] = Autocomplete == "bday" ? autocompletePart : "off";
        var value = posted ?? modelValue;
        if (!string.IsNullOrEmpty(value))
        {
            input.Attributes["value"] = value;
        }

        var group = new TagBuilder("div");
        group.AddCssClass("nhsuk-form-group");
        group.InnerHtml.AppendHtml(label);
        group.InnerHtml.AppendHtml(input);

        var item = new TagBuilder("div");
        item.AddCssClass("nhsuk-date-input__item");
        item.InnerHtml.AppendHtml(group);
        return item;
    }

    /// <summary>The day box has the field's own id (what an error link to the field lands on); the others a suffix.</summary>
    private static string BoxId(string fieldId, string part) => part == "Day" ? fieldId : $"{fieldId}-{part.ToLowerInvariant()}";

    /// <summary>
    /// Where the error summary links for an error on <paramref name="fieldName"/>: the first box the binder found at fault
    /// (the month box for "must include a month"), else the field's id (the day box, or any other kind of field).
    /// </summary>
    public static string LinkTarget(HttpContext http, string fieldName, string fieldId)
    {
        return Infrastructure.DatePartsBinder.PartsAtFault(http, fieldName) is { } parts
            && Infrastructure.DatePartsBinder.Parts.FirstOrDefault(parts.Contains) is { } first
            ? BoxId(fieldId, first)
            : fieldId;
    }

    /// <summary>Only the boxes the error is about are highlighted (all three when the binder did not say, e.g. a rule of the page's own).</summary>
    private static bool IsAtFault(FieldContext field, string part) =>
        Infrastructure.DatePartsBinder.PartsAtFault(field.ViewContext.HttpContext, field.Name) is not { } parts || parts.Contains(part);
}
