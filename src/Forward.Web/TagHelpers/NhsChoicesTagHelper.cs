using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// A fieldset of NHS.UK radios or checkboxes. The first input's id is the field id (so the error summary link focuses
/// it); the others are id-2, id-3... Every input posts the field's full name with its item's value.
/// </summary>
public abstract class NhsChoicesTagHelper : NhsFieldTagHelper
{
    [HtmlAttributeName("asp-items")]
    public IEnumerable<SelectListItem>? Items { get; set; }

    /// <summary>The question; defaults to [Display(Name)] or the property name.</summary>
    [HtmlAttributeName("legend")]
    public string? Legend { get; set; }

    /// <summary>Legend size: s, m, l or xl (nhsuk-fieldset__legend--*); normal size when absent.</summary>
    [HtmlAttributeName("legend-size")]
    public string? LegendSize { get; set; }

    /// <summary>Side by side, for a few short options such as Yes and No.</summary>
    [HtmlAttributeName("inline")]
    public bool Inline { get; set; }

    /// <summary>"radios" or "checkboxes": the NHS.UK component, its class stem and its data-module.</summary>
    private protected abstract string Component { get; }

    /// <summary>"radio" or "checkbox".</summary>
    private protected abstract string InputType { get; }

    /// <summary>Extra modifier classes on the component's container, e.g. the small checkboxes variant.</summary>
    private protected virtual IEnumerable<string> Modifiers => [];

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

        var choices = new TagBuilder("div");
        choices.AddCssClass($"nhsuk-{Component}");
        if (Inline)
        {
            choices.AddCssClass($"nhsuk-{Component}--inline");
        }

        foreach (var modifier in Modifiers)
        {
            choices.AddCssClass(modifier);
        }

        choices.Attributes["data-module"] = $"nhsuk-{Component}";

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
            wrapper.AddCssClass($"nhsuk-{Component}__item");

            var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
            input.AddCssClass($"nhsuk-{Component}__input");
            input.Attributes["id"] = id;
            input.Attributes["name"] = field.Name;
            input.Attributes["type"] = InputType;
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
            label.Attributes["class"] = $"nhsuk-label nhsuk-{Component}__label";
            label.Attributes["for"] = id;
            label.InnerHtml.Append(item.Text ?? string.Empty);

            wrapper.InnerHtml.AppendHtml(input);
            wrapper.InnerHtml.AppendHtml(label);
            choices.InnerHtml.AppendHtml(wrapper);
        }

        fieldset.InnerHtml.AppendHtml(choices);
        return fieldset;
    }
}
