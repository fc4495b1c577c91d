using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK text input: <c>&lt;nhs-input asp-for="Input.NhsNumber" label="NHS number" hint="10 digits" width="10" code="true" inputmode="numeric" /&gt;</c>.
/// Renders the form group, label, hint, error message and <c>&lt;input class="nhsuk-input"&gt;</c>
/// (with <c>nhsuk-input--error</c> and aria-describedby when the field has errors).
/// </summary>
[HtmlTargetElement("nhs-input")]
public sealed class NhsInputTagHelper : NhsLabelledFieldTagHelper
{
    private static readonly int[] Widths = [2, 3, 4, 5, 10, 20, 30];

    /// <summary>The input type: text (default), email, tel, number, date, time, password, search, url...</summary>
    [HtmlAttributeName("type")]
    public string Type { get; set; } = "text";

    /// <summary>Fixed width in characters: 2, 3, 4, 5, 10, 20 or 30 (nhsuk-input--width-*); full width when absent.</summary>
    [HtmlAttributeName("width")]
    public int? Width { get; set; }

    /// <summary>Monospaced, spaced-out digits for codes such as NHS numbers or ODS codes; also turns spellcheck off.</summary>
    [HtmlAttributeName("code")]
    public bool Code { get; set; }

    /// <summary>Composite format for the model value, e.g. "{0:0.00}". Dates and times get the HTML format by type.</summary>
    [HtmlAttributeName("format")]
    public string? Format { get; set; }

    private protected override IHtmlContent Render(FieldContext field, IReadOnlyList<KeyValuePair<string, string>> passThrough)
    {
        var type = string.IsNullOrWhiteSpace(Type) ? "text" : Type.Trim().ToLowerInvariant();
        if (Width is int w && !Widths.Contains(w))
        {
            throw new InvalidOperationException($"<nhs-input width=\"{w}\"> is not one of {string.Join(", ", Widths)}.");
        }

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

        var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        input.AddCssClass("nhsuk-input");
        if (Code)
        {
            input.AddCssClass("nhsuk-input--code");
            input.Attributes["spellcheck"] = "false";
        }

        if (field.HasErrors)
        {
            input.AddCssClass("nhsuk-input--error");
        }

        if (Width is int width)
        {
            input.AddCssClass($"nhsuk-input--width-{width}");
        }

        input.Attributes["id"] = field.Id;
        input.Attributes["name"] = field.Name;
        input.Attributes["type"] = type;

        // Never echo a password back into the page.
        var value = type == "password" ? null : field.Value(Format ?? DefaultFormat(type));
        if (value is not null)
        {
            input.Attributes["value"] = value;
        }

        var describedBy = DescribedBy(field, hint is not null, passThrough);
        if (describedBy is not null)
        {
            input.Attributes["aria-describedby"] = describedBy;
        }

        ApplyPassThrough(input, passThrough);
        content.AppendHtml(input);
        return content;
    }

    private static string? DefaultFormat(string type) => type switch
    {
        "date" => "{0:yyyy-MM-dd}",
        "time" => "{0:HH:mm}",
        "datetime-local" => "{0:yyyy-MM-ddTHH:mm}",
        "month" => "{0:yyyy-MM}",
        _ => null,
    };
}
