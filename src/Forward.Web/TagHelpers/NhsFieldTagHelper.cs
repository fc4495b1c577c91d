using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// What the NHS.UK form fields share: binding through asp-for, the form group, hint, error message and
/// aria-describedby. The element is replaced by <c>&lt;div class="nhsuk-form-group"&gt;</c>; attributes the tag helper
/// does not know (autocomplete, inputmode, maxlength, disabled, class, data-*) are passed on to the control itself.
/// The control's id is the field's full name with dots replaced by underscores (see <see cref="FieldIds"/>) and its
/// name is the full name, so model binding and the error summary's "#id" links both work.
/// </summary>
public abstract class NhsFieldTagHelper : TagHelper
{
    private static readonly string[] Sizes = ["s", "m", "l", "xl"];

    /// <summary>The bound property, e.g. <c>asp-for="Input.NhsNumber"</c>.</summary>
    [HtmlAttributeName("asp-for")]
    public ModelExpression? For { get; set; }

    /// <summary>Hint text under the label or legend; defaults to the property's [Display(Description = ...)].</summary>
    [HtmlAttributeName("hint")]
    public string? Hint { get; set; }

    /// <summary>When true the label or legend is wrapped in the page's &lt;h1&gt; (one-question pages).</summary>
    [HtmlAttributeName("page-heading")]
    public bool IsPageHeading { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        if (For is null)
        {
            throw new InvalidOperationException($"<{context.TagName}> needs an asp-for attribute.");
        }

        if (ViewContext is null)
        {
            throw new InvalidOperationException($"<{context.TagName}> can only be used in a view or page.");
        }

        var field = new FieldContext(ViewContext, For);
        var passThrough = PassThroughAttributes(output.Attributes);

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.Clear();
        output.Attributes.SetAttribute("class", field.HasErrors ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group");
        output.Content.SetHtmlContent(Render(field, passThrough));
    }

    /// <summary>Everything inside the form group.</summary>
    private protected abstract IHtmlContent Render(FieldContext field, IReadOnlyList<KeyValuePair<string, string>> passThrough);

    /// <summary>The label text: the attribute given, else [Display(Name)], else the property name.</summary>
    private protected static string Caption(string? given, FieldContext field) =>
        !string.IsNullOrWhiteSpace(given)
            ? given
            : field.Expression.Metadata.DisplayName ?? field.Expression.Metadata.PropertyName ?? field.Expression.Name;

    private protected static string SizeClass(string prefix, string? size, string attributeName)
    {
        if (string.IsNullOrWhiteSpace(size))
        {
            return string.Empty;
        }

        var normalised = size.Trim().ToLowerInvariant();
        return Sizes.Contains(normalised)
            ? $" {prefix}--{normalised}"
            : throw new InvalidOperationException($"{attributeName}=\"{size}\" is not one of s, m, l, xl.");
    }

    private protected TagBuilder? HintElement(FieldContext field)
    {
        var text = string.IsNullOrWhiteSpace(Hint) ? field.Expression.Metadata.Description : Hint;
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var hint = new TagBuilder("div");
        hint.AddCssClass("nhsuk-hint");
        hint.Attributes["id"] = field.HintId;
        hint.InnerHtml.Append(text);
        return hint;
    }

    private protected static TagBuilder? ErrorElement(FieldContext field)
    {
        if (!field.HasErrors)
        {
            return null;
        }

        var error = new TagBuilder("span");
        error.AddCssClass("nhsuk-error-message");
        error.Attributes["id"] = field.ErrorId;
        var prefix = new TagBuilder("span");
        prefix.AddCssClass("nhsuk-u-visually-hidden");
        prefix.InnerHtml.Append("Error: ");
        error.InnerHtml.AppendHtml(prefix);
        for (var i = 0; i < field.Errors.Count; i++)
        {
            if (i > 0)
            {
                error.InnerHtml.AppendHtml(new TagBuilder("br") { TagRenderMode = TagRenderMode.SelfClosing });
            }

            error.InnerHtml.Append(field.Errors[i]);
        }

        return error;
    }

    /// <summary>The ids the control (or fieldset) is described by: the hint, then the error, then any given.</summary>
    private protected static string? DescribedBy(FieldContext field, bool hasHint, IReadOnlyList<KeyValuePair<string, string>> passThrough)
    {
        var ids = new List<string>();
        if (hasHint)
        {
            ids.Add(field.HintId);
        }

        if (field.HasErrors)
        {
            ids.Add(field.ErrorId);
        }

        ids.AddRange(passThrough
            .Where(a => string.Equals(a.Key, "aria-describedby", StringComparison.OrdinalIgnoreCase))
            .SelectMany(a => a.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return ids.Count == 0 ? null : string.Join(' ', ids.Distinct(StringComparer.Ordinal));
    }

    /// <summary>Copies the passed-through attributes onto the control: "class" is added to its classes, the
    /// attributes the tag helper owns (id, name, value, type, aria-describedby) are not overridden.</summary>
    private protected static void ApplyPassThrough(TagBuilder control, IReadOnlyList<KeyValuePair<string, string>> passThrough)
    {
        foreach (var (name, value) in passThrough)
        {
            if (string.Equals(name, "class", StringComparison.OrdinalIgnoreCase))
            {
                control.AddCssClass(value);
            }
            else if (!OwnedAttributes.Contains(name))
            {
                control.MergeAttribute(name, value, replaceExisting: false);
            }
        }
    }

    private static readonly HashSet<string> OwnedAttributes =
        new(["id", "name", "value", "type", "aria-describedby", "checked", "selected"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Unbound attributes as plain strings (TagBuilder encodes them again when it writes).</summary>
    private static List<KeyValuePair<string, string>> PassThroughAttributes(TagHelperAttributeList attributes)
    {
        var list = new List<KeyValuePair<string, string>>(attributes.Count);
        foreach (var attribute in attributes)
        {
            string value;
            switch (attribute.Value)
            {
                case null:
                    value = string.Empty;
                    break;
                case string s:
                    value = s;
                    break;
                case IHtmlContent html:
                    using (var writer = new StringWriter(CultureInfo.InvariantCulture))
                    {
                        html.WriteTo(writer, HtmlEncoder.Default);
                        value = WebUtility.HtmlDecode(writer.ToString());
                    }

                    break;
                default:
                    value = Convert.ToString(attribute.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                    break;
            }

            list.Add(new KeyValuePair<string, string>(attribute.Name, value));
        }

        return list;
    }
}
