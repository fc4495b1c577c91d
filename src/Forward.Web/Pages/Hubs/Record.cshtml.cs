using Forward.Domain;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Forward.Web.Pages.Hubs;

/// <summary>
/// A patient's record summary for a hub appointment. Open to any signed-in user so that every attempt reaches
/// <see cref="BookingService.ViewRecordAsync"/>, which lets only the hub's clinicians in, only with the patient's
/// consent, and audits every view and every refusal; a refusal is shown as a page with status 403.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[EnableRateLimiting(RateLimits.RecordView)]
public sealed class RecordModel(BookingService booking) : PageModel
{
    /// <summary>The day list date to go back to.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? Date { get; set; }

    public long AppointmentId { get; private set; }

    public RecordSummaryView? Record { get; private set; }

    public string? Refusal { get; private set; }

    public async Task<IActionResult> OnGetAsync(long appointmentId, CancellationToken cancellationToken)
    {
        AppointmentId = appointmentId;
        try
        {
            Record = await booking.ViewRecordAsync(appointmentId, Actor.From(User), cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.Forbidden)
        {
            Refusal = ex.Message;
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return NotFound();
        }

        return Page();
    }
}
