using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Web.Booking;
using Forward.Web.Infrastructure;
using Forward.Web.Notifications;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Forward.Web.Pages.Patient;

/// <summary>
/// The cancel link in a patient's confirmation and reminder. Anonymous: the signed, expiring token is the credential.
/// Shows only the time and the hub (nothing else about the patient), and cancels on POST, which frees the slot.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[EnableRateLimiting(RateLimits.PatientLink)]
public sealed class CancelModel(BookingService booking, PatientCancelLinks links) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public bool LinkValid { get; private set; }

    public string HubName { get; private set; } = string.Empty;

    /// <summary>Face to face, or a call the hub makes: a patient booked by telephone must not be sent to the hub.</summary>
    public Forward.Domain.Hubs.DeliveryMode Mode { get; private set; }

    public DateTimeOffset StartLocal { get; private set; }

    public DateTime StartUtc { get; private set; }

    public AppointmentStatus Status { get; private set; }

    /// <summary>The session this appointment was booked in will not run as booked: the patient is told the hub will call.</summary>
    public bool OffRota { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await ShowAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (links.Verify(Token) is not { } appointmentId)
        {
            return Invalid();
        }

        try
        {
            await booking.CancelByPatientLinkAsync(appointmentId, cancellationToken);
            return Cancelled();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return Invalid();
        }
        catch (DomainException ex)
        {
            // A second press of the button, or a cancel that landed at the same moment: what the patient asked for is
            // done, so it is not a problem to show them.
            if ((await booking.GetForPatientLinkAsync(appointmentId, cancellationToken)).Status == AppointmentStatus.Cancelled)
            {
                return Cancelled();
            }

            Problem = ex.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return await ShowAsync(cancellationToken);
    }

    private RedirectToPageResult Cancelled()
    {
        TempData["Status"] = "Your appointment is cancelled";
        return RedirectToPage(new { token = Token });
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        if (links.Verify(Token) is not { } appointmentId)
        {
            return Invalid();
        }

        try
        {
            var view = await booking.GetForPatientLinkAsync(appointmentId, cancellationToken);
            LinkValid = true;
            HubName = view.HubName;
            Mode = view.Mode;
            StartLocal = view.StartLocal;
            StartUtc = view.StartUtc;
            Status = view.Status;
            OffRota = view.OffRota;
            return Page();
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return Invalid();
        }
    }

    private PageResult Invalid()
    {
        LinkValid = false;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
