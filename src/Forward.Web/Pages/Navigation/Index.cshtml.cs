using System.Globalization;
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
/// The care-navigation directory: the local services of the user's CCG (NHS 111 choose the CCG), searched by need or
/// keyword and filtered by category, with a GET form so it works without JavaScript. Practice staff record a
/// signposting from each entry.
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff + "," + Roles.HubClinician + "," + Roles.Nhs111)]
public sealed class IndexModel(NavigationService navigation) : PageModel
{
    /// <summary>The CCG whose directory is shown; only NHS 111 choose, everyone else sees their own.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Ccg { get; set; }

    /// <summary>Need or keyword, for example "eye" or "back pain".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    [BindProperty(SupportsGet = true)]
    public ServiceCategory? Category { get; set; }

    public IReadOnlyList<SelectListItem> CcgOptions { get; private set; } = [];

    public IReadOnlyList<SelectListItem> CategoryOptions { get; } = NavigationWording.CategoryOptions();

    public IReadOnlyList<DirectoryEntry> Services { get; private set; } = [];

    public string CcgName { get; private set; } = string.Empty;

    public bool ChoosesCcg { get; private set; }

    public bool CanSignpost => User.IsInRole(Roles.PracticeStaff);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ModelState.ReplaceBindingError(nameof(Category), "Choose a category from the list");
        ModelState.ReplaceBindingError(nameof(Ccg), "Choose a CCG from the list");
        var actor = Actor.From(User);
        try
        {
            var ccgs = await navigation.DirectoryCcgsAsync(actor, cancellationToken);
            ChoosesCcg = actor.IsNhs111;
            if (!ChoosesCcg)
            {
                // Only NHS 111 is shown the CCG list; for anyone else a CCG in the address has no field to link its error to.
                ModelState.MoveBindingErrorToPage(nameof(Ccg), "The CCG in the address is not valid: open the directory from the menu");
            }

            CcgOptions = ccgs.Select(c => new SelectListItem(c.Name, c.Id.ToString(CultureInfo.InvariantCulture))).ToList();
            if (FreeText.Characters(Q) > NavigationService.MaxQueryLength)
            {
                ModelState.AddModelError(nameof(Q), $"Search words must be {NavigationService.MaxQueryLength} characters or fewer");
            }

            if (!ModelState.IsValid)
            {
                return Page();
            }

            var ccg = Ccg ?? (ccgs.Count > 0 ? ccgs[0].Id : null);
            if (ccg is not { } ccgId)
            {
                return Page();
            }

            Services = await navigation.SearchAsync(actor, ccgId, Q, Category, cancellationToken);
            Ccg = ccgId;
            CcgName = ccgs.FirstOrDefault(c => c.Id == ccgId)?.Name ?? string.Empty;
            return Page();
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
    }
}
