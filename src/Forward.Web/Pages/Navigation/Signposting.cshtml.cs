using System.Globalization;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Forward.Web.Navigation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Navigation;

/// <summary>
/// A practice's signposting this week and this month, by service and by reason, and the GP appointments it saved.
/// Practice staff see their own practice; commissioners choose any practice in their CCG, read-only.
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class SignpostingModel(NavigationService navigation) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? PracticeId { get; set; }

    public IReadOnlyList<SelectListItem> PracticeOptions { get; private set; } = [];

    public SignpostingSummary? Summary { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ModelState.ReplaceBindingError(nameof(PracticeId), "Choose a practice from the list");

        // A practice in the address that is no number still gets the list to choose from, and the default practice's
        // figures beside the message.
        var practiceChosen = ModelState.IsValid ? PracticeId : null;
        var actor = Actor.From(User);
        try
        {
            var practices = await navigation.ReadablePracticesAsync(actor, cancellationToken);
            PracticeOptions = practices.Select(p => new SelectListItem($"{p.Name} ({p.OdsCode})", p.Id.ToString(CultureInfo.InvariantCulture))).ToList();
            Summary = await navigation.SignpostingSummaryAsync(actor, practiceChosen, cancellationToken);
            PracticeId = Summary.Practice.Id;
            return Page();
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
    }
}
