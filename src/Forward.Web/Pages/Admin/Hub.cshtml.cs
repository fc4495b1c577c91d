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

    /// <summary>The window the page showed when it was opened ("none" for the channels' own), to catch a change made since.</summary>
    public string? Shown { get; set; }

    public const string NoneShown = "none";

    public static string ShownText(int? hours) => hours is { } h ? h.ToString(System.Globalization.CultureInfo.InvariantCulture) : NoneShown;

    /// <summary>
    /// What <see cref="Shown"/> says: null when it was not sent (a post not from the page), and false when it is not
    /// something the page writes.
    /// </summary>
    public bool TryReadShown(out BookingWindowShown? shown)
    {
        shown = null;
        if (Shown is null)
        {
            return true;
        }

        if (Shown == NoneShown)
        {
            shown = new BookingWindowShown(null);
            return true;
        }

        // NumberStyles.None: digits only, no sign, space or separator.
        if (Shown.Length <= 4 && int.TryParse(Shown, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var hours))
        {
            shown = new BookingWindowShown(hours);
            return true;
        }

        return false;
    }
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
        Window.Shown = BookingWindowForm.ShownText(Window.Hours);
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
        if (!Window.TryReadShown(out var shown))
        {
            ModelState.AddModelError(string.Empty, "Save the booking window from the form on this page");
            ModelState.Remove(nameof(Window) + "." + nameof(BookingWindowForm.Shown));
            Window.Shown = BookingWindowForm.ShownText(Rota!.Detail.Hub.MaximumBookingAheadHours);
            return Page();
        }

        if (AdminPage.HasErrorsUnder(ModelState, nameof(Window)))
        {
            return Page();
        }

        try
        {
            await rota.SetBookingWindowAsync(id, Window.Hours, shown, Actor.From(User), cancellationToken);
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddFieldErrors(ex.Errors, nameof(Window));
            return Page();
        }
        catch (DomainException ex) when (ex.Code == RotaService.BookingWindowChangedCode)
        {
            // Shows the window as it now is, with the message, for the user to decide again.
            ModelState.AddModelError(string.Empty, ex.Message);
            if (await LoadAsync(id, cancellationToken) is { } gone)
            {
                return gone;
            }

            ModelState.Remove(nameof(Window) + "." + nameof(BookingWindowForm.Hours));
            ModelState.Remove(nameof(Window) + "." + nameof(BookingWindowForm.Shown));
            Window.Hours = Rota!.Detail.Hub.MaximumBookingAheadHours;
            Window.Shown = BookingWindowForm.ShownText(Window.Hours);
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
