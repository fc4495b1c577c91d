using Forward.Domain;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Pages.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Admin;

/// <summary>One hub of the commissioner's CCG: details, practices served, its rota and closed / extra dates.</summary>
[Authorize(Policy = AuthenticationSetup.CommissionerPolicy)]
public sealed class HubModel(RotaService rota) : PageModel
{
    public RotaView? Rota { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        try
        {
            Rota = await rota.GetRotaAsync(id, Actor.From(User), cancellationToken);
            return Page();
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is { } status)
        {
            return status;
        }
    }

    /// <summary>"Generate slots now": brings the hub's slots in line with its rota over the booking horizon.</summary>
    public async Task<IActionResult> OnPostGenerateAsync(int id, CancellationToken cancellationToken)
    {
        try
        {
            var result = await rota.GenerateSlotsAsync(id, Actor.From(User), cancellationToken);
            TempData["Status"] = $"Slots generated: {Wording.Plural(result.Added, "slot", "slots")} added, {result.Withdrawn} withdrawn, {result.Restored} restored, {result.Reshaped} updated";
            return RedirectToPage(new { id });
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is { } status)
        {
            return status;
        }
    }
}
