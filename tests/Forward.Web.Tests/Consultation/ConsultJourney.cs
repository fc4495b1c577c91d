using System.Net;
using System.Text.RegularExpressions;
using Forward.Data;
using Forward.Domain.Consultation;
using Forward.Domain.Organisations;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Consultation;

/// <summary>
/// Drives the public online consultation form as a browser without JavaScript would: each step posts the anti-forgery
/// token and the protected state the previous page rendered, plus that step's fields.
/// </summary>
public sealed partial class ConsultJourney(ForwardFactory factory) : IDisposable
{
    public PageClient Client { get; } = new(factory);

    /// <summary>The last page's HTML.</summary>
    public string Html { get; private set; } = string.Empty;

    public HttpResponseMessage? Last { get; private set; }

    public string State => StatePattern().Match(Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : string.Empty;

    public static Dictionary<string, string> AllNo() =>
        RedFlags.Questions.ToDictionary(q => $"RedFlagAnswers[{q.Code}]", _ => "false");

    /// <summary>The date of birth the identity step sends.</summary>
    public string DateOfBirth { get; set; } = "1980-01-02";

    /// <summary>The email the identity step sends.</summary>
    public string Email { get; set; } = "ada@example.com";

    public static Dictionary<string, string> Identity(string nhsNumber, string dateOfBirth = "1980-01-02", string email = "ada@example.com") => new()
    {
        ["Identity.NhsNumber"] = nhsNumber,
        ["Identity.GivenName"] = "Ada",
        ["Identity.FamilyName"] = "Consulttest",
        ["Identity.DateOfBirth"] = dateOfBirth,
        ["Identity.Email"] = email,
        ["Identity.Mobile"] = "07700 900123",
    };

    public static Dictionary<string, string> Medical() => new()
    {
        ["About.ProblemSummary"] = "Sore knee",
        ["About.Duration"] = nameof(DurationBand.OneToFourWeeks),
        ["About.Severity"] = nameof(SeverityBand.Moderate),
        ["About.Details"] = "My knee has hurt for two weeks after a fall.",
    };

    /// <summary>Gives a practice online settings (TestWorld's practices have none, which reads as paused).</summary>
    public static async Task SetPracticeAsync(ForwardFactory factory, Practice practice, bool accepting = true, int cap = 50)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var settings = await db.PracticeOnlineSettings.FirstOrDefaultAsync(s => s.PracticeId == practice.Id);
        if (settings is null)
        {
            settings = new PracticeOnlineSettings { PracticeId = practice.Id };
            db.PracticeOnlineSettings.Add(settings);
        }

        settings.AcceptingRequests = accepting;
        settings.DailyCap = cap;
        await db.SaveChangesAsync();
    }

    public async Task<HttpStatusCode> GetAsync(string url)
    {
        var (status, html) = await Client.GetAsync(url);
        Html = html;
        return status;
    }

    /// <summary>Posts a step ("Practice", "RedFlags", ...) with the current state; a redirect is returned, a page is kept.</summary>
    public async Task<HttpResponseMessage> PostAsync(string handler, IDictionary<string, string> fields, string? state = null)
    {
        var token = PageClient.AntiforgeryToken(Html) ?? throw new InvalidOperationException("No anti-forgery token on the last page.");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token, ["State"] = state ?? State };
        using var content = new FormUrlEncodedContent(form);
        Last = await Client.Http.PostAsync(new Uri($"/Consult?handler={handler}", UriKind.Relative), content);
        var body = await Last.Content.ReadAsStringAsync();
        if (Last.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found))
        {
            Html = body;
        }

        return Last;
    }

    /// <summary>From the start to the urgent-symptom questions, with the practice chosen.</summary>
    public async Task ToRedFlagsAsync(string practiceOds)
    {
        await GetAsync("/Consult");
        await Expect(PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = practiceOds }), "Check if you need urgent help");
    }

    /// <summary>Practice, red flags (all no), identity, kind: ready for the details step.</summary>
    public async Task ToDetailsAsync(string practiceOds, string nhsNumber, string kind = "Medical")
    {
        await ToRedFlagsAsync(practiceOds);
        await Expect(PostAsync("RedFlags", AllNo()), "Your details");
        await Expect(PostAsync("Identity", Identity(nhsNumber, DateOfBirth, Email)), "What is your request about?");
        await Expect(PostAsync("Kind", new Dictionary<string, string> { ["Kind"] = kind }), kind == "Medical" ? "Your medical problem" : "Your admin request");
    }

    /// <summary>The whole form with a medical request; returns the submit response (a redirect to the confirmation when sent).</summary>
    public async Task<HttpResponseMessage> SubmitMedicalAsync(string practiceOds, string nhsNumber)
    {
        await ToCheckAnswersAsync(practiceOds, nhsNumber);
        return await SendAsync();
    }

    /// <summary>Every step of a medical request but the last: the page that asks to check the answers and send.</summary>
    public async Task ToCheckAnswersAsync(string practiceOds, string nhsNumber)
    {
        await ToDetailsAsync(practiceOds, nhsNumber);
        await Expect(PostAsync("About", Medical()), "Check your answers before sending your request");
    }

    /// <summary>The last step: send the request as checked.</summary>
    public Task<HttpResponseMessage> SendAsync() => PostAsync("Submit", new Dictionary<string, string>());

    public void Dispose() => Client.Dispose();

    private async Task Expect(Task<HttpResponseMessage> post, string heading)
    {
        var response = await post;
        if (response.StatusCode != HttpStatusCode.OK || !Html.Contains(heading, StringComparison.Ordinal))
        {
            var main = Html.IndexOf("<main", StringComparison.Ordinal);
            var shown = main < 0 ? Html : Html[main..];
            throw new InvalidOperationException($"Expected a page with '{heading}', got {response.StatusCode}: {shown[..Math.Min(shown.Length, 3000)]}");
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"State\" value=\"([^\"]*)\"")]
    private static partial Regex StatePattern();
}
