using Forward.Web.Access;
using Forward.Web.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Admin;

/// <summary>The hubs of the commissioner's CCG, with what each offers and whom it serves.</summary>
[Authorize(Policy = AuthenticationSetup.CommissionerPolicy)]
public sealed class HubsModel(RotaService rota) : PageModel
{
    public IReadOnlyList<HubSummary> Hubs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Hubs = await rota.ListHubsAsync(Actor.From(User), cancellationToken);
}
