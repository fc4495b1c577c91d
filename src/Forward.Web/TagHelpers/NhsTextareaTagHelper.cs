using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK textarea: <c>&lt;nhs-textarea asp-for="Input.Reason" label="Reason for appointment" hint="..." rows="5" /&gt;</c>.
/// With <c>max-characters</c> it is NHS.UK's character count: the page says how many characters are left as the user
/// types, and says when they have gone over (counted as the server counts: wwwroot/js/site.js). There is no
/// <c>maxlength</c>, as the design system advises: a browser cuts pasted text off at it without a word; the service's
/// own check refuses text that is too long, and keeps it in the box to shorten.
/// </summary>
[HtmlTargetElement("nhs-textarea")]
public sealed class NhsTextareaTagHelper : NhsLabelledFieldTagHelper
{
    /// <summary>Visible lines; 5 by default, as in NHS.UK frontend.</summary>
    [HtmlAttributeName("rows")]
    public int Rows { get; set; } = 5;

    /// <summary>The most characters the service takes (its own check enforces it; this shows the count).</summary>
    [HtmlAttributeName("max-characters")]
    public int? MaxCharacters { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        base.Process(context, output);
        if (MaxCharacters is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, 1, nameof(MaxCharacters));
            output.Attributes.SetAttribute("class", $"{output.Attributes["class"]?.Value} nhsuk-character-count");
            output.Attributes.SetAttribute("data-module", "nhsuk-character-count");
            output.Attributes.SetAttribute("data-maxlength", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

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
        var countId = field.Id + "-info";
        var describedBy = DescribedBy(field, hint is not null, passThrough);
        if (MaxCharacters is not null)
        {
            // NHS.UK frontend finds the count message by this id, and screen readers hear it with the field.
            textarea.AddCssClass("nhsuk-js-character-count");
            describedBy = describedBy is null ? countId : $"{countId} {describedBy}";
        }

        if (describedBy is not null)
        {
            textarea.Attributes["aria-describedby"] = describedBy;
        }

        ApplyPassThrough(textarea, passThrough);

        // HTML drops one newline straight after <textarea>; start with one so a value's own leading newline survives.
        textarea.InnerHtml.AppendHtml(Environment.NewLine);
        textarea.InnerHtml.Append(field.Value() ?? string.Empty);
        content.AppendHtml(textarea);

        if (MaxCharacters is { } max)
        {
            // Shown as it is without JavaScript; the script replaces it with the live count.
            var message = new TagBuilder("div");
            message.AddCssClass("nhsuk-hint");
            message.AddCssClass("nhsuk-character-count__message");
            message.Attributes["id"] = countId;
            message.InnerHtml.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"You can enter up to {max} characters"));
            content.AppendHtml(message);
        }

        return content;
    }
}
