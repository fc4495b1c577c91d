using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>A field asked as one question over several controls: a fieldset with a legend (radios, checkboxes, a date).</summary>
public abstract class NhsFieldsetTagHelper : NhsFieldTagHelper
{
    /// <summary>The question; defaults to [Display(Name)] or the property name.</summary>
    [HtmlAttributeName("legend")]
    public string? Legend { get; set; }

    /// <summary>Legend size: s, m, l or xl (nhsuk-fieldset__legend--*); normal size when absent.</summary>
    [HtmlAttributeName("legend-size")]
    public string? LegendSize { get; set; }

    /// <summary>The fieldset with its legend (the page's h1 when <see cref="NhsFieldTagHelper.IsPageHeading"/>), hint and error; the controls go after them.</summary>
    private protected TagBuilder Fieldset(FieldContext field, IReadOnlyList<KeyValuePair<string, string>> passThrough)
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

        return fieldset;
    }
}
