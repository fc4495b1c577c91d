using Forward.Domain;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Hubs;
using Forward.Web.Infrastructure;
using Forward.Web.Pages.Hubs;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Admin;

/// <summary>The session form as posted. Everything is optional here so a missing or mistyped value becomes a field error.</summary>
public sealed class SessionForm
{
    public string? Name { get; set; }

    public List<SessionDays>? Days { get; set; }

    public TimeOnly? StartTime { get; set; }

    public TimeOnly? EndTime { get; set; }

    public ClinicianRole? Role { get; set; }

    public DeliveryMode? Mode { get; set; }

    public int? SlotMinutes { get; set; }

    public int? Clinicians { get; set; }

    /// <summary>Three boxes (day, month, year): a date half typed is an error, where a browser's date field sends nothing.</summary>
    [ModelBinder(typeof(DatePartsBinder))]
    [System.ComponentModel.DataAnnotations.Display(Name = "Runs from")]
    public DateOnly? ValidFrom { get; set; }

    /// <summary>Optional: all three boxes empty is no end date; some of them filled is an error, never "no end date".</summary>
    [ModelBinder(typeof(DatePartsBinder))]
    [System.ComponentModel.DataAnnotations.Display(Name = "Runs until")]
    public DateOnly? ValidUntil { get; set; }

    /// <summary>The session's version when the form was opened (a hidden field; none when adding a session).</summary>
    public int? Version { get; set; }

    /// <summary>The "add a session" form's key (a hidden field, new on each visit): sending it twice adds one session.</summary>
    public string? FormKey { get; set; }

    public static SessionForm From(SessionInput values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new SessionForm
        {
            Name = values.Name,
            Days = SessionModel.DayFlags.Where(d => values.Days.HasFlag(d)).ToList(),
            StartTime = values.StartTime,
            EndTime = values.EndTime,
            Role = values.Role,
            Mode = values.Mode,
            SlotMinutes = values.SlotMinutes,
            Clinicians = values.Clinicians,
            ValidFrom = values.ValidFrom,
            ValidUntil = values.ValidUntil,
        };
    }

    public SessionInput ToInput() => new(
        Name,
        (Days ?? []).Aggregate(SessionDays.None, (all, day) => all | day),
        StartTime,
        EndTime,
        Role,
        Mode,
        SlotMinutes,
        Clinicians,
        ValidFrom,
        ValidUntil);
}

/// <summary>The closed / extra date form as posted.</summary>
public sealed class DateChangeForm
{
    [ModelBinder(typeof(DatePartsBinder))]
    [System.ComponentModel.DataAnnotations.Display(Name = "Date")]
    public DateOnly? Date { get; set; }

    public SessionOverrideKind? Kind { get; set; }

    public string? Reason { get; set; }
}

/// <summary>
/// Adds a session to a hub's rota (/Admin/Session?hubId=5) or changes one (/Admin/Session/12): its pattern, whether it
/// runs at all, and its closed and extra dates. Every change goes through <see cref="RotaService"/>, which checks the
/// commissioner's CCG, audits the change and regenerates the hub's slots at once.
/// </summary>
[Authorize(Policy = AuthenticationSetup.CommissionerPolicy)]
public sealed class SessionModel(RotaService rota, TimeProvider clock) : PageModel
{
    public const string WarningKey = "RotaWarning";

    /// <summary>What the page says of a change a form sent again finds made by its first send.</summary>
    public const string AlreadySavedMessage = "This change was already saved.";

    private const string KeptOne = "It has been kept, and the hub's day list marks it for its clinicians to contact the patient and rebook or cancel; no reminder is sent for it while the rota leaves it out.";
    private const string KeptMany = "They have been kept, and the hub's day list marks them for its clinicians to contact the patients and rebook or cancel; no reminder is sent for them while the rota leaves them out.";

    public static readonly IReadOnlyList<SessionDays> DayFlags =
    [
        SessionDays.Monday, SessionDays.Tuesday, SessionDays.Wednesday, SessionDays.Thursday, SessionDays.Friday,
        SessionDays.Saturday, SessionDays.Sunday, SessionDays.BankHolidays,
    ];

    private static readonly Dictionary<string, string> BindingMessages = new()
    {
        ["Input.StartTime"] = "Enter the start time as hours and minutes, for example 18:30",
        ["Input.EndTime"] = "Enter the end time as hours and minutes, for example 20:00",
        ["Input.Days"] = "Select days from the list",
        ["Input.Role"] = "Select the clinician who runs the session",
        ["Input.Mode"] = "Select how patients are seen",
        ["Input.SlotMinutes"] = "Enter the slot length as a whole number of minutes, for example 15",
        ["Input.Clinicians"] = "Enter the number of clinicians as a whole number, for example 2",
        ["NewDate.Kind"] = "Select whether the session is closed or runs an extra clinic on this date",
    };

    [BindProperty]
    public SessionForm Input { get; set; } = new();

    [BindProperty]
    public DateChangeForm NewDate { get; set; } = new();

    /// <summary>The hub a new session is added to (query string); ignored when changing a session.</summary>
    [BindProperty(SupportsGet = true)]
    public int? HubId { get; set; }

    public int? SessionId { get; private set; }

    public SessionEditView? Existing { get; private set; }

    public int HubIdShown { get; private set; }

    public string HubName { get; private set; } = string.Empty;

    public IReadOnlyList<SelectListItem> DayOptions { get; } =
        DayFlags.Select(d => new SelectListItem(d == SessionDays.BankHolidays ? "Bank holidays" : d.ToString(), d.ToString())).ToList();

    public IReadOnlyList<SelectListItem> RoleOptions { get; } =
        Enum.GetValues<ClinicianRole>().Select(r => new SelectListItem(Wording.Role(r), r.ToString())).ToList();

    public IReadOnlyList<SelectListItem> ModeOptions { get; } =
        Enum.GetValues<DeliveryMode>().Select(m => new SelectListItem(Wording.Mode(m), m.ToString())).ToList();

    public IReadOnlyList<SelectListItem> KindOptions { get; } =
    [
        new("Closed: the session does not run on this date", nameof(SessionOverrideKind.Closed)),
        new("Extra: the session runs on this date as well", nameof(SessionOverrideKind.Extra)),
    ];

    public async Task<IActionResult> OnGetAsync(int? id, CancellationToken cancellationToken) =>
        await LoadAsync(id, fillInput: true, cancellationToken) ?? Page();

    /// <summary>Saves the session (new or changed) and regenerates the hub's slots.</summary>
    public async Task<IActionResult> OnPostAsync(int? id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, fillInput: false, cancellationToken) is { } failed)
        {
            return failed;
        }

        ModelState.ReplaceBindingErrors(BindingMessages);

        // A hidden field: a value that is not a number came from elsewhere and is refused as out of date by the service.
        ModelState.Remove("Input.Version");
        var input = Input.ToInput();
        ModelState.AddFieldErrors(RotaService.Validate(input), nameof(Input));
        if (AdminPage.HasErrorsUnder(ModelState, nameof(Input)))
        {
            return Page();
        }

        return await ChangeAsync(
            () => id is { } sessionId
                ? rota.UpdateSessionAsync(sessionId, input, Input.Version, Actor.From(User), cancellationToken)
                : rota.CreateSessionAsync(HubIdShown, input, Input.FormKey, Actor.From(User), cancellationToken),
            change => $"{(id is null ? "Session added" : "Session saved")}: {change.SessionName}",
            nameof(Input),
            toHub: true);
    }

    public Task<IActionResult> OnPostDeactivateAsync(int id, CancellationToken cancellationToken) => SetActiveAsync(id, false, cancellationToken);

    public Task<IActionResult> OnPostActivateAsync(int id, CancellationToken cancellationToken) => SetActiveAsync(id, true, cancellationToken);

    /// <summary>Adds a closed date or an extra date to the session.</summary>
    public async Task<IActionResult> OnPostAddDateAsync(int id, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, fillInput: true, cancellationToken) is { } failed)
        {
            return failed;
        }

        ModelState.ReplaceBindingErrors(BindingMessages);
        if (AdminPage.HasErrorsUnder(ModelState, nameof(NewDate)))
        {
            return Page();
        }

        var input = new OverrideInput(NewDate.Date, NewDate.Kind, NewDate.Reason);
        return await ChangeAsync(
            () => rota.AddOverrideAsync(id, input, Actor.From(User), cancellationToken),
            change => input.Kind == SessionOverrideKind.Closed
                ? $"{change.SessionName} closed on {Wording.Date(input.Date!.Value)}"
                : $"Extra {change.SessionName} added on {Wording.Date(input.Date!.Value)}",
            nameof(NewDate),
            toHub: false,
            offRotaBecause: $"the session is closed on {Wording.Date(input.Date ?? default)}");
    }

    public async Task<IActionResult> OnPostRemoveDateAsync(int id, int overrideId, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, fillInput: true, cancellationToken) is { } failed)
        {
            return failed;
        }

        var removed = Existing!.Overrides.FirstOrDefault(o => o.Id == overrideId);
        return await ChangeAsync(
            () => rota.RemoveOverrideAsync(id, overrideId, Actor.From(User), cancellationToken),
            change => removed is null
                ? $"Date removed from {change.SessionName}"
                : $"{(removed.Kind == SessionOverrideKind.Closed ? "Closed date" : "Extra date")} {Wording.Date(removed.Date)} removed from {change.SessionName}",
            string.Empty,
            toHub: false,
            offRotaBecause: removed is null ? "a date was removed" : $"the extra clinic on {Wording.Date(removed.Date)} was removed");
    }

    private async Task<IActionResult> SetActiveAsync(int id, bool active, CancellationToken cancellationToken)
    {
        if (await LoadAsync(id, fillInput: true, cancellationToken) is { } failed)
        {
            return failed;
        }

        return await ChangeAsync(
            () => rota.SetSessionActiveAsync(id, active, Actor.From(User), cancellationToken),
            change => $"{change.SessionName} {(active ? "reactivated" : "deactivated")}",
            string.Empty,
            toHub: false,
            offRotaBecause: "the session was deactivated");
    }

    /// <summary>Runs a rota change; on success sets the status (and a warning about booked appointments) and redirects.</summary>
    private async Task<IActionResult> ChangeAsync(Func<Task<RotaChange>> change, Func<RotaChange, string> describe, string errorPrefix, bool toHub, string offRotaBecause = "its dates, times, clinician, type or slot length changed")
    {
        RotaChange result;
        try
        {
            result = await change();
        }
        catch (ValidationFailedException ex)
        {
            ModelState.AddFieldErrors(ex.Errors, errorPrefix);
            return Page();
        }
        catch (DomainException ex) when (ex.Code == RotaService.SessionChangedCode && SessionId is { } sessionId)
        {
            // Someone else saved the session first: show it as it is now, at its new version, not the stale form.
            ModelState.Clear();
            if (await LoadAsync(sessionId, fillInput: true, CancellationToken.None) is { } failed)
            {
                return failed;
            }

            ModelState.AddModelError(string.Empty, ex.Message);
            return Page();
        }
        catch (DomainException ex) when (ex.Code == RotaService.FormUsedCode)
        {
            // Sending the form again now adds this session: it is a new form, not the one that added the other.
            ModelState.Remove($"{nameof(Input)}.{nameof(SessionForm.FormKey)}");
            Input.FormKey = FormKeys.New();
            ModelState.AddModelError(string.Empty, ex.Message);
            return Page();
        }
        catch (DomainException ex) when (ex.Code == RotaService.OverrideGoneCode && SessionId is { } sessionId)
        {
            // Removed by someone else meanwhile: what the user asked for is done.
            TempData["Status"] = ex.Message;
            return RedirectToPage("/Admin/Session", null, new { id = sessionId }, "dates");
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is { } status)
        {
            return status;
        }
        catch (DomainException ex)
        {
            ModelState.AddModelError(string.Empty, ex.Message);
            return Page();
        }

        var slots = result.Slots;
        var counts = new List<string>();
        if (slots.Added > 0)
        {
            counts.Add($"{Wording.Plural(slots.Added, "slot", "slots")} added");
        }

        if (slots.Withdrawn > 0)
        {
            counts.Add($"{Wording.Plural(slots.Withdrawn, "free slot", "free slots")} withdrawn");
        }

        if (slots.Restored > 0)
        {
            counts.Add($"{Wording.Plural(slots.Restored, "slot", "slots")} restored");
        }

        if (slots.Reshaped > 0)
        {
            counts.Add($"{Wording.Plural(slots.Reshaped, "free slot", "free slots")} updated");
        }

        // A form sent again finds its change made by the first send: no count is this send's, and "no slots needed to
        // change" would hide that the change was made (what the regeneration did meanwhile is still told).
        var outcome = result.AlreadySaved
            ? AlreadySavedMessage + (counts.Count == 0 ? string.Empty : " " + string.Join(", ", counts) + ".")
            : counts.Count == 0 ? "No slots needed to change." : string.Join(", ", counts) + ".";
        TempData["Status"] = describe(result) + ". " + outcome + NoSlotDatesMessage(result.DatesWithNoSlot);
        if (result.BookedOutsideRota is { Count: > 0 } left)
        {
            const int Listed = 20;
            var references = string.Join(", ", left.Take(Listed).Select(Wording.Reference)) + (left.Count > Listed ? $" and {left.Count - Listed} more" : string.Empty);

            // Sent again, the change is not known to be why each is off the rota (an earlier change may have left some
            // out), so none is given; the list is the session's whole, as the first answer's may not have arrived.
            var which = result.AlreadySaved
                ? $"{Wording.Plural(left.Count, "booked appointment is", "booked appointments are")} off this session's rota"
                : $"{Wording.Plural(left.Count, "booked appointment no longer matches", "booked appointments no longer match")} this session's rota ({offRotaBecause})";
            TempData[WarningKey] = $"{which}. {(left.Count == 1 ? KeptOne : KeptMany)} {(left.Count == 1 ? "Appointment" : "Appointments")} {references}.";
        }

        return toHub
            ? RedirectToPage("/Admin/Hub", null, new { id = result.HubId }, "rota")
            : RedirectToPage("/Admin/Session", null, new { id = result.SessionId }, "dates");
    }

    /// <summary>
    /// " It offers no appointments on 28 March 2027: ..." for the dates a session saved offers none on because the clocks
    /// go forward and skip its times (one with no end date loses one a year, so the first few are named and the rest
    /// counted); nothing when there are none.
    /// </summary>
    private static string NoSlotDatesMessage(IReadOnlyList<DateOnly>? dates)
    {
        const int Named = 3;
        if (dates is not { Count: > 0 })
        {
            return string.Empty;
        }

        var named = dates.Take(Named).Select(Wording.Date).ToList();
        var list = dates.Count > Named
            ? string.Join(", ", named) + $" and {Wording.Plural(dates.Count - Named, "later date", "later dates")}"
            : Wording.List(named);
        return $" It offers no appointments on {list}: the clocks go forward an hour {(dates.Count == 1 ? "that night" : "on those nights")} and skip its times.";
    }

    /// <summary>Loads the session (or the hub a new one goes in); null when found, else the status to return.</summary>
    private async Task<IActionResult?> LoadAsync(int? id, bool fillInput, CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        try
        {
            if (id is { } sessionId)
            {
                SessionId = sessionId;
                Existing = await rota.GetSessionAsync(sessionId, actor, cancellationToken);
                HubIdShown = Existing.HubId;
                HubName = Existing.HubName;
                if (fillInput)
                {
                    Input = SessionForm.From(Existing.Values);
                    Input.Version = Existing.Version;
                }
            }
            else if (HubId is { } hubId)
            {
                var hub = await rota.GetHubAsync(hubId, actor, cancellationToken);
                HubIdShown = hub.Id;
                HubName = hub.Name;
                if (fillInput)
                {
                    Input = new SessionForm { ValidFrom = London.Today(clock), SlotMinutes = 15, Clinicians = 1, Days = [], FormKey = FormKeys.New() };
                }
            }
            else
            {
                return NotFound();
            }
        }
        catch (DomainException ex) when (AdminPage.StatusFor(ex) is { } status)
        {
            return status;
        }

        return null;
    }
}
