using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK checkboxes in a fieldset, for a field that takes several values (a collection, e.g. a list of enum values):
/// <c>&lt;nhs-checkboxes asp-for="Input.Days" asp-items="Model.DayOptions" legend="Which days does it run?" hint="Select all that apply" /&gt;</c>.
/// Every box posts the field's full name with its item's value, so the chosen values bind back as a collection.
/// The first box's id is the field id (so the error summary link focuses it); the others are id-2, id-3...
/// </summary>
[HtmlTargetElement("nhs-checkboxes")]
public sealed class NhsCheckboxesTagHelper : NhsFieldTagHelper
{
    [HtmlAttributeName("asp-items")]
    public IEnumerable<SelectListItem>? Items { get; set; }

    /// <summary>The question; defaults to [Display(Name)] or the property name.</summary>
    [HtmlAttributeName("legend")]
    public string? Legend { get; set; }

    /// <summary>Legend size: s, m, l or xl (nhsuk-fieldset__legend--*); normal size when absent.</summary>
    [HtmlAttributeName("legend-size")]
    public string? LegendSize { get; set; }

    /// <summary>Side by side, for a few short options such as days of the week.</summary>
    [HtmlAttributeName("inline")]
    public bool Inline { get; set; }

    /// <summary>Smaller boxes (nhsuk-checkboxes--small), for filters and dense forms.</summary>
    [HtmlAttributeName("small")]
    public bool Small { get; set; }

    private protected override IHtmlContent Render(FieldContext field, IReadOnlyList<KeyValuePair<string, string>> passThrough)
    {
        var fieldset = new TagBuilder("fieldset");
        fieldset.AddCssClass("nhsuk-fieldset");

        var legend = new TagBuilder("legend");
        legend.Attributes["class"] = "nhsuk-fieldset__legend" + SizeClass("nhsuk-fieldset__legend", LegendSize, "legend-size");
        var caption = Caption(Legend, field);
        if (IsPageHeading)
        {
            var heading = new TagBuilder("h1");
            heading.AddCssClass("nhsuk-fieldset__heading");
            heading.InnerHtml.Append(caption);
            legend.InnerHtml.AppendHtml(heading);
        }
        else
        {
            legend.InnerHtml.Append(caption);
        }

        fieldset.InnerHtml.AppendHtml(legend);

        var hint = HintElement(field);
        if (hint is not null)
        {
            fieldset.InnerHtml.AppendHtml(hint);
        }

        var error = ErrorElement(field);
        if (error is not null)
        {
            fieldset.InnerHtml.AppendHtml(error);
        }

        var describedBy = DescribedBy(field, hint is not null, passThrough);
        if (describedBy is not null)
        {
            fieldset.Attributes["aria-describedby"] = describedBy;
        }

        var checkboxes = new TagBuilder("div");
        checkboxes.AddCssClass("nhsuk-checkboxes");
        if (Inline)
        {
            checkboxes.AddCssClass("nhsuk-checkboxes--inline");
        }

        if (Small)
        {
            checkboxes.AddCssClass("nhsuk-checkboxes--small");
        }

        checkboxes.Attributes["data-module"] = "nhsuk-checkboxes";

        var selected = field.SelectedValues();
        var position = 0;
        foreach (var item in Items ?? [])
        {
            if (item is null)
            {
                continue;
            }

            position++;
            var id = position == 1 ? field.Id : $"{field.Id}-{position}";
            var value = item.Value ?? item.Text ?? string.Empty;

            var wrapper = new TagBuilder("div");
            wrapper.AddCssClass("nhsuk-checkboxes__item");

            var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
            input.AddCssClass("nhsuk-checkboxes__input");
            input.Attributes["id"] = id;
            input.Attributes["name"] = field.Name;
            input.Attributes["type"] = "checkbox";
            input.Attributes["value"] = value;
            if (selected is null ? item.Selected : selected.Contains(value))
            {
                input.Attributes["checked"] = "checked";
            }

            if (item.Disabled)
            {
                input.Attributes["disabled"] = "disabled";
            }

            ApplyPassThrough(input, passThrough);

            var label = new TagBuilder("label");
            label.Attributes["class"] = "nhsuk-label nhsuk-checkboxes__label";
            label.Attributes["for"] = id;
            label.InnerHtml.Append(item.Text ?? string.Empty);

            wrapper.InnerHtml.AppendHtml(input);
            wrapper.InnerHtml.AppendHtml(label);
            checkboxes.InnerHtml.AppendHtml(wrapper);
        }

        fieldset.InnerHtml.AppendHtml(checkboxes);
        return fieldset;
    }
}
