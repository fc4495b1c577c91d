using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>A field with a &lt;label&gt; (input, select, textarea), as opposed to a fieldset with a legend.</summary>
public abstract class NhsLabelledFieldTagHelper : NhsFieldTagHelper
{
    /// <summary>The label; defaults to [Display(Name)] or the property name.</summary>
    [HtmlAttributeName("label")]
    public string? Label { get; set; }

    /// <summary>Label size: s, m, l or xl (nhsuk-label--*); normal size when absent.</summary>
    [HtmlAttributeName("label-size")]
    public string? LabelSize { get; set; }

    private protected TagBuilder LabelElement(FieldContext field)
    {
        var label = new TagBuilder("label");
        label.Attributes["class"] = "nhsuk-label" + SizeClass("nhsuk-label", LabelSize, "label-size");
        label.Attributes["for"] = field.Id;
        label.InnerHtml.Append(Caption(Label, field));
        if (!IsPageHeading)
        {
            return label;
        }

        var heading = new TagBuilder("h1");
        heading.AddCssClass("nhsuk-label-wrapper");
        heading.InnerHtml.AppendHtml(label);
        return heading;
    }
}
