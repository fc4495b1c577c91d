using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.TagHelpers;

/// <summary>
/// The one rule for turning a field's full name into its element id, shared by the form tag helpers and the error
/// summary so that "#id" links always land on the field: dots, brackets and other characters invalid in an id become
/// underscores ("Input.Slot.Date" → "Input_Slot_Date"), exactly as ASP.NET Core's own asp-for helpers do.
/// </summary>
public static class FieldIds
{
    public static string For(string? fullName) =>
        string.IsNullOrEmpty(fullName) ? string.Empty : TagBuilder.CreateSanitizedId(fullName, "_");
}
