using Forward.Domain;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Admin;

/// <summary>The hubs of the commissioner's CCG, with what each offers and whom it serves.</summary>
[Authorize(Policy = AuthenticationSetup.CommissionerPolicy)]
public sealed class HubsModel(RotaService rota) : PageModel
{
    public IReadOnlyList<HubSummary> Hubs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Hubs = await rota.ListHubsAsync(Actor.From(User), cancellationToken);
            return Page();
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is { } status)
        {
            // A commissioner account linked to no CCG has no hubs to list: refused as the hub page refuses it, not a 500.
            return status;
        }
    }
}
