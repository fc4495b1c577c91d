using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// A fieldset of NHS.UK radios or checkboxes. The first input's id is the field id (so the error summary link focuses
/// it); the others are id-2, id-3... Every input posts the field's full name with its item's value.
/// </summary>
public abstract class NhsChoicesTagHelper : NhsFieldsetTagHelper
{
    [HtmlAttributeName("asp-items")]
    public IEnumerable<SelectListItem>? Items { get; set; }

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
        var fieldset = Fieldset(field, passThrough);

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
