using System.Globalization;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Booking;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Pages.Hubs;

/// <summary>One session's appointments on the day list, in time order.</summary>
public sealed record DayListGroup(string SessionName, IReadOnlyList<AppointmentView> Appointments);

/// <summary>
/// A hub's appointments on one London date. Hub clinicians see their own hub and record attended / did not attend once
/// an appointment has started; commissioners may look at any hub of their CCG, read-only.
/// </summary>
[Authorize(Roles = Roles.HubClinician + "," + Roles.Commissioner)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class DayListModel(BookingService booking, ForwardDbContext db, TimeProvider clock) : PageModel
{
    /// <summary>The London date shown; today when not given.</summary>
    [BindProperty(SupportsGet = true)]
    public DateOnly? Date { get; set; }

    /// <summary>The hub shown: a hub clinician's own hub unless given; a commissioner's choice among their CCG's hubs.</summary>
    [BindProperty(SupportsGet = true)]
    public int? Hub { get; set; }

    public DateOnly Day { get; private set; }

    public HubSummary? HubShown { get; private set; }

    public IReadOnlyList<SelectListItem> HubOptions { get; private set; } = [];

    public IReadOnlyList<DayListGroup> Groups { get; private set; } = [];

    public int Total { get; private set; }

    public int Booked { get; private set; }

    public int Attended { get; private set; }

    public int DidNotAttend { get; private set; }

    public int Cancelled { get; private set; }

    public bool IsClinician { get; private set; }

    /// <summary>The list leaves out who the patients are (a commissioner's list): no patient or NHS number columns.</summary>
    public bool PatientsWithheld { get; private set; }

    /// <summary>How many booked appointments their session's rota no longer has (a closed date, a stopped or changed session): to contact.</summary>
    public int OffRotaCount { get; private set; }

    public DateTime NowUtc { get; private set; }

    /// <summary>Once the appointment has started: an outcome to record, or one recorded to correct.</summary>
    public bool CanRecordOutcome(AppointmentView appointment) =>
        IsClinician && appointment.Status is AppointmentStatus.Booked or AppointmentStatus.Attended or AppointmentStatus.DidNotAttend && appointment.StartUtc <= NowUtc;

    /// <summary>The patient's answer on sharing their record can be recorded (or changed) from the row.</summary>
    public bool CanRecordConsent(AppointmentView appointment) =>
        IsClinician && Appointment.ConsentRefusal(appointment.Status, appointment.StartUtc, NowUtc) is null;

    public bool CanViewRecord(AppointmentView appointment) =>
        IsClinician && Appointment.RecordAccessRefusal(appointment.Consent, appointment.Status, appointment.StartUtc, clock.GetUtcNow().UtcDateTime) is null;

    /// <summary>Query values for links back to this list (the hub only when it is not the clinician's own).</summary>
    public Dictionary<string, string> RouteFor(DateOnly date)
    {
        var values = new Dictionary<string, string> { ["date"] = Wording.Iso(date) };
        if (Hub is { } hub)
        {
            values["hub"] = hub.ToString(CultureInfo.InvariantCulture);
        }

        return values;
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            FriendlyBindingErrors();
        }

        return await ShowAsync(cancellationToken);
    }

    /// <summary>Attended or did not attend, from the buttons beside a started appointment.</summary>
    /// <remarks>
    /// A post whose answer is missing or not true/false (not the buttons') is refused: as a plain bool it read as false
    /// and recorded did not attend.
    /// </remarks>
    public Task<IActionResult> OnPostOutcomeAsync(long id, bool? attended, int? version, CancellationToken cancellationToken)
    {
        ModelState.Remove("attended");
        return ChangeRowAsync(
            version,
            versionGiven => attended is { } answer
                ? booking.RecordOutcomeAsync(id, answer, Actor.From(User), versionGiven, cancellationToken)
                : throw DomainException.Invalid("outcome-missing", "Choose attended or did not attend."),
            _ => attended == true ? "attended" : "did not attend",
            "record the outcome again if it is still wrong",
            cancellationToken);
    }

    /// <summary>The patient's answer on sharing their record, from the buttons in the row's record sharing column.</summary>
    public Task<IActionResult> OnPostConsentAsync(long id, RecordSharingConsent? consent, int? version, CancellationToken cancellationToken)
    {
        ModelState.Remove("consent");
        return ChangeRowAsync(
            version,
            versionGiven => booking.RecordConsentAsync(id, consent, Actor.From(User), versionGiven, cancellationToken),
            changed => changed.Consent == RecordSharingConsent.Granted ? "agrees to share their record" : "refuses to share their record",
            "record the patient's answer again if it is still wrong",
            cancellationToken);
    }

    /// <summary>
    /// A change made from a row's buttons, at the version the list showed: another clinician's change since then is not
    /// overwritten, and a version that is not a number (a hand-made post) can match none, so it is refused the same way.
    /// On success, back to the appointment's day with what was recorded; refused, the list as it is now, saying why.
    /// </summary>
    private async Task<IActionResult> ChangeRowAsync(int? version, Func<int?, Task<AppointmentView>> change, Func<AppointmentView, string> recorded, string again, CancellationToken cancellationToken)
    {
        try
        {
            var versionGiven = ModelState.GetFieldValidationState("version") == ModelValidationState.Invalid ? -1 : version;
            ModelState.Remove("version");
            var appointment = await change(versionGiven);
            TempData["Status"] = $"{appointment.PatientName} at {Wording.ClockTime(appointment.StartUtc)}: {recorded(appointment)}";
            return RedirectToPage(new RouteValueDictionary(RouteFor(DateOnly.FromDateTime(appointment.StartLocal.DateTime)).ToDictionary(kv => kv.Key, kv => (object?)kv.Value)));
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.Conflict or DomainErrorKind.Validation)
        {
            // Perhaps from another window or device of the same clinician: the list does not say who.
            ModelState.AddModelError(string.Empty, ex.Code == "version-mismatch"
                ? $"This appointment was updated after the list was shown. The list now shows it as it is: {again}."
                : ex.Message);
            var page = await ShowAsync(cancellationToken);
            Response.StatusCode = ex.Kind == DomainErrorKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            return page;
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.Forbidden)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound)
        {
            return NotFound();
        }
    }

    private async Task<IActionResult> ShowAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        IsClinician = actor.IsHubClinician;
        NowUtc = clock.GetUtcNow().UtcDateTime;
        if (!DateBounds.Allows(Date))
        {
            // The form shows today's list with the error, rather than a day no clinic will ever have; read as any day
            // is, so its counts are never the empty ones of a list not read.
            ModelState.AddModelError(nameof(Date), DateBounds.Message);
            Date = null;
        }

        Day = Date ?? London.Today(clock);
        Date = Day;

        if (actor.IsCommissioner)
        {
            var hubs = await HubsApi.HubSummaries(db.Hubs.Where(h => h.CcgId == actor.CcgId)).ToListAsync(cancellationToken);
            HubOptions = hubs.Select(h => new SelectListItem(h.Town is null ? h.Name : $"{h.Name} ({h.Town})", h.Id.ToString(CultureInfo.InvariantCulture))).ToList();
            Hub ??= hubs.FirstOrDefault()?.Id;
        }

        var hubId = Hub ?? actor.HubId;
        if (hubId is null)
        {
            // A clinician with no hub, or a commissioner whose CCG has none: nothing to list.
            return Page();
        }

        HubShown = await HubsApi.HubSummaries(db.Hubs.Where(h => h.Id == hubId)).FirstOrDefaultAsync(cancellationToken);
        if (HubShown is null)
        {
            return NotFound();
        }

        IReadOnlyList<AppointmentView> appointments;
        try
        {
            appointments = await booking.DayListAsync(hubId.Value, Day, actor, cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind == DomainErrorKind.Forbidden)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        OffRotaCount = appointments.Count(a => a.OffRota);
        Total = appointments.Count;
        PatientsWithheld = appointments.Any(a => a.PatientWithheld);
        Booked = appointments.Count(a => a.Status == AppointmentStatus.Booked);
        Attended = appointments.Count(a => a.Status == AppointmentStatus.Attended);
        DidNotAttend = appointments.Count(a => a.Status == AppointmentStatus.DidNotAttend);
        Cancelled = appointments.Count(a => a.Status == AppointmentStatus.Cancelled);
        Groups = appointments
            .GroupBy(a => a.SessionName)
            .Select(g => new DayListGroup(g.Key, g.OrderBy(a => a.StartUtc).ThenBy(a => a.Id).ToList()))
            .OrderBy(g => g.Appointments[0].StartUtc).ThenBy(g => g.SessionName, StringComparer.Ordinal)
            .ToList();
        return Page();
    }

    private void FriendlyBindingErrors()
    {
        Replace(nameof(Date), "Enter a real date, for example 8 June 2026");
        Replace(nameof(Hub), "Choose a hub from the list");
    }

    private void Replace(string key, string message)
    {
        if (ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
        {
            entry.Errors.Clear();
            entry.Errors.Add(message);
        }
    }
}
