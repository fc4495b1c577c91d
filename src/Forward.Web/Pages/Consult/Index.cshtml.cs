using Forward.Domain;
using Forward.Domain.Consultation;
using Forward.Domain.Time;
using Forward.Web.Consultation;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.RateLimiting;

namespace Forward.Web.Pages.Consult;

/// <summary>Step 3 of the form: who the patient is and how to reach them.</summary>
public sealed class IdentityInput
{
    public string? NhsNumber { get; set; }

    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    [Microsoft.AspNetCore.Mvc.ModelBinder(typeof(DatePartsBinder))]
    [System.ComponentModel.DataAnnotations.Display(Name = "Date of birth")]
    public DateOnly? DateOfBirth { get; set; }

    public string? Email { get; set; }

    public string? Mobile { get; set; }
}

/// <summary>Step 5 of the form: the request itself (which fields apply depends on the kind chosen at step 4).</summary>
public sealed class AboutInput
{
    public AdminRequestType? AdminType { get; set; }

    public string? ProblemSummary { get; set; }

    public DurationBand? Duration { get; set; }

    public SeverityBand? Severity { get; set; }

    public string? Details { get; set => field = FreeText.UnifyLineBreaks(value); }
}

/// <summary>
/// The public online consultation form (eConsult / askmyGP style). Anonymous and without JavaScript: each step is a
/// plain form post. What the patient has entered so far travels in one hidden field protected by data protection
/// (<see cref="ConsultationDraftProtector"/>), so there is no server session. The red-flag questions come before any
/// personal detail: a yes sends the patient to 999, 111 or a crisis line and stores nothing. POSTs are rate limited per
/// client address; bodies are small by design.
/// </summary>
[EnableRateLimiting(RateLimits.Consult)]
[RequestSizeLimit(MaxBodyBytes)]
[RequestFormLimits(ValueCountLimit = 60, ValueLengthLimit = MaxValueBytes, KeyLengthLimit = 100)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(ConsultationService consultations, ConsultationDraftProtector protector, TimeProvider clock, Microsoft.Extensions.Options.IOptions<ConsultationOptions> options) : PageModel
{
    /// <summary>
    /// Form values are measured as sent, percent-encoded: a character of Bengali, Gujarati or Tamil takes 9 bytes, so a
    /// description four times too long (6,000 characters) still reaches the page's own check and gets its message, with
    /// the text kept in the box, rather than the framework's bare 400.
    /// </summary>
    public const int MaxValueBytes = 64 * 1024;

    public const int MaxBodyBytes = 128 * 1024;
    public const int StepPractice = 1;
    public const int StepRedFlags = 2;
    public const int StepIdentity = 3;
    public const int StepKind = 4;
    public const int StepAbout = 5;
    public const int StepCheck = 6;

    /// <summary>Search text for the practice chooser (name, code or place).</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Q { get; set; }

    /// <summary>The protected draft from the previous step.</summary>
    [BindProperty]
    public string? State { get; set; }

    [BindProperty]
    public string? PracticeOds { get; set; }

    /// <summary>
    /// Red-flag answers by question code, read from the form by <see cref="ReadRedFlags"/> (a bound dictionary would
    /// fall back to binding every field of every post as an answer).
    /// </summary>
    public Dictionary<string, bool?> RedFlagAnswers { get; private set; } = [];

    [BindProperty]
    public IdentityInput Identity { get; set; } = new();

    [BindProperty]
    public ConsultationKind? Kind { get; set; }

    [BindProperty]
    public AboutInput About { get; set; } = new();

    public int Step { get; private set; } = StepPractice;

    public ConsultationDraft Draft { get; private set; } = new();

    /// <summary>The protected draft to post with the step shown.</summary>
    public string NewState { get; private set; } = string.Empty;

    public ConsultPractice? Practice { get; private set; }

    /// <summary>Set when the NHS number has reached its limit: the page says so instead of showing a step.</summary>
    public string? LimitMessage { get; private set; }

    /// <summary>When the practice will reply, as the deadline policy has it.</summary>
    public string ReplyPromise => ConsultationService.ReplyPromise(options.Value.Policy);

    /// <summary>The help a red-flag yes calls for, most urgent first; set only on the post that stopped the form.</summary>
    public IReadOnlyList<RedFlagAdvice>? StopAdvices { get; private set; }

    public IReadOnlyList<SelectListItem> PracticeOptions { get; private set; } = [];

    /// <summary>Practices matching <see cref="Q"/> (at most <see cref="MaxMatches"/>); null when no search was made.</summary>
    public IReadOnlyList<SelectListItem>? Matches { get; private set; }

    public const int MaxMatches = 20;

    public static IReadOnlyList<SelectListItem> KindOptions { get; } =
    [
        new("A medical problem: something about your health you want help with", nameof(ConsultationKind.Medical)),
        new("An admin request: fit note, repeat prescription query, test results or something else", nameof(ConsultationKind.Admin)),
    ];

    public static IReadOnlyList<SelectListItem> AdminOptions { get; } =
    [
        new("A fit note (sick note)", nameof(AdminRequestType.FitNote)),
        new("A question about a repeat prescription", nameof(AdminRequestType.RepeatPrescriptionQuery)),
        new("Test results", nameof(AdminRequestType.TestResults)),
        new("Something else", nameof(AdminRequestType.OtherAdmin)),
    ];

    public static IReadOnlyList<SelectListItem> DurationOptions { get; } =
    [
        new("Less than 2 days", nameof(DurationBand.LessThanTwoDays)),
        new("2 to 7 days", nameof(DurationBand.TwoToSevenDays)),
        new("1 to 4 weeks", nameof(DurationBand.OneToFourWeeks)),
        new("More than 4 weeks", nameof(DurationBand.MoreThanFourWeeks)),
    ];

    public static IReadOnlyList<SelectListItem> SeverityOptions { get; } =
    [
        new("Mild: I can do my usual things", nameof(SeverityBand.Mild)),
        new("Moderate: it stops me doing some things", nameof(SeverityBand.Moderate)),
        new("Severe: it stops me doing most things", nameof(SeverityBand.Severe)),
    ];

    public static string RedFlagField(string code) => $"{nameof(RedFlagAnswers)}[{code}]";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await ShowPracticeStepAsync(cancellationToken);
        return Page();
    }

    /// <summary>The practice search sent from a form that already holds answers ("Change" next to the practice).</summary>
    public async Task<IActionResult> OnPostSearchAsync(CancellationToken cancellationToken)
    {
        Draft = protector.Unprotect(State) ?? new ConsultationDraft();
        ModelState.Clear();
        PracticeOds = Draft.PracticeOds;
        await ShowPracticeStepAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostPracticeAsync(CancellationToken cancellationToken)
    {
        Draft = protector.Unprotect(State) ?? new ConsultationDraft();
        var practice = await consultations.FindPracticeAsync(PracticeOds, cancellationToken);
        if (practice is null)
        {
            ModelState.AddModelError(nameof(PracticeOds), "Select your GP practice");
        }
        else if (!practice.Decision.Accepted)
        {
            // Said now, before the patient types anything else.
            ModelState.AddModelError(nameof(PracticeOds), practice.Decision.Message!);
        }

        if (!ModelState.IsValid)
        {
            await ShowPracticeStepAsync(cancellationToken);
            return Page();
        }

        Draft.PracticeOds = practice!.OdsCode;
        Draft.Completed = Math.Max(Draft.Completed, StepPractice);
        return await ShowAsync(StepRedFlags, cancellationToken);
    }

    public async Task<IActionResult> OnPostRedFlagsAsync(CancellationToken cancellationToken)
    {
        if (!TryOpen(StepRedFlags))
        {
            return await RestartAsync(cancellationToken);
        }

        // Only the known questions, whatever was posted.
        var answers = ReadRedFlags();
        RedFlagAnswers = answers;
        var result = RedFlags.Evaluate(answers);
        if (result.Stop)
        {
            // Nothing is kept: not the answers, not the practice. Shown in answer to this post rather than after a
            // redirect, so the address (and the browser's history) never says which help the patient needed.
            StopAdvices = result.Advices;
            ModelState.Clear();
            return Page();
        }

        if (!result.Complete)
        {
            AddUnansweredErrors(result.Unanswered);

            return await ShowAsync(StepRedFlags, cancellationToken, keepPosted: true);
        }

        Draft.RedFlags = answers;
        Draft.Completed = Math.Max(Draft.Completed, StepRedFlags);
        return await ShowAsync(Draft.Completed >= StepAbout ? StepCheck : StepIdentity, cancellationToken);
    }

    public async Task<IActionResult> OnPostIdentityAsync(CancellationToken cancellationToken)
    {
        if (!TryOpen(StepIdentity))
        {
            return await RestartAsync(cancellationToken);
        }

        var identity = new ConsultationIdentity(Identity.NhsNumber, Identity.GivenName, Identity.FamilyName, Identity.DateOfBirth, Identity.Email, Identity.Mobile);
        ModelState.AddFieldErrors(identity.Validate(London.Today(clock)), nameof(Identity));
        if (!ModelState.IsValid)
        {
            return await ShowAsync(StepIdentity, cancellationToken, keepPosted: true);
        }

        Draft.NhsNumber = Identity.NhsNumber!.Trim();
        Draft.GivenName = Identity.GivenName!.Trim();
        Draft.FamilyName = Identity.FamilyName!.Trim();
        Draft.DateOfBirth = Identity.DateOfBirth;
        Draft.Email = string.IsNullOrWhiteSpace(Identity.Email) ? null : Identity.Email.Trim();
        Draft.Mobile = string.IsNullOrWhiteSpace(Identity.Mobile) ? null : Identity.Mobile.Trim();
        Draft.Completed = Math.Max(Draft.Completed, StepIdentity);
        return await ShowAsync(Draft.Completed >= StepAbout ? StepCheck : StepKind, cancellationToken);
    }

    public async Task<IActionResult> OnPostKindAsync(CancellationToken cancellationToken)
    {
        if (!TryOpen(StepKind))
        {
            return await RestartAsync(cancellationToken);
        }

        ModelState.ReplaceBindingError(nameof(Kind), "Select whether your request is about a medical problem or an admin request");
        if (Kind is not { } kind || !Enum.IsDefined(kind))
        {
            ModelState.AddModelError(nameof(Kind), "Select whether your request is about a medical problem or an admin request");
            return await ShowAsync(StepKind, cancellationToken, keepPosted: true);
        }

        if (Draft.Kind != kind)
        {
            // A different kind asks different questions: the details step starts again, empty, so a medical description
            // is not sent on as the "tell us more" of an admin request (or the other way round) without the patient seeing it.
            Draft.Kind = kind;
            Draft.Completed = StepKind;
            Draft.AdminType = null;
            Draft.ProblemSummary = null;
            Draft.Duration = null;
            Draft.Severity = null;
            Draft.Details = null;
        }

        Draft.Completed = Math.Max(Draft.Completed, StepKind);
        return await ShowAsync(Draft.Completed >= StepAbout ? StepCheck : StepAbout, cancellationToken);
    }

    public async Task<IActionResult> OnPostAboutAsync(CancellationToken cancellationToken)
    {
        if (!TryOpen(StepAbout))
        {
            return await RestartAsync(cancellationToken);
        }

        ModelState.ReplaceBindingErrors(new Dictionary<string, string>
        {
            [$"{nameof(About)}.{nameof(AboutInput.AdminType)}"] = "Select what your admin request is about",
            [$"{nameof(About)}.{nameof(AboutInput.Duration)}"] = "Select how long you have had the problem",
            [$"{nameof(About)}.{nameof(AboutInput.Severity)}"] = "Select how much the problem affects you",
        });
        var admin = Draft.Kind == ConsultationKind.Admin;
        var details = new ConsultationDetails(
            Draft.Kind,
            admin ? About.AdminType : null,
            admin ? null : About.ProblemSummary,
            admin ? null : About.Duration,
            admin ? null : About.Severity,
            About.Details);
        ModelState.AddFieldErrors(details.Validate(), nameof(About));
        if (!ModelState.IsValid)
        {
            return await ShowAsync(StepAbout, cancellationToken, keepPosted: true);
        }

        Draft.AdminType = details.AdminType;
        Draft.ProblemSummary = details.ProblemSummary?.Trim();
        Draft.Duration = details.Duration;
        Draft.Severity = details.Severity;
        Draft.Details = ConsultationDetails.Given(details.Details);
        Draft.Completed = Math.Max(Draft.Completed, StepAbout);
        return await ShowAsync(StepCheck, cancellationToken);
    }

    /// <summary>"Change" on the check-your-answers page, and "Back": shows an earlier step with its answers filled in.</summary>
    public async Task<IActionResult> OnPostGotoAsync(int step, CancellationToken cancellationToken)
    {
        Draft = protector.Unprotect(State) ?? new ConsultationDraft();
        if (step < StepPractice || step > Math.Min(StepCheck, Draft.Completed + 1) || Draft.PracticeOds is null)
        {
            return await RestartAsync(cancellationToken);
        }

        ModelState.Clear();
        if (step == StepPractice)
        {
            PracticeOds = Draft.PracticeOds;
            NewState = protector.Protect(Draft);
            await ShowPracticeStepAsync(cancellationToken);
            return Page();
        }

        return await ShowAsync(step, cancellationToken);
    }

    public async Task<IActionResult> OnPostSubmitAsync(CancellationToken cancellationToken)
    {
        if (!TryOpen(StepCheck))
        {
            return await RestartAsync(cancellationToken);
        }

        SubmitResult result;
        try
        {
            result = await consultations.SubmitAsync(Draft, cancellationToken);
        }
        catch (ValidationFailedException) when (RedFlags.Evaluate(Draft.RedFlags) is { Complete: false } flags)
        {
            // A question the patient has not answered (added since they started, or skipped): asked now, before anything
            // is sent, rather than "some answers are missing" on a page that lists urgent symptoms as "None".
            var questions = await ShowAsync(StepRedFlags, cancellationToken);
            AddUnansweredErrors(flags.Unanswered);
            return questions;
        }
        catch (DomainException ex)
        {
            // After ShowAsync, which clears the model state to show the draft: added before, the message was wiped and
            // the patient saw the check page again with no error.
            var check = await ShowAsync(StepCheck, cancellationToken);
            ModelState.AddModelError(string.Empty, ex is ValidationFailedException ? "Some answers are missing or not valid. Check your answers and change them." : ex.Message);
            return check;
        }

        switch (result.Status)
        {
            case SubmitStatus.Submitted:
                return RedirectToPage("/Consult/Confirmation", new { t = protector.ProtectReference(result.Reference!) });
            case SubmitStatus.NhsNumberLimit:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                LimitMessage = result.Message;
                Step = 0;
                return Page();
            default:
                ModelState.AddModelError(nameof(PracticeOds), result.Message!);
                PracticeOds = Draft.PracticeOds;
                NewState = protector.Protect(Draft);
                await ShowPracticeStepAsync(cancellationToken);
                return Page();
        }
    }

    private void AddUnansweredErrors(IEnumerable<string> codes)
    {
        foreach (var code in codes)
        {
            ModelState.AddModelError(RedFlagField(code), $"Select yes or no: {RedFlags.Find(code)!.Question.TrimEnd('?').ToLowerInvariant()}");
        }
    }

    public string? RedFlagValue(string code)
    {
        return RedFlagAnswers.TryGetValue(code, out var v) && v is { } b ? (b ? "true" : "false") : null;
    }

    private Dictionary<string, bool?> ReadRedFlags() =>
        RedFlags.Questions.ToDictionary(
            q => q.Code,
            q => Request.Form[RedFlagField(q.Code)].ToString() switch
            {
                "true" => true,
                "false" => (bool?)false,
                _ => null,
            },
            StringComparer.Ordinal);

    /// <summary>Reads the draft and checks the steps before <paramref name="step"/> were completed.</summary>
    private bool TryOpen(int step)
    {
        var draft = protector.Unprotect(State);
        if (draft is null || draft.Completed < step - 1 || draft.PracticeOds is null)
        {
            return false;
        }

        Draft = draft;
        return true;
    }

    private async Task<IActionResult> RestartAsync(CancellationToken cancellationToken)
    {
        ModelState.Clear();
        Draft = new ConsultationDraft();
        NewState = protector.Protect(Draft);
        ModelState.AddModelError(string.Empty, "Your answers have expired or could not be read. Start again by choosing your GP practice.");
        await ShowPracticeStepAsync(cancellationToken);
        return Page();
    }

    private async Task<IActionResult> ShowAsync(int step, CancellationToken cancellationToken, bool keepPosted = false)
    {
        Practice = await consultations.FindPracticeAsync(Draft.PracticeOds, cancellationToken);
        if (Practice is null)
        {
            return await RestartAsync(cancellationToken);
        }

        if (!keepPosted)
        {
            // Moving on: show the step with what the draft holds, not what the last post sent.
            ModelState.Clear();
            RedFlagAnswers = new Dictionary<string, bool?>(Draft.RedFlags, StringComparer.Ordinal);
            Identity = new IdentityInput
            {
                NhsNumber = Draft.NhsNumber,
                GivenName = Draft.GivenName,
                FamilyName = Draft.FamilyName,
                DateOfBirth = Draft.DateOfBirth,
                Email = Draft.Email,
                Mobile = Draft.Mobile,
            };
            Kind = Draft.Kind;
            About = new AboutInput
            {
                AdminType = Draft.AdminType,
                ProblemSummary = Draft.ProblemSummary,
                Duration = Draft.Duration,
                Severity = Draft.Severity,
                Details = Draft.Details,
            };
        }

        Step = step;
        NewState = protector.Protect(Draft);
        return Page();
    }

    private async Task ShowPracticeStepAsync(CancellationToken cancellationToken)
    {
        Step = StepPractice;
        if (string.IsNullOrEmpty(NewState))
        {
            NewState = protector.Protect(Draft);
        }

        var practices = await consultations.PracticesAsync(cancellationToken);
        var groups = new Dictionary<string, SelectListGroup>(StringComparer.Ordinal);
        PracticeOptions = practices.Select(p =>
        {
            if (!groups.TryGetValue(p.CcgName, out var group))
            {
                group = new SelectListGroup { Name = p.CcgName };
                groups[p.CcgName] = group;
            }

            return new SelectListItem($"{p.Name} ({p.OdsCode})", p.OdsCode) { Group = group };
        }).ToList();

        var q = Q?.Trim();
        if (!string.IsNullOrEmpty(q))
        {
            if (q.Length > 100)
            {
                q = q[..100];
            }

            // Matched here, in memory, so the search reads the same on SQLite and PostgreSQL (no LIKE, no collation).
            Matches = practices
                .Where(p => new[] { p.Name, p.OdsCode, p.Locality, p.CcgName }.Any(field => field.Contains(q, StringComparison.OrdinalIgnoreCase)))
                .Take(MaxMatches)
                .Select(p => new SelectListItem($"{p.Name} ({p.OdsCode}), {p.Locality}, {p.CcgName}", p.OdsCode))
                .ToList();
        }
    }
}
