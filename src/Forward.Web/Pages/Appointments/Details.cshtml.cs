using System.ComponentModel.DataAnnotations;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Appointments;

/// <summary>
/// One appointment and its status, with a cancel form while it is booked. Any signed-in user may ask;
/// <see cref="BookingService"/> decides who may see it (others get the 404 page) and who may cancel it.
/// </summary>
public sealed class DetailsModel(BookingService booking, TimeProvider clock) : PageModel
{
    public const string CancelledMessage = "Appointment cancelled";

    [BindProperty]
    [Display(Name = "Cancellation reason")]
    public string? CancelReason { get; set => field = FreeText.UnifyLineBreaks(value); }

    public AppointmentView Appointment { get; private set; } = null!;

    /// <summary>Whether to offer the cancel form; the service still checks when it is posted.</summary>
    public bool OfferCancel { get; private set; }

    public bool HasStarted { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await ShowAsync(id, cancellationToken);

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await booking.CancelAsync(id, CancelReason, Actor.From(User), cancellationToken: cancellationToken);
            TempData["Status"] = CancelledMessage;
            return RedirectToPage(new { id });
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return NotFound();
        }
        catch (ValidationFailedException ex) when (ex.Errors.TryGetValue("Reason", out var message))
        {
            // The reason's own rule: shown against the box (the text is kept there to put right).
            ModelState.AddModelError(nameof(CancelReason), message);
        }
        catch (DomainException ex)
        {
            ModelState.AddDomainErrors(ex);
        }

        var page = await ShowAsync(id, cancellationToken);
        if (page is PageResult && Appointment.Status == AppointmentStatus.Cancelled && Appointment.CancelledBy == Actor.From(User).UserName)
        {
            // A second press of the button, or the same cancel sent twice at once: what this user asked for is done.
            ModelState.Clear();
            TempData["Status"] = CancelledMessage;
            return RedirectToPage(new { id });
        }

        if (!OfferCancel && ModelState.TryGetValue(nameof(CancelReason), out var reason) && reason.Errors.Count > 0)
        {
            // Cancelled meanwhile: the form is not shown, so the error summary must not link to its box.
            ModelState.MoveBindingErrorToPage(nameof(CancelReason), reason.Errors[0].ErrorMessage);
        }

        return page;
    }

    private async Task<IActionResult> ShowAsync(long id, CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        try
        {
            Appointment = await booking.ViewAsync(id, actor, cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
        {
            return NotFound();
        }

        // Once it has started it cannot be cancelled (Appointment.Cancel): the hub records attended or did not attend.
        HasStarted = Appointment.StartUtc <= clock.GetUtcNow().UtcDateTime;
        OfferCancel = Appointment.Status == AppointmentStatus.Booked && !actor.IsCommissioner && !HasStarted;
        return Page();
    }
}
