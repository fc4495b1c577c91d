namespace Forward.Web.TagHelpers;

/// <summary>
/// NHS.UK radios: <c>&lt;nhs-radios asp-for="Input.Consent" asp-items="Model.ConsentOptions" legend="Has the patient consented?" inline="true" /&gt;</c>.
/// </summary>
[Microsoft.AspNetCore.Razor.TagHelpers.HtmlTargetElement("nhs-radios")]
public sealed class NhsRadiosTagHelper : NhsChoicesTagHelper
{
    private protected override string Component => "radios";

    private protected override string InputType => "radio";
}
