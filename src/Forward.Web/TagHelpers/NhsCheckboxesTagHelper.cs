using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK checkboxes, for a field that takes several values (a collection, e.g. a list of enum values):
/// <c>&lt;nhs-checkboxes asp-for="Input.Days" asp-items="Model.DayOptions" legend="Which days does it run?" hint="Select all that apply" /&gt;</c>.
/// </summary>
[HtmlTargetElement("nhs-checkboxes")]
public sealed class NhsCheckboxesTagHelper : NhsChoicesTagHelper
{
    /// <summary>Smaller boxes (nhsuk-checkboxes--small), for filters and dense forms.</summary>
    [HtmlAttributeName("small")]
    public bool Small { get; set; }

    private protected override string Component => "checkboxes";

    private protected override string InputType => "checkbox";

    private protected override IEnumerable<string> Modifiers => Small ? ["nhsuk-checkboxes--small"] : [];
}
