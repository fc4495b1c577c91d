using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK textarea: <c>&lt;nhs-textarea asp-for="Input.Reason" label="Reason for appointment" hint="..." rows="5" /&gt;</c>.
/// </summary>
[HtmlTargetElement("nhs-textarea")]
public sealed class NhsTextareaTagHelper : NhsLabelledFieldTagHelper
{
    /// <summary>Visible lines; 5 by default, as in NHS.UK frontend.</summary>
    [HtmlAttributeName("rows")]
    public int Rows { get; set; } = 5;

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

        var textarea = new TagBuilder("textarea");
        textarea.AddCssClass("nhsuk-textarea");
        if (field.HasErrors)
        {
            textarea.AddCssClass("nhsuk-textarea--error");
        }

        textarea.Attributes["id"] = field.Id;
        textarea.Attributes["name"] = field.Name;
        textarea.Attributes["rows"] = Math.Max(1, Rows).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var describedBy = DescribedBy(field, hint is not null, passThrough);
        if (describedBy is not null)
        {
            textarea.Attributes["aria-describedby"] = describedBy;
        }

        ApplyPassThrough(textarea, passThrough);

        // HTML drops one newline straight after <textarea>; start with one so a value's own leading newline survives.
        textarea.InnerHtml.AppendHtml(Environment.NewLine);
        textarea.InnerHtml.Append(field.Value() ?? string.Empty);
        content.AppendHtml(textarea);
        return content;
    }
}
