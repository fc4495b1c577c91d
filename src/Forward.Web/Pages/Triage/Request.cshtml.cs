using System.ComponentModel.DataAnnotations;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Consultation;
using Forward.Web.Access;
using Forward.Web.Consultation;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Triage;

/// <summary>
/// One online request for practice staff: the patient's answers, the matched patient, the history, and the forms that
/// act on it (assign, start, message, close; booking goes through the booking journey). Thin: every rule, the
/// own-practice check and the audit are <see cref="TriageService"/>'s; another practice's request is the 404 page.
/// </summary>
[Authorize(Roles = Roles.PracticeStaff)]
public sealed class RequestModel(TriageService triage, TimeProvider clock) : PageModel
{
    public const string AssignedMessage = "Request assigned";
    public const string StartedMessage = "Request started";
    public const string ClosedMessage = "Request closed";
    public const string MessageQueuedMessage = "Message sent to the patient";

    // Declared in the page's order, which is the error summary's order.
    /// <summary>The request's version when the page was shown: a change made from a page someone else has acted on since is refused.</summary>
    [BindProperty]
    public int? Version { get; set; }

    [BindProperty]
    [Display(Name = "Assign to")]
    public string? AssignTo { get; set; }

    [BindProperty]
    [Display(Name = "Message to the patient")]
    public string? Message { get; set => field = FreeText.UnifyLineBreaks(value); }

    /// <summary>New for each form shown, so submitting the same message twice sends it once.</summary>
    [BindProperty]
    public string? MessageKey { get; set; }

    [BindProperty]
    [Display(Name = "Outcome")]
    public ConsultationOutcome? Outcome { get; set; }

    [BindProperty]
    [Display(Name = "Note")]
    public string? Note { get; set => field = FreeText.UnifyLineBreaks(value); }

    /// <summary>The outcome in words for the patient, sent with the close; required while they have had no message.</summary>
    [BindProperty]
    [Display(Name = "Message to the patient")]
    public string? OutcomeMessage { get; set => field = FreeText.UnifyLineBreaks(value); }

    /// <summary>New for each form shown, as <see cref="MessageKey"/> is.</summary>
    [BindProperty]
    public string? OutcomeMessageKey { get; set; }

    public TriageDetail Detail { get; private set; } = null!;

    public ConsultationRequest Item => Detail.Request;

    public DateTime NowUtc { get; private set; }

    public IReadOnlyList<SelectListItem> OutcomeOptions { get; } = TriageWording.CloseOptions();

    /// <summary>The practice's staff, for the assign form; the signed-in user's own entry says so.</summary>
    public IReadOnlyList<SelectListItem> StaffOptions { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) => ShowAsync(id, cancellationToken);

    public Task<IActionResult> OnPostAssignAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, AssignedMessage, actor => triage.AssignAsync(id, AssignTo, actor, Version, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostStartAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, StartedMessage, actor => triage.StartAsync(id, actor, Version, cancellationToken), cancellationToken);

    public Task<IActionResult> OnPostCloseAsync(long id, CancellationToken cancellationToken)
    {
        ModelState.ReplaceBindingError(nameof(Outcome), "Choose what was done about the request");
        return ActAsync(id, ClosedMessage, actor => triage.CloseAsync(id, Outcome, Note, OutcomeMessage, OutcomeMessageKey, actor, Version, cancellationToken), cancellationToken);
    }

    public Task<IActionResult> OnPostMessageAsync(long id, CancellationToken cancellationToken) =>
        ActAsync(id, MessageQueuedMessage, actor => triage.MessageAsync(id, Message, MessageKey, actor, cancellationToken), cancellationToken);

    private async Task<IActionResult> ActAsync(long id, string done, Func<Actor, Task> action, CancellationToken cancellationToken)
    {
        if (ModelState.IsValid)
        {
            try
            {
                await action(Actor.From(User));
                TempData["Status"] = done;
                return RedirectToPage(new { id });
            }
            catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
            {
                return NotFound();
            }
            catch (DomainException ex)
            {
                ModelState.AddDomainErrors(ex, fields: new Dictionary<string, string> { ["MessageKey"] = string.Empty, ["OutcomeMessageKey"] = string.Empty });
            }
        }

        return await ShowAsync(id, cancellationToken, keepMessageKey: true);
    }

    private async Task<IActionResult> ShowAsync(long id, CancellationToken cancellationToken, bool keepMessageKey = false)
    {
        try
        {
            Detail = await triage.GetAsync(id, Actor.From(User), cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
        {
            return NotFound();
        }

        var actor = Actor.From(User);
        StaffOptions = (await triage.StaffAsync(actor, cancellationToken))
            .Select(u => new SelectListItem(
                u.UserName == actor.UserName ? $"{u.DisplayName} (you)" : string.Equals(u.DisplayName, u.UserName, StringComparison.Ordinal) ? u.DisplayName : $"{u.DisplayName} ({u.UserName})",
                u.UserName))
            .ToList();
        NowUtc = clock.GetUtcNow().UtcDateTime;
        if (!keepMessageKey || string.IsNullOrEmpty(MessageKey))
        {
            MessageKey = Guid.NewGuid().ToString("N");
        }

        if (!keepMessageKey || string.IsNullOrEmpty(OutcomeMessageKey))
        {
            OutcomeMessageKey = Guid.NewGuid().ToString("N");
        }

        return Page();
    }
}
