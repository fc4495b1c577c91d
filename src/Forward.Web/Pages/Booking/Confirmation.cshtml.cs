using Forward.Domain;
using Forward.Web.Access;
using Forward.Web.Booking;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Booking;

/// <summary>
/// The booking confirmation. Any signed-in user may ask; <see cref="BookingService.GetAsync"/> decides who may see the
/// appointment and answers "not found" to everyone else, so this page shows the 404 page then.
/// </summary>
public sealed class ConfirmationModel(BookingService booking) : PageModel
{
    public AppointmentView Appointment { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            Appointment = await booking.ViewAsync(id, Actor.From(User), cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
        {
            return NotFound();
        }

        return Page();
    }
}
