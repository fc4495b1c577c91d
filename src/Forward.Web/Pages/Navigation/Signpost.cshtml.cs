using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Navigation;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Forward.Web.Navigation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Navigation;

/// <summary>
/// Records that reception signposted a patient to a directory service (/Navigation/Signpost?serviceId=5): the service
/// and a reason code only. There is deliberately no free-text box and no patient field, so nothing clinical or
/// identifying is ever written here.
/// </summary>
[Authorize(Roles = Roles.PracticeStaff)]
public sealed class SignpostModel(NavigationService navigation) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int ServiceId { get; set; }

    [BindProperty]
    public SignpostingReason? Reason { get; set; }

    /// <summary>This form's key (a hidden field, new on each visit): sending it twice records once.</summary>
    [BindProperty]
    public string? FormKey { get; set; }

    public DirectoryEntry? Service { get; private set; }

    public IReadOnlyList<SelectListItem> ReasonOptions { get; } = NavigationWording.ReasonOptions();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        FormKey = FormKeys.New();
        return await LoadAsync(cancellationToken) ?? Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } failed)
        {
            return failed;
        }

        ModelState.ReplaceBindingError(nameof(Reason), "Select why the patient was signposted");
        if (!ModelState.IsValid)
        {
            return Page();
        }

        try
        {
            await navigation.RecordSignpostingAsync(Actor.From(User), ServiceId, Reason, FormKey, cancellationToken);
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
        catch (DomainException e)
        {
            ModelState.AddDomainErrors(e);
            return Page();
        }

        TempData["Status"] = $"Signposting to {Service!.Name} recorded";
        return RedirectToPage("/Navigation/Signposting");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            Service = await navigation.ServiceForSignpostingAsync(Actor.From(User), ServiceId, cancellationToken);
            return null;
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
    }
}
