using Forward.Domain.Access;
using Forward.Domain.Consultation;
using Forward.Web.Access;
using Forward.Web.Consultation;
using Forward.Web.Infrastructure;
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

    /// <summary>The page of the queue asked for (from 1); past the last, the last.</summary>
    [BindProperty(SupportsGet = true)]
    public int? PageNumber { get; set; }

    public ConsultationStatus Shown { get; private set; }

    public Pagination Pagination { get; private set; } = new("/Triage/Index", 1, 1, _ => new Dictionary<string, string>());

    public IReadOnlyList<TriageRow> Rows { get; private set; } = [];

    public IReadOnlyDictionary<ConsultationStatus, int> Counts { get; private set; } = new Dictionary<ConsultationStatus, int>();

    public DateTime NowUtc { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(Status) && TriageWording.FromSlug(Status) is null)
        {
            return NotFound();
        }

        // The page number comes from the pagination links, not a field: a hand-typed one that is no number is the page's
        // error, and the first page is shown under it.
        ModelState.MoveBindingErrorToPage(nameof(PageNumber), "Page must be a whole number");

        var actor = Actor.From(User);
        Shown = TriageWording.FromSlug(Status) ?? ConsultationStatus.New;
        NowUtc = clock.GetUtcNow().UtcDateTime;
        Counts = await triage.CountsAsync(actor, cancellationToken);
        var slug = TriageWording.Slug(Shown);
        Pagination = Pagination.Of("/Triage/Index", PageNumber, Counts.GetValueOrDefault(Shown), TriageService.QueuePageSize, page => new Dictionary<string, string>
        {
            [nameof(Status)] = slug,
            [nameof(PageNumber)] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Rows = await triage.QueueAsync(Shown, Pagination.CurrentPage, actor, cancellationToken);
        return Page();
    }
}
