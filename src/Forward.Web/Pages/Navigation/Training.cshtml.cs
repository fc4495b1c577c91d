using System.Globalization;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Navigation;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Forward.Web.Navigation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Navigation;

/// <summary>The training form as posted; everything optional so a missing or mistyped value becomes a field error.</summary>
public sealed class TrainingForm
{
    public int? Id { get; set; }

    /// <summary>The record's version when the form was opened, so a change made meanwhile is not overwritten.</summary>
    public int? Version { get; set; }

    public string? StaffName { get; set; }

    /// <summary>"yes" or "no".</summary>
    public string? Trained { get; set; }

    /// <summary>Three boxes (day, month, year): a date half typed is an error, where a browser's date field sends nothing.</summary>
    [ModelBinder(typeof(DatePartsBinder))]
    [System.ComponentModel.DataAnnotations.Display(Name = "Date training completed")]
    public DateOnly? TrainedOn { get; set; }

    public string? Course { get; set; }

    /// <summary>An add form's key (<see cref="FormKeys"/>), so the same form sent twice adds the person once.</summary>
    public string? FormKey { get; set; }
}

/// <summary>
/// The care-navigator training register: practice staff list their colleagues (trained yes/no and when) and add or
/// update records; commissioners read any practice's register in their CCG and cannot change it.
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class TrainingModel(NavigationService navigation, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? PracticeId { get; set; }

    /// <summary>A record to change (GET ?edit=3 fills the form with it).</summary>
    [BindProperty(SupportsGet = true)]
    public int? Edit { get; set; }

    [BindProperty]
    public TrainingForm Input { get; set; } = new();

    public IReadOnlyList<SelectListItem> PracticeOptions { get; private set; } = [];

    public static IReadOnlyList<SelectListItem> TrainedOptions { get; } = [new("Yes", "yes"), new("No", "no")];

    public PracticeChoice? Practice { get; private set; }

    public IReadOnlyList<TrainingRow> Rows { get; private set; } = [];

    public bool CanChange => User.IsInRole(Roles.PracticeStaff);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        ModelState.ReplaceBindingError(nameof(PracticeId), "Choose a practice from the list");
        if (ModelState.GetFieldValidationState(nameof(Edit)) == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
        {
            // No record has an id that is no number: as for an id not at the practice (old code: the framework's "The
            // value 'abc' is not valid for Edit.").
            return NotFound();
        }

        if (await LoadAsync(cancellationToken) is { } failed)
        {
            return failed;
        }

        if (Edit is { } id && CanChange)
        {
            var row = Rows.FirstOrDefault(r => r.Id == id);
            if (row is null)
            {
                return NotFound();
            }

            Input = FormFor(row);
        }
        else
        {
            Input.FormKey = FormKeys.New();
        }

        return Page();
    }

    /// <summary>Adds a record, or updates the one named by Input.Id; practice staff only, their own practice.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!CanChange)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        PracticeId = null;
        if (await LoadAsync(cancellationToken) is { } failed)
        {
            return failed;
        }

        // The version is a hidden field: a value that is not a number is a form from elsewhere, refused as out of date
        // (the service compares it) rather than shown as a field error the user cannot see or correct.
        ModelState.Remove("Input.Version");
        if (Input.Trained is not ("yes" or "no"))
        {
            ModelState.AddModelError("Input.Trained", "Select whether the staff member is a trained care navigator");
        }

        var input = new TrainingInput(Input.Id, Input.StaffName, Input.Trained == "yes", Input.TrainedOn, Input.Course, Input.Version, Input.Id is null ? Input.FormKey : null);

        // The domain's rules, checked here as well as in the service so every field's error shows at once.
        var errors = new NavigatorTraining { StaffName = input.StaffName?.Trim() ?? string.Empty, Trained = input.Trained, TrainedOn = input.TrainedOn, Course = input.Course }
            .Validate(London.Today(clock));
        if (Input.Trained is not ("yes" or "no"))
        {
            // Without the answer, the date cannot be judged against it yet.
            errors.Remove(nameof(NavigatorTraining.TrainedOn));
        }

        ModelState.AddFieldErrors(errors, nameof(Input));

        if (!ModelState.IsValid)
        {
            return Page();
        }

        try
        {
            var saved = await navigation.SaveTrainingAsync(Actor.From(User), input, cancellationToken);
            TempData["Status"] = $"Training record {(Input.Id is null ? "added" : "updated")} for {saved.StaffName}";
            return RedirectToPage("/Navigation/Training");
        }
        catch (DomainException e) when (e.Code == NavigationService.TrainingRemovedCode)
        {
            // Removed by a colleague since the form was opened: the register as it now is, saying so, not "page not
            // found", with what was typed kept in an add form.
            Input.Id = null;
            Input.Version = null;
            return await ShowCurrentAsync(null, e.Message, cancellationToken);
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Conflict)
        {
            // Someone else saved the record first: show it as it is now, at its new version, rather than the stale form.
            return await ShowCurrentAsync(Input.Id, e.Message, cancellationToken);
        }
        catch (DomainException e)
        {
            ModelState.AddDomainErrors(e, nameof(Input));
            return Page();
        }
    }

    /// <summary>The register and the record's form as they are now, with why the form sent was refused.</summary>
    private async Task<IActionResult> ShowCurrentAsync(int? id, string message, CancellationToken cancellationToken)
    {
        ModelState.Clear();
        if (await LoadAsync(cancellationToken) is { } reloadFailed)
        {
            return reloadFailed;
        }

        if (Rows.FirstOrDefault(r => r.Id == id) is { } current)
        {
            Input = FormFor(current);
        }
        else if (id is null)
        {
            // An add form already used: what it holds can be sent again only as a new add, from a new form.
            Input.FormKey = FormKeys.New();
        }

        ModelState.AddModelError(string.Empty, message);
        return Page();
    }

    /// <summary>Takes a leaver's record off the register (practice staff only, their own practice), at the version shown.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken cancellationToken)
    {
        if (!CanChange)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }

        if (Input.Id is not { } id)
        {
            return BadRequest();
        }

        try
        {
            var removed = await navigation.RemoveTrainingAsync(Actor.From(User), id, Input.Version, cancellationToken);
            TempData["Status"] = removed is null ? "That training record had already been removed" : $"Training record removed for {removed}";
            return RedirectToPage("/Navigation/Training");
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Conflict)
        {
            // Changed since the form was opened: show the record as it is now, to remove it again if still wanted.
            return await ShowCurrentAsync(id, e.Message, cancellationToken);
        }
    }

    private static TrainingForm FormFor(TrainingRow row) =>
        new() { Id = row.Id, Version = row.Version, StaffName = row.StaffName, Trained = row.Trained ? "yes" : "no", TrainedOn = row.TrainedOn, Course = row.Course };

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        var actor = Actor.From(User);
        try
        {
            var practices = await navigation.ReadablePracticesAsync(actor, cancellationToken);
            PracticeOptions = practices.Select(p => new SelectListItem($"{p.Name} ({p.OdsCode})", p.Id.ToString(CultureInfo.InvariantCulture))).ToList();
            Practice = await navigation.ReadablePracticeAsync(actor, ModelState.IsValid ? PracticeId : null, cancellationToken);
            PracticeId = Practice.Id;
            Rows = await navigation.TrainingAsync(actor, Practice.Id, cancellationToken);
            return null;
        }
        catch (DomainException e) when (NavigationPage.StatusFor(e) is { } status)
        {
            return status;
        }
    }
}
