using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK select: <c>&lt;nhs-select asp-for="Input.HubId" asp-items="Model.Hubs" label="Hub" empty-option="Choose a hub" /&gt;</c>.
/// The option whose value matches the posted or model value is selected (enums match by name or number);
/// with no value, the items' own Selected flags apply. Items with a Group are put in &lt;optgroup&gt;s.
/// </summary>
[HtmlTargetElement("nhs-select")]
public sealed class NhsSelectTagHelper : NhsLabelledFieldTagHelper
{
    [HtmlAttributeName("asp-items")]
    public IEnumerable<SelectListItem>? Items { get; set; }

    /// <summary>Text of a first option with an empty value, e.g. "Choose a hub".</summary>
    [HtmlAttributeName("empty-option")]
    public string? EmptyOption { get; set; }

    private protected override IHtmlContent Render(FieldContext field, IReadOnlyList<KeyValuePair<string, string>> passThrough)
    {
        var content = new HtmlContentBuilder();
        content.AppendHtml(LabelElement(field));

        var hint = HintElement(field);
        if (hint is not null)
        {
            content.AppendHtml(hint);
        }

        var error = ErrorElement(field);
        if (error is not null)
        {
            content.AppendHtml(error);
        }

        var select = new TagBuilder("select");
        select.AddCssClass("nhsuk-select");
        if (field.HasErrors)
        {
            select.AddCssClass("nhsuk-select--error");
        }

        select.Attributes["id"] = field.Id;
        select.Attributes["name"] = field.Name;
        var describedBy = DescribedBy(field, hint is not null, passThrough);
        if (describedBy is not null)
        {
            select.Attributes["aria-describedby"] = describedBy;
        }

        ApplyPassThrough(select, passThrough);

        var selected = field.SelectedValues();
        if (EmptyOption is not null)
        {
            var empty = new TagBuilder("option");
            empty.Attributes["value"] = string.Empty;
            empty.InnerHtml.Append(EmptyOption);
            select.InnerHtml.AppendHtml(empty);
        }

        TagBuilder? group = null;
        SelectListGroup? currentGroup = null;
        foreach (var item in Items ?? [])
        {
            if (item is null)
            {
                continue;
            }

            if (!ReferenceEquals(item.Group, currentGroup))
            {
                if (group is not null)
                {
                    select.InnerHtml.AppendHtml(group);
                }

                currentGroup = item.Group;
                group = null;
                if (currentGroup is not null)
                {
                    group = new TagBuilder("optgroup");
                    group.Attributes["label"] = currentGroup.Name ?? string.Empty;
                    if (currentGroup.Disabled)
                    {
                        group.Attributes["disabled"] = "disabled";
                    }
                }
            }

            var option = Option(item, selected);
            if (group is not null)
            {
                group.InnerHtml.AppendHtml(option);
            }
            else
            {
                select.InnerHtml.AppendHtml(option);
            }
        }

        if (group is not null)
        {
            select.InnerHtml.AppendHtml(group);
        }

        content.AppendHtml(select);
        return content;
    }

    private static TagBuilder Option(SelectListItem item, HashSet<string>? selected)
    {
        var value = item.Value ?? item.Text ?? string.Empty;
        var option = new TagBuilder("option");
        option.Attributes["value"] = value;
        if (selected is null ? item.Selected : selected.Contains(value))
        {
            option.Attributes["selected"] = "selected";
        }

        if (item.Disabled)
        {
            option.Attributes["disabled"] = "disabled";
        }

        option.InnerHtml.Append(item.Text ?? string.Empty);
        return option;
    }
}
