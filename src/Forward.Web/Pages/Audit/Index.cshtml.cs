using System.Globalization;
using System.Runtime.CompilerServices;
using Forward.Data;
using Forward.Domain.Audit;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Pages.Audit;

/// <summary>
/// Searches the audit log (commissioners): by London date range, action, user, appointment, patient and outcome, newest
/// first, 50 to a page, and downloads the same search as CSV (?handler=Csv).
/// </summary>
[Authorize(Policy = AuthenticationSetup.CommissionerPolicy)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(ForwardDbContext db, TimeProvider clock, Forward.Web.Audit.AuditLog audit) : PageModel
{
    private static readonly Dictionary<string, string> BindingMessages = new()
    {
        [nameof(From)] = "Enter a real 'from' date, for example 1 June 2026",
        [nameof(To)] = "Enter a real 'to' date, for example 8 June 2026",
        [nameof(AppointmentId)] = "Appointment number must be a whole number, for example 1234",
        [nameof(PatientId)] = "Patient id must be a whole number, for example 56",
        [nameof(PageNumber)] = "Page must be a whole number",
    };

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? EventAction { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? UserName { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? AppointmentId { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? PatientId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? PageNumber { get; set; }

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public int TotalCount { get; private set; }

    public Pagination Pagination { get; private set; } = new("/Audit/Index", 1, 1, _ => new Dictionary<string, string>());

    public int CurrentPage => Pagination.CurrentPage;

    public bool Searched { get; private set; }

    public IReadOnlyList<SelectListItem> ActionOptions { get; } =
        AuditSearch.Actions.Select(a => new SelectListItem(a, a)).ToList();

    public IReadOnlyList<SelectListItem> OutcomeOptions { get; } =
        AuditSearch.Outcomes.Select(o => new SelectListItem(o, o)).ToList();

    private AuditFilter Filter => new(From, To, Clean(EventAction), Clean(UserName), AppointmentId, PatientId, Clean(Outcome));

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!IsValid())
        {
            return Page();
        }

        if (Actor.From(User).CcgId is null)
        {
            return Forbid(); // a commissioner's account not linked to a CCG has no part of the log to search
        }

        var query = AuditSearch.Query(db, Filter, Actor.From(User));
        TotalCount = await query.CountAsync(cancellationToken);
        Pagination = Pagination.Of("/Audit/Index", PageNumber, TotalCount, AuditSearch.PageSize, page => RouteValues(page));
        Events = await query.Skip((CurrentPage - 1) * AuditSearch.PageSize).Take(AuditSearch.PageSize).ToListAsync(cancellationToken);
        Searched = true;
        return Page();
    }

    /// <summary>Every event the current search matches, as CSV, streamed so a large log is never held in memory.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        if (!IsValid())
        {
            return Page();
        }

        var actor = Actor.From(User);
        if (actor.CcgId is null)
        {
            return Forbid();
        }

        var query = AuditSearch.Query(db, Filter, actor);

        // Reading the log on screen is not audited, but a download takes it out of Forward: recorded, with its search.
        audit.Write(actor, AuditActions.AuditExport, "success", detail: string.Join("; ", RouteValues().Select(v => $"{v.Key}={v.Value}")));
        await db.SaveChangesAsync(cancellationToken);
        var stamp = London.ToLocal(clock.GetUtcNow().UtcDateTime).ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture);
        await CsvDownload.WriteAsync(Response, $"forward-audit-{stamp}.csv", Rows(query, cancellationToken), cancellationToken);
        return new EmptyResult();
    }

    /// <summary>The current search as query values, for page links and the CSV link (page left out when null).</summary>
    public Dictionary<string, string> RouteValues(int? page = null)
    {
        var values = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[key] = value;
            }
        }

        Add(nameof(From), From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(nameof(To), To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(nameof(EventAction), Clean(EventAction));
        Add(nameof(UserName), Clean(UserName));
        Add(nameof(AppointmentId), AppointmentId?.ToString(CultureInfo.InvariantCulture));
        Add(nameof(PatientId), PatientId?.ToString(CultureInfo.InvariantCulture));
        Add(nameof(Outcome), Clean(Outcome));
        Add(nameof(PageNumber), page?.ToString(CultureInfo.InvariantCulture));
        return values;
    }

    private bool IsValid()
    {
        foreach (var (key, message) in BindingMessages)
        {
            if (ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0)
            {
                entry.Errors.Clear();
                entry.Errors.Add(message);
            }
        }

        // The page number is in the pagination links, not a field of the form: its error is the page's.
        ModelState.MoveBindingErrorToPage(nameof(PageNumber), BindingMessages[nameof(PageNumber)]);

        foreach (var (field, message) in AuditSearch.Validate(Filter))
        {
            var key = field == nameof(AuditFilter.Action) ? nameof(EventAction) : field;
            if (!ModelState.TryGetValue(key, out var entry) || entry.Errors.Count == 0)
            {
                ModelState.AddModelError(key, message);
            }
        }

        return ModelState.IsValid;
    }

    private static async IAsyncEnumerable<AuditCsvRow> Rows(IQueryable<AuditEvent> query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in query.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return AuditCsvRow.From(e);
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
