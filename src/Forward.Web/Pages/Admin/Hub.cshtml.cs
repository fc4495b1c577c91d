using Forward.Domain;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Infrastructure;
using Forward.Web.Pages.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Admin;

/// <summary>The booking window form as posted: blank for the booking channels' own windows.</summary>
public sealed class BookingWindowForm
{
    public int? Hours { get; set; }
}

/// <summary>One hub of the commissioner's CCG: details and booking window, practices served, its rota and closed / extra dates.</summary>
[Authorize(Policy = AuthenticationSetup.CommissionerPolicy)]
public sealed class HubModel(RotaService rota) : PageModel
{
    public RotaView? Rota { get; private set; }

    [BindProperty]
    public BookingWindowForm Window { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        Window.Hours = Rota!.Detail.Hub.MaximumBookingAheadHours;
        return Page();
    }

    /// <summary>Sets how far ahead the hub takes bookings, whoever books; blank leaves it to each booking channel.</summary>
    public async Task<IActionResult> OnPostWindowAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, cancellationToken) is { } failed)
        {
            return failed;
        }

        ModelState.ReplaceBindingError(nameof(Window) + "." + nameof(BookingWindowForm.Hours), RotaService.BookingWindowMessage);
        if (AdminPage.HasErrorsUnder(ModelState, nameof(Window)))
        {
            return Page();
        }

        try
        {
            await rota.SetBookingWindowAsync(id, Window.Hours, Actor.From(User), cancellationToken);
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddFieldErrors(ex.Errors, nameof(Window));
            return Page();
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is null)
        {
            ModelState.AddDomainErrors(ex);
            return Page();
        }

        TempData["Status"] = Window.Hours is { } hours
            ? $"Booking window saved: same day up to {Wording.Plural(hours, "hour", "hours")} ahead, whoever books"
            : "Booking window saved: as far ahead as each booking channel allows";
        return RedirectToPage(new { id });
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

    /// <summary>Reads the hub for the page; a 403 or 404 when the commissioner cannot see it.</summary>
    private async Task<IActionResult?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        try
        {
            Rota = await rota.GetRotaAsync(id, Actor.From(User), cancellationToken);
            return null;
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is { } status)
        {
            return status;
        }
    }
}
