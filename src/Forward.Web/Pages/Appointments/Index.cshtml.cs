using System.ComponentModel.DataAnnotations;
using Forward.Domain;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Appointments;

/// <summary>
/// Finding a booking again (a patient rings back to cancel): the appointments the user may see, by NHS number and/or
/// dates; the rules and the audit are <see cref="BookingService.SearchAppointmentsAsync"/>'s. The form is posted, so an
/// NHS number never goes into the address (browser history on a shared PC, a proxy's access log, a sign-in return
/// address): the post keeps the search in TempData (an encrypted cookie, with the account that searched; emptied at
/// sign-in and sign-out) and redirects to <c>?found=1</c>, which runs it,
/// so Back from an appointment comes back to the results without asking to send the form again. A search by dates alone
/// can also be opened by address (?From=&amp;To=).
/// </summary>
[Authorize(Policy = AuthenticationSetup.BookerPolicy)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(BookingService booking) : PageModel
{
    [BindProperty]
    [Display(Name = "NHS number")]
    public string? NhsNumber { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    /// <summary>Null until a search has run without errors.</summary>
    public AppointmentSearchResult? Result { get; private set; }

    /// <summary>Whose appointments the user's searches find, for the page's wording.</summary>
    public string Scope { get; private set; } = string.Empty;

    private const string SearchKey = "AppointmentSearch";

    /// <summary>
    /// Opening the page lists nothing (each search is audited under every patient it shows), unless dates are in the
    /// address or it is the page a posted search redirected to.
    /// </summary>
    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // Kept for the account that searched only: on a shared PC the next person signed in to the same browser must not
        // see it, nor have it run (and audited) in their name.
        if (Request.Query.ContainsKey("found") && TempData.Peek(SearchKey) is string[] { Length: 4 } kept && kept[0] == User.Identity?.Name)
        {
            NhsNumber = kept[1];
            From = DateOnly.TryParse(kept[2], System.Globalization.CultureInfo.InvariantCulture, out var from) ? from : null;
            To = DateOnly.TryParse(kept[3], System.Globalization.CultureInfo.InvariantCulture, out var to) ? to : null;
            return SearchAsync(submitted: true, cancellationToken);
        }

        return SearchAsync(Request.Query.ContainsKey(nameof(From)) || Request.Query.ContainsKey(nameof(To)), cancellationToken);
    }

    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid || booking.ValidateAppointmentSearch(new AppointmentSearch(NhsNumber, From, To)).Count > 0)
        {
            // A search that cannot run is shown with the form at once (nothing to come back to) and is not kept: whatever
            // was pasted into the box would otherwise ride in the TempData cookie on every request, and a long one makes
            // the browser's cookies too big for any page (431).
            return SearchAsync(submitted: true, cancellationToken);
        }

        TempData[SearchKey] = new[] { User.Identity?.Name ?? string.Empty, NhsNumber ?? string.Empty, From is { } f ? Wording.Iso(f) : string.Empty, To is { } t ? Wording.Iso(t) : string.Empty };
        return Task.FromResult<IActionResult>(RedirectToPage(new { found = 1 }));
    }

    private async Task<IActionResult> SearchAsync(bool submitted, CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        Scope = actor.Role switch
        {
            Forward.Domain.Access.Roles.PracticeStaff => "appointments of patients registered at your practice",
            Forward.Domain.Access.Roles.Nhs111 => "appointments your organisation booked through NHS 111",
            _ => "appointments at your hub",
        };
        ModelState.ReplaceBindingError(nameof(From), "Enter the start date as a real date, for example 8 6 2026");
        ModelState.ReplaceBindingError(nameof(To), "Enter the end date as a real date, for example 22 6 2026");

        if (!submitted)
        {
            return Page();
        }

        var search = new AppointmentSearch(NhsNumber, From, To);
        if (!ModelState.IsValid)
        {
            // A date that did not bind has its own message; the NHS number's is shown with it rather than after a retry.
            // The other date is not judged against a start or end the user did not give.
            if (booking.ValidateAppointmentSearch(search).TryGetValue(nameof(NhsNumber), out var nhsError))
            {
                ModelState.AddFieldErrors(new Dictionary<string, string> { [nameof(NhsNumber)] = nhsError });
            }

            return Page();
        }

        try
        {
            Result = await booking.SearchAppointmentsAsync(search, actor, cancellationToken);

            // The form shows the dates searched, defaults included, rather than the empty boxes that were sent.
            ModelState.Remove(nameof(From));
            ModelState.Remove(nameof(To));
            (From, To) = (Result.From, Result.To);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.Forbidden)
        {
            return Forbid();
        }
        catch (DomainException ex)
        {
            ModelState.AddDomainErrors(ex);
        }

        return Page();
    }
}
