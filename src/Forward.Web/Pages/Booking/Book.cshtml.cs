using System.Globalization;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Consultation;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Pages.Booking;

/// <summary>What the booking form posts. Property names are the service's field names, so its errors land on the right field.</summary>
public sealed class BookInput
{
    public string? NhsNumber { get; set; }

    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    [Microsoft.AspNetCore.Mvc.ModelBinder(typeof(DatePartsBinder))]
    [System.ComponentModel.DataAnnotations.Display(Name = "Date of birth")]
    public DateOnly? DateOfBirth { get; set; }

    public string? Phone { get; set; }

    public string? RegisteredPracticeOds { get; set; }

    public string? Reason { get; set => field = FreeText.UnifyLineBreaks(value); }

    public RecordSharingConsent? Consent { get; set; }

    /// <summary>New for each form shown; a second submit of the same form replays the first booking instead of making another.</summary>
    public string? IdempotencyKey { get; set; }
}

/// <summary>Books one slot for a patient. Thin: binds the form, calls <see cref="BookingService.BookAsync"/>, shows its errors.</summary>
[Authorize(Policy = AuthenticationSetup.BookerPolicy)]
public sealed class BookModel(BookingService booking, TriageService triage, ForwardDbContext db, TimeProvider clock) : PageModel
{
    public const string InputPrefix = nameof(Input);

    /// <summary>
    /// Sent when the record-sharing question is not answered. It is no consent value, so BookingService rejects it with
    /// its own message, in the same pass as every other error on the form (never silently as "not asked").
    /// </summary>
    private const RecordSharingConsent Unanswered = (RecordSharingConsent)(-1);

    /// <summary>Errors against fields this form does not show go to the top of the error summary.</summary>
    private static readonly Dictionary<string, string> HiddenFields = new(StringComparer.Ordinal)
    {
        ["SlotIds"] = string.Empty,
        ["IdempotencyKey"] = string.Empty,
        ["Description"] = string.Empty,
        ["Comment"] = string.Empty,
    };

    private static readonly Dictionary<string, string> HiddenFieldsForPracticeStaff = new(HiddenFields, StringComparer.Ordinal)
    {
        ["RegisteredPracticeOds"] = string.Empty,
    };

    [BindProperty(SupportsGet = true)]
    public long SlotId { get; set; }

    /// <summary>The practice searched for on the Find page (?practice=ODS).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Practice { get; set; }

    /// <summary>
    /// The online request being booked from (practice staff only): the form starts with the request's patient, and the
    /// request closes as booked in the booking's transaction. Without it the page works as it always has.
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public long? Consultation { get; set; }

    /// <summary>
    /// The rest of the search the slot was found with, only carried back to it by "Back to search" (strings, so a value
    /// the search page would refuse never stops a booking: the search page checks them).
    /// </summary>
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Role { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mode { get; set; }

    /// <summary>
    /// The request in the page's address was closed meanwhile: the form then sends an empty request, so the address's is
    /// not posted again and the slot can be booked without it.
    /// </summary>
    public bool RequestDropped { get; private set; }

    /// <summary>The request's reference, when booking from one.</summary>
    public string? ConsultationReference { get; private set; }

    /// <summary>The appointment this form booked when it was sent before with other details.</summary>
    public long? BookedFromThisForm { get; private set; }

    /// <summary>The appointment this form booked has been cancelled since: sending the form again books nothing.</summary>
    public bool BookedFromThisFormCancelled { get; private set; }

    [BindProperty]
    public BookInput Input { get; set; } = new();

    public SlotView Slot { get; private set; } = null!;

    /// <summary>
    /// Why the slot cannot be booked, said before anyone types a patient's details: taken, withdrawn by the hub (a
    /// closed date, a stopped session), or already started. Null when it can be.
    /// </summary>
    public (string Heading, string Detail)? SlotUnbookable => Slot switch
    {
        { Status: SlotStatus.Booked } => ("This appointment is no longer free", "Someone else may have just booked it."),
        { Status: SlotStatus.Withdrawn } => ("The hub no longer offers this appointment", "Its clinic is closed at that time, or its session has changed."),
        _ when Slot.StartUtc <= clock.GetUtcNow().UtcDateTime => ("This appointment has already started", string.Empty),
        _ => null,
    };

    public bool IsPracticeStaff { get; private set; }

    /// <summary>"Name (ODS)" of the practice the booking is for, when known.</summary>
    public string? PracticeDescription { get; private set; }

    public IReadOnlyList<SelectListItem> ConsentOptions { get; } = Wording.ConsentOptions();

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (SlotId <= 0)
        {
            return RedirectToPage("/Booking/Find");
        }

        Input = new BookInput { RegisteredPracticeOds = Practice?.Trim().ToUpperInvariant(), IdempotencyKey = Guid.NewGuid().ToString("N") };
        if (Consultation is { } consultationId)
        {
            try
            {
                var (reference, patient) = await triage.PrefillAsync(consultationId, Actor.From(User), cancellationToken);
                ConsultationReference = reference;
                Input.NhsNumber = patient.NhsNumber;
                Input.GivenName = patient.GivenName;
                Input.FamilyName = patient.FamilyName;
                Input.DateOfBirth = patient.DateOfBirth;
                Input.Phone = patient.Phone;
            }
            catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
            {
                return NotFound();
            }
            catch (DomainException ex)
            {
                ModelState.AddDomainErrors(ex);
            }
        }

        return await ShowAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        ModelState.ReplaceBindingError($"{InputPrefix}.{nameof(BookInput.Consent)}", "Say whether the patient agrees to share their record with the hub");
        var request = new BookingRequest(
            [SlotId],
            new PatientDetails(Input.NhsNumber, Input.GivenName, Input.FamilyName, Input.DateOfBirth, Input.Phone),
            actor.IsPracticeStaff ? null : Input.RegisteredPracticeOds,
            Input.Reason,
            Input.Consent ?? Unanswered,
            Input.IdempotencyKey);
        if (!ModelState.IsValid)
        {
            // Something did not bind (a date of birth that is no date): the rest of the form is checked too, so every
            // problem is shown at once; the field that did not bind keeps its own, more precise, message.
            ModelState.AddFieldErrors(booking.Validate(request), InputPrefix, actor.IsPracticeStaff ? HiddenFieldsForPracticeStaff : HiddenFields);
        }
        else
        {
            try
            {
                var outcome = Consultation is { } consultationId
                    ? await triage.BookFromRequestAsync(consultationId, request, actor, cancellationToken)
                    : await booking.BookAsync(request, actor, cancellationToken);
                if (!(outcome.Replayed && outcome.Appointment.Status == AppointmentStatus.Cancelled))
                {
                    return RedirectToPage("/Booking/Confirmation", new { id = outcome.Appointment.Id });
                }

                // Sent again after its booking was cancelled: the confirmation would show a cancelled appointment as if
                // it had just been booked.
                ShowCancelledFromThisForm(outcome.Appointment.Id);
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
            {
                return NotFound();
            }
            catch (IdempotencyKeyReusedException ex) when (ex.BookedAppointmentCancelled)
            {
                ShowCancelledFromThisForm(ex.BookedAppointmentId);
            }
            catch (IdempotencyKeyReusedException ex)
            {
                // Back, other details, book: this form already booked its slot, with the details sent first. The key is
                // the form's own business; what the user needs to know is where that leaves the slot, and the booking.
                ModelState.AddModelError(string.Empty, "This slot was booked from this page a moment ago, with the patient and details you entered first. Nothing you changed since was saved. To book another patient, choose another slot.");
                BookedFromThisForm = ex.BookedAppointmentId;
            }
            catch (DomainException ex)
            {
                ModelState.AddDomainErrors(ex, InputPrefix, actor.IsPracticeStaff ? HiddenFieldsForPracticeStaff : HiddenFields);
            }
        }

        return await ShowAsync(cancellationToken);
    }

    private void ShowCancelledFromThisForm(long appointmentId)
    {
        ModelState.AddModelError(string.Empty, "The appointment booked from this page has been cancelled since. Nothing was booked now. To book this slot, start again from a new form.");
        BookedFromThisForm = appointmentId;
        BookedFromThisFormCancelled = true;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        IsPracticeStaff = actor.IsPracticeStaff;
        try
        {
            Slot = await booking.GetSlotAsync(SlotId, cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.NotFound)
        {
            return NotFound();
        }

        if (Consultation is { } consultation && ConsultationReference is null)
        {
            try
            {
                ConsultationReference = await triage.OpenReferenceAsync(consultation, actor, cancellationToken);
            }
            catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
            {
                return NotFound();
            }
            catch (DomainException)
            {
                // Closed since the form was shown: the error is already on the page. Closed as booked (by a colleague, or
                // from another tab), it keeps refusing: the patient has their appointment. Closed otherwise, the slot can
                // still be booked for the patient, only not as the request's booking, as the search page does.
                var bookedAs = await db.ConsultationRequests.AsNoTracking().Where(r => r.Id == consultation)
                    .Select(r => r.BookedAppointmentId).FirstOrDefaultAsync(cancellationToken);
                if (bookedAs is { } appointmentId)
                {
                    ModelState.AddModelError(string.Empty, $"This request has been booked already, as appointment {appointmentId.ToString(CultureInfo.InvariantCulture)}. Nothing was booked from this page.");
                }
                else
                {
                    Consultation = null;
                    RequestDropped = true;
                    ModelState.Remove(nameof(Consultation));
                    ModelState.AddModelError(string.Empty, "You can still book this slot for the patient. The booking will not be linked to the request.");
                }
            }
        }

        PracticeDescription = IsPracticeStaff
            ? await PracticeChoices.OwnPracticeAsync(db, actor, cancellationToken)
            : await PracticeChoices.DescribeAsync(db, Input.RegisteredPracticeOds, cancellationToken);
        return Page();
    }

    public string FindUrl() =>
        Url.Page("/Booking/Find", new
        {
            consultation = Consultation,
            PracticeOds = Consultation is null && !IsPracticeStaff && !string.IsNullOrWhiteSpace(Practice) ? Practice : null,
            From,
            To,
            Role,
            Mode,
        }) ?? "/Booking/Find";
}
