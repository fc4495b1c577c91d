using Forward.Data;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Consultation;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Pages.Booking;

/// <summary>
/// Free-slot search. A GET form, so a search is a link that can be shared or reloaded and works without JavaScript.
/// The rules (dates, who may search for which practice, which hubs) are <see cref="BookingService.SearchAsync"/>'s.
/// </summary>
[Authorize(Policy = AuthenticationSetup.BookerPolicy)]
public sealed class FindModel(BookingService booking, TriageService triage, ForwardDbContext db, TimeProvider clock, IOptions<BookingPolicy> policy) : PageModel
{
    /// <summary>
    /// The online request being booked from (practice staff, from the triage page): carried to the Book page, which
    /// pre-fills the patient and closes the request when the booking is made.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public long? Consultation { get; set; }

    /// <summary>The request's reference, when booking from one.</summary>
    public string? ConsultationReference { get; private set; }

    /// <summary>The practice picked from the list (NHS 111 and hub clinicians; practice staff book for their own).</summary>
    [BindProperty(SupportsGet = true)]
    public string? PracticeOds { get; set; }

    /// <summary>An ODS code typed instead of picking from the list; used when given.</summary>
    [BindProperty(SupportsGet = true)]
    public string? PracticeCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public ClinicianRole? Role { get; set; }

    [BindProperty(SupportsGet = true)]
    public DeliveryMode? Mode { get; set; }

    public bool IsPracticeStaff { get; private set; }

    /// <summary>Practice staff's own practice, "Name (ODS)".</summary>
    public string? OwnPractice { get; private set; }

    public IReadOnlyList<SelectListItem> Practices { get; private set; } = [];

    public IReadOnlyList<SelectListItem> Roles { get; } = Wording.RoleOptions();

    public IReadOnlyList<SelectListItem> Modes { get; } = Wording.ModeOptions();

    /// <summary>Null until a search has run without errors.</summary>
    public SlotSearchResult? Result { get; private set; }

    public IReadOnlyList<IGrouping<DateOnly, SlotView>> Days { get; private set; } = [];

    /// <summary>"48 hours" or "14 days": how far ahead the user may book for the practice searched, for the hint.</summary>
    public string? BookingWindow { get; private set; }

    public bool IsTruncated => Result?.Truncated == true;

    public bool ShowCodeInput => !string.IsNullOrWhiteSpace(PracticeCode) || ModelState.GetFieldValidationState(nameof(PracticeCode)) == ModelValidationState.Invalid;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        IsPracticeStaff = actor.IsPracticeStaff;
        // The request comes from the triage page's link, not a field: a hand-made one that is no number is the page's error.
        ModelState.MoveBindingErrorToPage(nameof(Consultation), "The online request in the address is not valid: open the search from the request's page");
        if (Consultation is { } consultationId)
        {
            try
            {
                ConsultationReference = await triage.OpenReferenceAsync(consultationId, actor, cancellationToken);
            }
            catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
            {
                return NotFound();
            }
            catch (DomainException ex)
            {
                ModelState.AddDomainErrors(ex);
                Consultation = null;
            }
        }

        var window = policy.Value.WindowFor(actor.Channel).MaximumAhead;
        ModelState.ReplaceBindingError(nameof(From), "Enter the start date as a real date, for example 15 6 2026");
        ModelState.ReplaceBindingError(nameof(To), "Enter the end date as a real date, for example 21 6 2026");
        ModelState.ReplaceBindingError(nameof(Role), "Choose a clinician from the list");
        ModelState.ReplaceBindingError(nameof(Mode), "Choose a type of appointment from the list");
        foreach (var (name, value) in new[] { (nameof(From), From), (nameof(To), To) })
        {
            if (!DateBounds.Allows(value))
            {
                ModelState.AddModelError(name, DateBounds.Message);
            }
        }

        From = DateBounds.Allows(From) ? From : null;
        To = DateBounds.Allows(To) ? To : null;

        // Empty dates default to today and the following week, cut to how far ahead this user can book (NHS 111: 48 hours).
        if (From is null && ModelState.GetFieldValidationState(nameof(From)) != ModelValidationState.Invalid)
        {
            ModelState.Remove(nameof(From));
            From = London.Today(clock);
        }

        var toDefaulted = false;
        if (To is null && From is { } from && ModelState.GetFieldValidationState(nameof(To)) != ModelValidationState.Invalid)
        {
            ModelState.Remove(nameof(To));
            var lastBookable = DateOnly.FromDateTime(London.ToLocal(clock.GetUtcNow().UtcDateTime + window));
            To = lastBookable >= from && lastBookable < from.AddDays(6) ? lastBookable : from.AddDays(6);
            toDefaulted = true;
        }

        // Practice staff's practice is known, so their search runs straight away; others search once they submit the form.
        var submitted = actor.IsPracticeStaff || Request.Query.Count > 0;
        if (submitted && ModelState.IsValid)
        {
            var typedCode = !actor.IsPracticeStaff && !string.IsNullOrWhiteSpace(PracticeCode);
            var practice = actor.IsPracticeStaff ? null : typedCode ? PracticeCode : PracticeOds;
            try
            {
                // A defaulted end date is the search's to choose: it also stops where the practice's hubs stop taking bookings.
                Result = await booking.SearchAsync(new SlotSearch(practice, From, toDefaulted ? null : To, Role, Mode), actor, cancellationToken);
                To = Result.To;
                Days = Result.Slots.GroupBy(s => DateOnly.FromDateTime(s.StartLocal.DateTime)).ToList();
            }
            catch (DomainException ex)
            {
                ModelState.AddDomainErrors(ex, fields: typedCode ? new Dictionary<string, string> { ["PracticeOds"] = nameof(PracticeCode) } : null);
            }
        }

        // The hint says how far ahead this user can really book: the search knows when the practice's hubs all stop
        // sooner than the channel, and a hub clinician, who books only at their own hub, is bound by its window anyway.
        var bookingWindow = window;
        if (Result?.HubsMaximumBookingAheadHours is { } hubsHours)
        {
            bookingWindow = TimeSpan.FromHours(hubsHours);
        }
        else if (Result is null && actor.IsHubClinician
            && await db.Hubs.Where(h => h.Id == actor.HubId).Select(h => h.MaximumBookingAheadHours).FirstOrDefaultAsync(cancellationToken) is { } ownHubHours
            && TimeSpan.FromHours(ownHubHours) < window)
        {
            bookingWindow = TimeSpan.FromHours(ownHubHours);
        }

        BookingWindow = Describe(bookingWindow);

        if (actor.IsPracticeStaff)
        {
            OwnPractice = await PracticeChoices.OwnPracticeAsync(db, actor, cancellationToken);
        }
        else
        {
            Practices = await PracticeChoices.ForAsync(db, actor, cancellationToken);
        }

        return Page();
    }

    /// <summary>"48 hours", "14 days"; hours where it is under three days or not whole days.</summary>
    private static string Describe(TimeSpan window) =>
        window.TotalHours < 72 || window.Ticks % TimeSpan.TicksPerDay != 0
            ? Wording.Plural((int)Math.Round(window.TotalHours), "hour", "hours")
            : Wording.Plural((int)window.TotalDays, "day", "days");

    /// <summary>The Book link for a slot, carrying the search, so "Back to search" on the booking form returns to it.</summary>
    public string? BookUrl(SlotView slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return Url.Page("/Booking/Book", new
        {
            slotId = slot.Id,
            practice = Result?.PracticeOds,
            consultation = Consultation,
            // Only dates the user gave: the defaults (today onwards) must stay "today" when they come back tomorrow.
            From = Request.Query.ContainsKey(nameof(From)) ? From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
            To = Request.Query.ContainsKey(nameof(To)) ? To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null,
            Role,
            Mode,
        });
    }
}
