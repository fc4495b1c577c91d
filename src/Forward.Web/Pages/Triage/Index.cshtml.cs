using Forward.Domain.Access;
using Forward.Domain.Consultation;
using Forward.Web.Access;
using Forward.Web.Consultation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Triage;

/// <summary>
/// The practice's triage queue of online requests: one status at a time (New, In progress, Closed), soonest deadline
/// first. Practice staff only, and only their own practice's requests (<see cref="TriageService"/> decides).
/// </summary>
[Authorize(Roles = Roles.PracticeStaff)]
public sealed class IndexModel(TriageService triage, TimeProvider clock) : PageModel
{
    /// <summary>"new" (the default), "in-progress" or "closed".</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    public ConsultationStatus Shown { get; private set; }

    public IReadOnlyList<TriageRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<ConsultationStatus, int> Counts { get; private set; } = new Dictionary<ConsultationStatus, int>();

    public DateTime NowUtc { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(Status) && TriageWording.FromSlug(Status) is null)
        {
            return NotFound();
        }

        var actor = Actor.From(User);
        Shown = TriageWording.FromSlug(Status) ?? ConsultationStatus.New;
        NowUtc = clock.GetUtcNow().UtcDateTime;
        Counts = await triage.CountsAsync(actor, cancellationToken);
        Rows = await triage.QueueAsync(Shown, actor, cancellationToken);
        return Page();
    }
}
