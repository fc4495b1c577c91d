using Forward.Web.Consultation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Consult;

/// <summary>
/// "Request sent": the reference and when the practice will reply. Reached with a protected, expiring token that holds
/// only the reference, so nobody can read another request's page by guessing; it shows nothing about the patient.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ConfirmationModel(ConsultationService consultations, ConsultationDraftProtector protector) : PageModel
{
    public string Reference { get; private set; } = string.Empty;

    public string PracticeName { get; private set; } = string.Empty;

    /// <summary>"6:30pm on Tuesday 9 June".</summary>
    public string ReplyBy { get; private set; } = string.Empty;

    /// <summary>Whether a text or email confirming the request was queued; the page says it was sent only then.</summary>
    public bool Acknowledged { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? t, CancellationToken cancellationToken)
    {
        if (protector.UnprotectReference(t) is not { } reference
            || await consultations.ConfirmationAsync(reference, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        Reference = reference;
        PracticeName = found.PracticeName;
        ReplyBy = ConsultationService.ReplyBy(found.DeadlineUtc);
        Acknowledged = found.Acknowledged;
        return Page();
    }
}
