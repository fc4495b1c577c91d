using System.Net;
using System.Text.RegularExpressions;
using Forward.Data;
using Forward.Domain.Consultation;
using Forward.Domain.Notifications;
using Forward.Web.Consultation;
using Forward.Web.Notifications;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Consultation;

public sealed class ConsultationFormTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private async Task<T> Db<T>(Func<ForwardDbContext, Task<T>> action)
    {
        using var scope = factory.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<ForwardDbContext>());
    }

    private async Task<TestWorld> WorldAsync(bool accepting = true, int cap = 50)
    {
        var world = await TestWorld.CreateAsync(factory);
        await ConsultJourney.SetPracticeAsync(factory, world.PracticeA, accepting, cap);
        return world;
    }

    private Task<List<ConsultationRequest>> RequestsAsync(int practiceId) =>
        Db(db => db.ConsultationRequests.AsNoTracking().Include(r => r.History).Where(r => r.PracticeId == practiceId).ToListAsync());

    [Theory]
    [InlineData(2026, 6, 8, 17, 0, "6pm on Monday 8 June")] // 18:00 BST: on the hour (was a FormatException)
    [InlineData(2026, 6, 8, 17, 30, "6:30pm on Monday 8 June")]
    [InlineData(2026, 12, 7, 9, 0, "9am on Monday 7 December")] // GMT
    [InlineData(2026, 12, 7, 0, 0, "12am on Monday 7 December")]
    public void The_reply_by_time_reads_as_people_write_it(int year, int month, int day, int hour, int minute, string expected) =>
        Assert.Equal(expected, Forward.Web.Consultation.ConsultationService.ReplyBy(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc)));

    [Fact]
    public async Task The_first_page_says_when_a_request_sent_after_hours_counts_as_sent()
    {
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync("/Consult");
        Assert.Contains(
            "Your practice will reply by 6:30pm on the next working day. A request sent from 6:30pm, at a weekend or on a bank holiday counts as sent on the next working day.",
            journey.Html,
            StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Account/SignIn\"", journey.Html, StringComparison.Ordinal); // a patient has no account; old code: the staff "Sign in" link
        Assert.Equal(
            "Your practice will reply by 5pm 2 working days later. A request sent from 4:45pm, at a weekend or on a bank holiday counts as sent on the next working day.",
            Forward.Web.Consultation.ConsultationService.ReplyPromise(new ResponseDeadlinePolicy { RespondBy = new(17, 0), CutOff = new(16, 45), WorkingDays = 2 }));
    }

    [Fact]
    public async Task A_full_submission_stores_one_request_with_its_deadline_acknowledges_it_and_audits_it()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        var nhs = TestPatients.NewNhsNumber();

        var response = await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, nhs);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/Consult/Confirmation?t=", location, StringComparison.Ordinal);
        var request = Assert.Single(await RequestsAsync(world.PracticeA.Id));
        Assert.Equal(nhs, request.NhsNumber);
        Assert.Equal(ConsultationKind.Medical, request.Kind);
        Assert.Equal("Sore knee", request.ProblemSummary);
        Assert.Equal(DurationBand.OneToFourWeeks, request.Duration);
        Assert.Equal(ConsultationStatus.New, request.Status);
        Assert.Equal("07700900123", request.Mobile);
        Assert.StartsWith("chest-pain=no;", request.RedFlagAnswers, StringComparison.Ordinal);
        Assert.Equal(ForwardFactory.DefaultNow.UtcDateTime, request.SubmittedUtc);

        // Monday 8 June 2026 09:00 London → by 18:30 BST on Tuesday 9 June.
        Assert.Equal(new DateTime(2026, 6, 9, 17, 30, 0, DateTimeKind.Utc), request.DeadlineUtc);
        Assert.Equal("Submitted online", Assert.Single(request.History).What);

        var (status, confirmation) = await journey.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(request.Reference, confirmation, StringComparison.Ordinal);
        Assert.Contains("We will reply by 6:30pm on Tuesday 9 June (UK time).", confirmation, StringComparison.Ordinal);
        Assert.DoesNotContain("Consulttest", confirmation, StringComparison.Ordinal);

        var messages = await Db(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([NotificationChannel.Sms, NotificationChannel.Email], messages.Select(m => m.Channel));
        Assert.All(messages, m =>
        {
            Assert.Equal(NotificationKind.ConsultationAcknowledgement, m.Kind);
            Assert.Null(m.AppointmentId);
            Assert.Contains(request.Reference, m.Personalisation, StringComparison.Ordinal);
            Assert.Contains("6:30pm on Tuesday 9 June", m.Personalisation, StringComparison.Ordinal);
            Assert.DoesNotContain("Consulttest", m.Personalisation, StringComparison.Ordinal);
            Assert.DoesNotContain("knee", m.Personalisation, StringComparison.OrdinalIgnoreCase);
        });

        var audit = await Db(db => db.AuditEvents.AsNoTracking().Where(a => a.Action == "consultation.submit" && a.EntityId == request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToListAsync());
        Assert.Equal("submitted", Assert.Single(audit).Outcome);
        Assert.DoesNotContain("Consulttest", audit[0].Detail ?? string.Empty, StringComparison.Ordinal);

        // The dispatcher sends messages that have no appointment.
        var dispatcher = factory.Services.GetRequiredService<OutboxDispatcher>();
        await dispatcher.DispatchDueAsync();
        var sent = await Db(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id).Select(m => m.Status).ToListAsync());
        Assert.All(sent, s => Assert.Equal(OutboxStatus.Sent, s));
    }

    [Fact]
    public async Task An_admin_request_needs_only_its_type()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToDetailsAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber(), "Admin");
        await journey.PostAsync("About", new Dictionary<string, string> { ["About.AdminType"] = nameof(AdminRequestType.FitNote) });
        Assert.Contains("A fit note (sick note)", journey.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await journey.PostAsync("Submit", new Dictionary<string, string>())).StatusCode);
        var request = Assert.Single(await RequestsAsync(world.PracticeA.Id));
        Assert.Equal(AdminRequestType.FitNote, request.AdminType);
        Assert.Null(request.Duration);
    }

    [Fact]
    public async Task Friday_evening_is_due_on_Tuesday()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        using (factory.Clock.TravelTo(new DateTime(2026, 6, 12, 18, 0, 0, DateTimeKind.Utc))) // Friday 19:00 London
        {
            Assert.Equal(HttpStatusCode.Redirect, (await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber())).StatusCode);
            var (_, html) = await journey.Client.GetAsync(journey.Last!.Headers.Location!.ToString());
            Assert.Contains("We will reply by 6:30pm on Tuesday 16 June (UK time).", html, StringComparison.Ordinal);
        }

        Assert.Equal(new DateTime(2026, 6, 16, 17, 30, 0, DateTimeKind.Utc), Assert.Single(await RequestsAsync(world.PracticeA.Id)).DeadlineUtc);
    }

    [Fact]
    public async Task A_bank_holiday_Monday_is_skipped()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        using (factory.Clock.TravelTo(new DateTime(2026, 8, 28, 9, 0, 0, DateTimeKind.Utc))) // Friday 10:00 London, Monday 31 August a bank holiday
        {
            Assert.Equal(HttpStatusCode.Redirect, (await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber())).StatusCode);
        }

        Assert.Equal(new DateTime(2026, 9, 1, 17, 30, 0, DateTimeKind.Utc), Assert.Single(await RequestsAsync(world.PracticeA.Id)).DeadlineUtc);
    }

    [Fact]
    public async Task A_request_of_full_length_in_any_script_can_be_checked_changed_and_sent()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        var nhs = TestPatients.NewNhsNumber();

        // Every field at its limit in characters that take the most room once the draft is serialised and sealed: Urdu
        // (three bytes each in UTF-8) and emoji (surrogate pairs). The draft grew past the form's limits and the patient
        // was sent back to the start, their answers lost.
        // Line breaks are counted once, as the browser's maxlength counts them, though it sends them as CR LF.
        var details = string.Concat(Enumerable.Repeat("میرے گھٹنے میں درد ہے۔\n", 100))[..(ConsultationRequest.MaxDetailsLength - 1)] + "۔";
        // A letter first: text of emoji alone says nothing in words, and is not taken as an answer.
        var summary = "K" + string.Concat(Enumerable.Repeat("🤕", (ConsultationRequest.MaxSummaryLength / 2) - 1));
        await journey.ToDetailsAsync(world.PracticeA.OdsCode, nhs);
        var about = ConsultJourney.Medical();
        about["About.ProblemSummary"] = summary;
        about["About.Details"] = details.Replace("\n", "\r\n", StringComparison.Ordinal);
        await journey.PostAsync("About", about);
        Assert.Contains("Check your answers before sending your request", journey.Html, StringComparison.Ordinal);

        // "Change" opens the step with the answers kept, and sending it again comes back to the check page.
        await journey.PostAsync("Goto", new Dictionary<string, string> { ["step"] = "5" });
        Assert.Contains("Your medical problem", journey.Html, StringComparison.Ordinal);
        Assert.Contains(details[..20], WebUtility.HtmlDecode(journey.Html), StringComparison.Ordinal);
        await journey.PostAsync("About", about);
        Assert.Contains("Check your answers before sending your request", journey.Html, StringComparison.Ordinal);

        var sent = await journey.SendAsync();

        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var request = Assert.Single(await RequestsAsync(world.PracticeA.Id));
        Assert.Equal(details, request.Details);
        Assert.Equal(summary, request.ProblemSummary);
    }

    [Fact]
    public async Task A_description_and_summary_of_emoji_at_their_limits_can_be_sent()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);

        // Emoji are escaped at twelve bytes each in the sealed draft: 1,500 of them took it past the 20,000 characters the
        // draft was read up to, so the check page showed and Send said the answers had expired, losing them all.
        // A letter first: text of emoji alone says nothing in words, and is not taken as an answer.
        var details = "K" + string.Concat(Enumerable.Repeat("🤕", ConsultationRequest.MaxDetailsLength - 1));
        var summary = "K" + string.Concat(Enumerable.Repeat("🤕", ConsultationRequest.MaxSummaryLength - 1));
        await journey.ToDetailsAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        var about = ConsultJourney.Medical();
        about["About.ProblemSummary"] = summary;
        about["About.Details"] = details;
        await journey.PostAsync("About", about);
        Assert.Contains("Check your answers before sending your request", journey.Html, StringComparison.Ordinal);

        var sent = await journey.SendAsync();

        Assert.DoesNotContain("Your answers have expired", journey.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var request = Assert.Single(await RequestsAsync(world.PracticeA.Id));
        Assert.Equal(details, request.Details);
        Assert.Equal(summary, request.ProblemSummary);
    }

    [Fact]
    public async Task Searching_for_another_practice_after_change_keeps_the_answers()
    {
        var world = await WorldAsync();
        await ConsultJourney.SetPracticeAsync(factory, world.PracticeB);
        using var journey = new ConsultJourney(factory);
        await journey.ToCheckAnswersAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());

        // "Change" next to the practice, then a search: the search used to start a new, empty form.
        await journey.PostAsync("Goto", new Dictionary<string, string> { ["step"] = "1" });
        Assert.Contains("Choose your GP practice", journey.Html, StringComparison.Ordinal);
        await journey.PostAsync("Search", new Dictionary<string, string> { ["q"] = world.PracticeB.Name });
        Assert.Contains($"value=\"{world.PracticeB.OdsCode}\"", journey.Html, StringComparison.Ordinal);
        await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = world.PracticeB.OdsCode });
        await journey.PostAsync("RedFlags", ConsultJourney.AllNo());

        Assert.Contains("Check your answers before sending your request", journey.Html, StringComparison.Ordinal);
        Assert.Contains("My knee has hurt for two weeks after a fall.", journey.Html, StringComparison.Ordinal);
        Assert.Contains(world.PracticeB.Name, journey.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_send_the_server_refuses_shows_why_on_the_check_page_and_stores_nothing()
    {
        var world = await WorldAsync();

        // Born today passes the details step; sent with the clock a day earlier, the same date of birth is in the future,
        // so the server's own check of the whole draft refuses it at Send.
        using var journey = new ConsultJourney(factory) { DateOfBirth = "2026-06-08" };
        await journey.ToCheckAnswersAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        using (factory.Clock.TravelTo(ForwardFactory.DefaultNow.UtcDateTime.AddDays(-1)))
        {
            await journey.SendAsync();
        }

        Assert.Equal(HttpStatusCode.OK, journey.Last!.StatusCode);
        Assert.Contains("Check your answers before sending your request", journey.Html, StringComparison.Ordinal);
        Assert.Contains("nhsuk-error-summary", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Some answers are missing or not valid. Check your answers and change them.", journey.Html, StringComparison.Ordinal); // was cleared with the model state
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Theory]
    [InlineData("chest-pain", "advice-999", "Call 999 now", "Call 999 now")]
    [InlineData("suicidal", "advice-crisis", "Samaritans", "Get help now")]
    [InlineData("severe-pain", "advice-999", "Call 999 now", "Call 999 now")]
    [InlineData("rash", "advice-999", "Call 999 now", "Call 999 now")]
    [InlineData("unwell-fever", "advice-111", "Call 111 now", "Call 111 now")]
    public async Task A_red_flag_stops_the_form_and_stores_nothing(string code, string testId, string text, string title)
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        var answers = ConsultJourney.AllNo();
        answers[$"RedFlagAnswers[{code}]"] = "true";

        // Answered in place, not by a redirect: the address never says which help the patient needed.
        var response = await journey.PostAsync("RedFlags", answers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = journey.Html;
        Assert.Contains($"data-testid=\"{testId}\"", html, StringComparison.Ordinal);
        Assert.Contains(text, html, StringComparison.Ordinal);
        Assert.Contains($"<title>{title} – Forward</title>", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("has not been sent", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/Consult\" data-testid=\"start-again\">", html, StringComparison.Ordinal); // Back would resubmit a POST
        Assert.Equal(string.Empty, journey.State); // nothing of the answers is carried on
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task Every_kind_of_help_needed_is_shown_most_urgent_first()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        var answers = ConsultJourney.AllNo();
        answers["RedFlagAnswers[rash]"] = "true";
        answers["RedFlagAnswers[suicidal]"] = "true";

        await journey.PostAsync("RedFlags", answers);

        var html = journey.Html;
        var emergency = html.IndexOf("data-testid=\"advice-999\"", StringComparison.Ordinal);
        var crisis = html.IndexOf("data-testid=\"advice-crisis\"", StringComparison.Ordinal);
        Assert.True(emergency >= 0 && crisis > emergency, "999 first, then the crisis lines");
        Assert.Single(Regex.Matches(html, "<h1"));
        Assert.DoesNotContain("data-testid=\"advice-111\"", html, StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task A_red_flag_posted_with_the_stop_skipped_is_still_never_queued()
    {
        // Answer all no, then go back and change one to yes: the stop still applies.
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToDetailsAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        await journey.PostAsync("Goto&step=2", new Dictionary<string, string>());
        var answers = ConsultJourney.AllNo();
        answers["RedFlagAnswers[stroke]"] = "true";
        Assert.Equal(HttpStatusCode.OK, (await journey.PostAsync("RedFlags", answers)).StatusCode);
        Assert.Contains("data-testid=\"advice-999\"", journey.Html, StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task A_form_started_before_an_urgent_symptom_question_was_added_asks_it_before_sending()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToCheckAnswersAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());

        // The draft as a form started before the rash question existed would carry it: without that answer.
        var protector = factory.Services.GetRequiredService<ConsultationDraftProtector>();
        var draft = protector.Unprotect(journey.State)!;
        draft.RedFlags.Remove("rash");
        await journey.PostAsync("Submit", new Dictionary<string, string>(), protector.Protect(draft));

        Assert.Equal(HttpStatusCode.OK, journey.Last!.StatusCode);
        Assert.Contains("Check if you need urgent help", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Select yes or no: do you, or a child in your care, have a rash", journey.Html, StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task Unanswered_red_flag_questions_are_each_an_error()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        var answers = ConsultJourney.AllNo();
        answers.Remove("RedFlagAnswers[breathing]");
        answers.Remove("RedFlagAnswers[allergy]");

        var response = await journey.PostAsync("RedFlags", answers);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("There is a problem", journey.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"#RedFlagAnswers_breathing_\"", journey.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"#RedFlagAnswers_allergy_\"", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Select yes or no: are you struggling to breathe", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#RedFlagAnswers_stroke_\"", journey.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choosing_no_practice_is_an_error()
    {
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync("/Consult");
        await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = "" });
        Assert.Contains("<a href=\"#PracticeOds\">Select your GP practice</a>", journey.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_practice_search_finds_by_name()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync($"/Consult?q={Uri.EscapeDataString(world.PracticeA.Name)}");
        Assert.Contains($"value=\"{world.PracticeA.OdsCode}\"", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Practices matching your search", journey.Html, StringComparison.Ordinal);

        // Continue without choosing keeps the search, so the error shows beside the same results.
        Assert.Matches("action=\"/Consult\\?q=[^\"&]+&amp;handler=Practice\"", journey.Html);
        await journey.GetAsync("/Consult?q=zzzz-no-such-practice");
        Assert.Contains("data-testid=\"no-matches\"", journey.Html, StringComparison.Ordinal);
    }

    /// <summary>
    /// The search is "by practice name, practice code or area": the locality a practice's network is in is an area
    /// (old code: name, code and CCG only, so Evesham, Hinckley and City North found nothing).
    /// </summary>
    [Theory]
    [InlineData("Evesham", "DeMontfort Medical Centre", "Evesham, NHS South Worcestershire CCG")]
    [InlineData("evesham", "Barn Close Surgery", "Evesham, NHS South Worcestershire CCG")]
    [InlineData("Hinckley", null, "Hinckley and Bosworth, NHS West Leicestershire CCG")]
    [InlineData("CITY NORTH", "Belgrave Medical Centre", "City North, NHS Leicester City CCG")]
    public async Task The_practice_search_finds_by_locality_and_names_it(string q, string? practice, string label)
    {
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync($"/Consult?q={Uri.EscapeDataString(q)}");
        Assert.DoesNotContain("data-testid=\"no-matches\"", journey.Html, StringComparison.Ordinal);
        var labels = Regex.Matches(journey.Html, "<label class=\"nhsuk-label nhsuk-radios__label\"[^>]*>([^<]*)</label>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value.Trim())).ToList();
        Assert.NotEmpty(labels);
        Assert.All(labels, l => Assert.EndsWith(label, l, StringComparison.Ordinal));
        if (practice is not null)
        {
            Assert.Contains(labels, l => l.StartsWith(practice + " (", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_paused_practice_says_so_before_anything_is_typed()
    {
        var world = await WorldAsync(accepting: false);
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync("/Consult");
        await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = world.PracticeA.OdsCode });
        Assert.Contains($"{world.PracticeA.Name} is not taking online requests at the moment.", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Check if you need urgent help", journey.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_practice_without_settings_is_paused()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync("/Consult");
        await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = world.PracticeB.OdsCode });
        Assert.Contains("is not taking online requests", journey.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daily_cap_refuses_the_next_request_once_full()
    {
        var world = await WorldAsync(cap: 1);
        using (var first = new ConsultJourney(factory))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await first.SubmitMedicalAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber())).StatusCode);
        }

        using var second = new ConsultJourney(factory);
        await second.GetAsync("/Consult");
        await second.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = world.PracticeA.OdsCode });
        Assert.Contains("has had as many online requests today as it can answer", second.Html, StringComparison.Ordinal);
        Assert.Single(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task The_cap_is_checked_again_on_submit()
    {
        var world = await WorldAsync(cap: 1);
        using var journey = new ConsultJourney(factory);
        await journey.ToDetailsAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        await journey.PostAsync("About", ConsultJourney.Medical());
        await ConsultJourney.SetPracticeAsync(factory, world.PracticeA, accepting: false);
        var response = await journey.PostAsync("Submit", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("is not taking online requests", journey.Html, StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task Every_identity_field_is_validated()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        await journey.PostAsync("RedFlags", ConsultJourney.AllNo());

        await journey.PostAsync("Identity", new Dictionary<string, string>());
        Assert.Contains("<a href=\"#Identity_NhsNumber\">Enter your NHS number.</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Identity_GivenName\">Enter your first name</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Identity_FamilyName\">Enter your last name</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Identity_DateOfBirth\">Enter your date of birth</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Identity_Email\">Enter an email address or a mobile number, so the practice can reply</a>", journey.Html, StringComparison.Ordinal);

        var bad = ConsultJourney.Identity("943 476 5918");
        bad["Identity.DateOfBirth"] = "1980-02-31";
        bad["Identity.Email"] = "ada-at-example";
        bad["Identity.Mobile"] = "01632 960001";
        bad["Identity.GivenName"] = new string('a', 101);
        await journey.PostAsync("Identity", bad);
        Assert.Contains("NHS number is not valid: its check digit does not match.", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Date of birth must be a real date", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Enter an email address in the correct format", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Enter a UK mobile number", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Your first name must be 100 characters or fewer", journey.Html, StringComparison.Ordinal);

        var future = ConsultJourney.Identity(TestPatients.NewNhsNumber());
        future["Identity.DateOfBirth"] = "2030-01-01";
        await journey.PostAsync("Identity", future);
        Assert.Contains("Date of birth must be in the past", journey.Html, StringComparison.Ordinal);
    }

    /// <summary>
    /// An address GOV.UK Notify would refuse is refused on the form, so the patient can correct it before it is stored
    /// and its acknowledgement fails (old code: each taken); one too long for the column is told so.
    /// </summary>
    [Theory]
    [InlineData("ann@example..com", "Enter an email address in the correct format, like name@example.com")]
    [InlineData("ann,smith@example.com", "Enter an email address in the correct format, like name@example.com")]
    [InlineData("<ann>@example.com", "Enter an email address in the correct format, like name@example.com")]
    [InlineData("\"ann\"<x>@example.com", "Enter an email address in the correct format, like name@example.com")]
    [InlineData("ann@example.c", "Enter an email address in the correct format, like name@example.com")]
    [InlineData("ann@-example.com", "Enter an email address in the correct format, like name@example.com")]
    [InlineData(null, "Email address must be 200 characters or fewer")]
    public async Task An_email_address_Notify_would_refuse_is_an_error_on_the_form(string? email, string message)
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        await journey.PostAsync("RedFlags", ConsultJourney.AllNo());

        var identity = ConsultJourney.Identity(TestPatients.NewNhsNumber(), email: email ?? new string('a', 190) + "@example.com");
        await journey.PostAsync("Identity", identity);

        Assert.Equal(HttpStatusCode.OK, journey.Last!.StatusCode);
        Assert.Contains($"<a href=\"#Identity_Email\">{WebUtility.HtmlEncode(message)}</a>", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("What is your request about?", journey.Html, StringComparison.Ordinal);
    }

    /// <summary>
    /// A summary or description of characters that show nothing (zero-width space, word joiner) is not an answer: the
    /// same error as left blank (old code: taken, and the practice got a request that said nothing).
    /// </summary>
    [Fact]
    public async Task A_summary_and_description_of_invisible_characters_are_not_an_answer()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToDetailsAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        var invisible = ConsultJourney.Medical();
        invisible["About.ProblemSummary"] = "\u200B\u2060";
        invisible["About.Details"] = "\u200B \u2060\r\n\u200B";
        await journey.PostAsync("About", invisible);
        Assert.Contains("<a href=\"#About_ProblemSummary\">Enter your problem in a few words</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#About_Details\">Describe your problem</a>", journey.Html, StringComparison.Ordinal);

        // An admin request's "tell us more", needed for "other" and optional otherwise: not an answer, and not kept.
        await journey.PostAsync("Goto&step=4", new Dictionary<string, string>());
        await journey.PostAsync("Kind", new Dictionary<string, string> { ["Kind"] = "Admin" });
        await journey.PostAsync("About", new Dictionary<string, string> { ["About.AdminType"] = nameof(AdminRequestType.OtherAdmin), ["About.Details"] = "\u2060" });
        Assert.Contains("<a href=\"#About_Details\">Tell us what you need</a>", journey.Html, StringComparison.Ordinal);
        await journey.PostAsync("About", new Dictionary<string, string> { ["About.AdminType"] = nameof(AdminRequestType.FitNote), ["About.Details"] = "\u200B" });
        Assert.Contains("Check your answers before sending your request", journey.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await journey.SendAsync()).StatusCode);
        Assert.Null(Assert.Single(await RequestsAsync(world.PracticeA.Id)).Details);
    }

    [Fact]
    public async Task Kind_and_every_details_field_are_validated()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        await journey.PostAsync("RedFlags", ConsultJourney.AllNo());
        await journey.PostAsync("Identity", ConsultJourney.Identity(TestPatients.NewNhsNumber()));
        await journey.PostAsync("Kind", new Dictionary<string, string>());
        Assert.Contains("<a href=\"#Kind\">Select whether your request is about a medical problem or an admin request</a>", journey.Html, StringComparison.Ordinal);

        await journey.PostAsync("Kind", new Dictionary<string, string> { ["Kind"] = "Medical" });
        await journey.PostAsync("About", new Dictionary<string, string> { ["About.Duration"] = "Forever" });
        Assert.Contains("<a href=\"#About_ProblemSummary\">Enter your problem in a few words</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#About_Duration\">Select how long you have had the problem</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#About_Severity\">Select how much the problem affects you</a>", journey.Html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#About_Details\">Describe your problem</a>", journey.Html, StringComparison.Ordinal);

        var tooLong = ConsultJourney.Medical();
        tooLong["About.Details"] = new string('x', ConsultationRequest.MaxDetailsLength + 1);
        tooLong["About.ProblemSummary"] = new string('x', ConsultationRequest.MaxSummaryLength + 1);
        await journey.PostAsync("About", tooLong);
        Assert.Contains("Your description must be 1500 characters or fewer", journey.Html, StringComparison.Ordinal);
        Assert.Contains("Your problem in a few words must be 100 characters or fewer", journey.Html, StringComparison.Ordinal);
        // The field keeps all that was typed and lets the server say it is too long: a browser's maxlength would cut a
        // pasted summary short without a word, and the patient would send what they never read.
        var summaryInput = Regex.Match(journey.Html, "<input[^>]*id=\"About_ProblemSummary\"[^>]*>").Value;
        Assert.Contains($"value=\"{tooLong["About.ProblemSummary"]}\"", summaryInput, StringComparison.Ordinal);
        Assert.DoesNotContain("maxlength", summaryInput, StringComparison.Ordinal);
        Assert.Contains("100 characters or fewer", Regex.Match(journey.Html, "<div[^>]*id=\"About_ProblemSummary-hint\"[^>]*>[^<]*</div>").Value, StringComparison.Ordinal);
        // Too long in a script whose characters take 9 bytes each as sent: the same message, the text kept.
        var bengali = ConsultJourney.Medical();
        bengali["About.Details"] = string.Concat(Enumerable.Repeat("আমার হাঁটুতে ব্যথা। ", 300));
        Assert.True(bengali["About.Details"].Length > 4 * ConsultationRequest.MaxDetailsLength - 100);
        await journey.PostAsync("About", bengali);
        Assert.Equal(HttpStatusCode.OK, journey.Last!.StatusCode);
        Assert.Contains("Your description must be 1500 characters or fewer", journey.Html, StringComparison.Ordinal);
        Assert.Contains("আমার হাঁটুতে ব্যথা।", WebUtility.HtmlDecode(journey.Html), StringComparison.Ordinal);
        var bell = ConsultJourney.Medical();
        bell["About.ProblemSummary"] = "Sore\u0007knee";
        await journey.PostAsync("About", bell);
        Assert.Contains("Your problem in a few words must not contain control characters", journey.Html, StringComparison.Ordinal);

        // Back to the kind step, switch to admin: the admin question is required.
        await journey.PostAsync("Goto&step=4", new Dictionary<string, string>());
        await journey.PostAsync("Kind", new Dictionary<string, string> { ["Kind"] = "Admin" });
        await journey.PostAsync("About", new Dictionary<string, string>());
        Assert.Contains("<a href=\"#About_AdminType\">Select what your admin request is about</a>", journey.Html, StringComparison.Ordinal);
        await journey.PostAsync("About", new Dictionary<string, string> { ["About.AdminType"] = nameof(AdminRequestType.OtherAdmin) });
        Assert.Contains("<a href=\"#About_Details\">Tell us what you need</a>", journey.Html, StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    /// <summary>
    /// Changing the kind of request from the check page starts its questions again, empty: the medical description is not
    /// carried into the admin request's "tell us more" (old code: pre-filled, and sent with a fit note request).
    /// </summary>
    [Fact]
    public async Task Changing_a_medical_request_to_admin_does_not_carry_the_description_over()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToCheckAnswersAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        Assert.Contains("My knee has hurt for two weeks after a fall.", journey.Html, StringComparison.Ordinal);

        await journey.PostAsync("Goto&step=4", new Dictionary<string, string>());
        await journey.PostAsync("Kind", new Dictionary<string, string> { ["Kind"] = "Admin" });

        Assert.Contains("name=\"About.AdminType\"", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("My knee has hurt", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Sore knee", journey.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_altered_state_starts_again_and_cannot_skip_steps()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToRedFlagsAsync(world.PracticeA.OdsCode);
        var state = journey.State;
        await journey.PostAsync("Submit", new Dictionary<string, string>(), state[..^4] + "AAAA");
        Assert.Contains("Your answers have expired or could not be read", journey.Html, StringComparison.Ordinal);

        // A genuine state from step 1 cannot jump to submit.
        await journey.PostAsync("Submit", new Dictionary<string, string>(), state);
        Assert.Contains("Your answers have expired or could not be read", journey.Html, StringComparison.Ordinal);
        Assert.Empty(await RequestsAsync(world.PracticeA.Id));
    }

    [Fact]
    public async Task The_per_NHS_number_limit_answers_429()
    {
        var world = await WorldAsync();
        var nhs = TestPatients.NewNhsNumber();
        var blocker = TestPatients.NewNhsNumber();
        var varied = TestPatients.NewNhsNumber();
        await Db(async db =>
        {
            // Three in the names of two patients; for the second, by someone who knew only the NHS number. Nine with a
            // third NHS number and nine different dates of birth.
            var sent = Enumerable.Repeat((nhs, new DateOnly(1980, 1, 2)), 3)
                .Concat(Enumerable.Repeat((blocker, new DateOnly(1999, 9, 9)), 3))
                .Concat(Enumerable.Range(0, 9).Select(d => (varied, new DateOnly(1990, 1, 1).AddDays(d))))
                .Select((r, n) => (Number: r.Item1, Born: r.Item2, Hour: n % 3));
            foreach (var (number, born, i) in sent)
            {
                db.ConsultationRequests.Add(new ConsultationRequest
                {
                    PracticeId = world.PracticeB.Id,
                    Reference = ConsultationRequest.NewReference(),
                    NhsNumber = number,
                    GivenName = "Ada",
                    FamilyName = "Earlier",
                    DateOfBirth = born,
                    RedFlagAnswers = "none",
                    Kind = ConsultationKind.Admin,
                    AdminType = AdminRequestType.FitNote,
                    SubmittedUtc = ForwardFactory.DefaultNow.UtcDateTime.AddHours(-20 + i),
                    DeadlineUtc = ForwardFactory.DefaultNow.UtcDateTime.AddHours(10),
                });
            }

            return await db.SaveChangesAsync();
        });

        // The real patient (born 2 January 1980) is not held back by requests sent with another date of birth.
        using (var patient = new ConsultJourney(factory))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await patient.SubmitMedicalAsync(world.PracticeA.OdsCode, blocker)).StatusCode);
        }

        // But changing the date of birth is no way round the limit: nine with one NHS number are the most.
        using (var changing = new ConsultJourney(factory))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await changing.SubmitMedicalAsync(world.PracticeA.OdsCode, varied)).StatusCode);
            Assert.Contains("Too many online requests have been sent with this NHS number", changing.Html, StringComparison.Ordinal);
        }

        // Where Forward knows the patient (born 2 January 1980, the form's date) but has no mobile or email for them, the
        // form cannot tell them from someone guessing: the right date of birth is refused just as a wrong one, so which
        // guesses are refused says nothing about the patient's date of birth, or whether Forward knows them.
        await Db(async db =>
        {
            db.Patients.Add(new Forward.Domain.Patients.Patient { NhsNumber = varied, GivenName = "Ada", FamilyName = "Known", DateOfBirth = new DateOnly(1980, 1, 2), RegisteredPracticeId = world.PracticeA.Id });
            return await db.SaveChangesAsync();
        });
        foreach (var born in new[] { "1980-01-02", "1990-01-01", "1975-05-05" })
        {
            using var guess = new ConsultJourney(factory) { DateOfBirth = born };
            Assert.Equal(HttpStatusCode.TooManyRequests, (await guess.SubmitMedicalAsync(world.PracticeA.OdsCode, varied)).StatusCode);
            Assert.Contains("Too many online requests have been sent with this NHS number", guess.Html, StringComparison.Ordinal);
        }

        // With the mobile on their record as well (07700 900123, written another way), the nine do not hold the patient
        // back; the same mobile with a wrong date of birth is refused as before.
        await Db(db => db.Patients.Where(p => p.NhsNumber == varied).ExecuteUpdateAsync(u => u.SetProperty(p => p.Phone, "+44 7700 900123")));
        using (var known = new ConsultJourney(factory))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await known.SubmitMedicalAsync(world.PracticeA.OdsCode, varied)).StatusCode);
        }

        using (var wrongBirth = new ConsultJourney(factory))
        {
            wrongBirth.DateOfBirth = "1990-01-01";
            Assert.Equal(HttpStatusCode.TooManyRequests, (await wrongBirth.SubmitMedicalAsync(world.PracticeA.OdsCode, varied)).StatusCode);
        }

        using var journey = new ConsultJourney(factory);

        var response = await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, nhs);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("You have already sent 3 online requests in the last 24 hours.", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(await RequestsAsync(world.PracticeA.Id), r => r.NhsNumber == nhs);

        // 24 hours after the first of them, one more is allowed.
        using (factory.Clock.TravelTo(ForwardFactory.DefaultNow.UtcDateTime.AddHours(4).AddMinutes(1)))
        {
            using var later = new ConsultJourney(factory);
            Assert.Equal(HttpStatusCode.Redirect, (await later.SubmitMedicalAsync(world.PracticeA.OdsCode, nhs)).StatusCode);
        }
    }

    /// <summary>A double click, a retry after a lost answer, or back and send again: one request, one acknowledgement.</summary>
    [Fact]
    public async Task The_same_form_sent_several_times_at_once_and_again_later_makes_one_request()
    {
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.ToCheckAnswersAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
        var state = journey.State;

        var sent = (await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => journey.PostAsync("Submit", new Dictionary<string, string>(), state)))).ToList();
        sent.Add(await journey.PostAsync("Submit", new Dictionary<string, string>(), state));

        Assert.All(sent, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        var request = Assert.Single(await RequestsAsync(world.PracticeA.Id));
        Assert.NotNull(request.SubmissionKey);
        foreach (var response in sent)
        {
            var (status, html) = await journey.Client.GetAsync(response.Headers.Location!.OriginalString);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains(request.Reference, html, StringComparison.Ordinal);
        }

        var messages = await Db(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id).ToListAsync());
        Assert.NotEmpty(messages);
        Assert.All(messages.GroupBy(m => (m.Kind, m.Channel)), g => Assert.Single(g));

        // Back from the confirmation, an answer changed, and sent: that is a second request, not the first again.
        var changed = ConsultJourney.Medical();
        changed["About.ProblemSummary"] = "Sore ankle";
        Assert.Equal(HttpStatusCode.OK, (await journey.PostAsync("About", changed, state)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await journey.SendAsync()).StatusCode);
        Assert.Equal(["Sore ankle", "Sore knee"], (await RequestsAsync(world.PracticeA.Id)).Select(r => r.ProblemSummary).Order(StringComparer.Ordinal));

        // A new filling-in of the form by the same patient is a new request too.
        using var another = new ConsultJourney(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await another.SubmitMedicalAsync(world.PracticeA.OdsCode, request.NhsNumber)).StatusCode);
        Assert.Equal(3, (await RequestsAsync(world.PracticeA.Id)).Count);
    }

    /// <summary>The limit holds for requests sent at the same moment too: each counts the others.</summary>
    [Fact]
    public async Task Requests_sent_at_once_for_one_nhs_number_stop_at_the_limit()
    {
        var world = await WorldAsync();
        var nhs = TestPatients.NewNhsNumber();
        var sent = await SendAtOnceAsync(world.PracticeA.OdsCode, Enumerable.Repeat(nhs, 8));

        Assert.All(sent, status => Assert.True(status is HttpStatusCode.Redirect or HttpStatusCode.TooManyRequests, $"{status}"));
        Assert.Equal(3, sent.Count(s => s == HttpStatusCode.Redirect));
        Assert.Equal(3, (await RequestsAsync(world.PracticeA.Id)).Count);
    }

    /// <summary>The practice's daily cap holds for requests from different patients sent at the same moment.</summary>
    [Fact]
    public async Task Requests_sent_at_once_to_one_practice_stop_at_its_daily_cap()
    {
        var world = await WorldAsync(cap: 2);
        var sent = await SendAtOnceAsync(world.PracticeA.OdsCode, Enumerable.Range(0, 6).Select(_ => TestPatients.NewNhsNumber()));

        Assert.All(sent, status => Assert.True((int)status < 500, $"{status}"));
        Assert.Equal(2, sent.Count(s => s == HttpStatusCode.Redirect));
        Assert.Equal(2, (await RequestsAsync(world.PracticeA.Id)).Count);
    }

    /// <summary>One request per NHS number, each taken through the form to its last step, then all sent at the same moment.</summary>
    private async Task<HttpStatusCode[]> SendAtOnceAsync(string practiceOds, IEnumerable<string> nhsNumbers)
    {
        var journeys = new List<ConsultJourney>();
        try
        {
            foreach (var nhs in nhsNumbers)
            {
                var journey = new ConsultJourney(factory);
                journeys.Add(journey);
                await journey.ToCheckAnswersAsync(practiceOds, nhs);
            }

            return await Task.WhenAll(journeys.Select(async j => (await j.SendAsync()).StatusCode));
        }
        finally
        {
            journeys.ForEach(j => j.Dispose());
        }
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused()
    {
        var world = await WorldAsync();
        using var client = new PageClient(factory);
        var response = await client.PostFormWithoutTokenAsync("/Consult?handler=Practice", new Dictionary<string, string> { ["PracticeOds"] = world.PracticeA.OdsCode });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_form_value_over_the_limit_is_refused()
    {
        // The per-value limit, as sent. (The body limit, [RequestSizeLimit], is Kestrel's: the in-process test server
        // does not enforce it, so it is not tested here.)
        var world = await WorldAsync();
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync("/Consult");
        var response = await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = world.PracticeA.OdsCode, ["Padding"] = new string('x', Forward.Web.Pages.Consult.IndexModel.MaxValueBytes + 1) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

/// <summary>A host whose consultation form allows only three posts per address per hour.</summary>
public sealed class LowConsultLimitFactory : ForwardFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Forward:RateLimits:ConsultPerHourPerIp", "3");
    }
}

public sealed class ConsultationRateLimitTests(LowConsultLimitFactory factory) : IClassFixture<LowConsultLimitFactory>
{
    [Fact]
    public async Task Too_many_posts_from_one_address_answer_429_with_a_clear_page()
    {
        using var journey = new ConsultJourney(factory);
        await journey.GetAsync("/Consult");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = "" })).StatusCode);
        }

        var response = await journey.PostAsync("Practice", new Dictionary<string, string> { ["PracticeOds"] = "" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("Too many requests from your connection", journey.Html, StringComparison.Ordinal);
        // A patient's page (old code: the staff site's "Sign in", its home page and "contact support").
        Assert.Contains("contact your GP practice by phone, or call 111", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/Account/SignIn\"", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Go to the Forward home page", journey.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("contact support", journey.Html, StringComparison.Ordinal);

        // Reading the form is not limited, nor is searching for a practice from a filled-in form.
        Assert.Equal(HttpStatusCode.OK, await journey.GetAsync("/Consult"));
        Assert.Equal(HttpStatusCode.OK, (await journey.PostAsync("Search", new Dictionary<string, string> { ["q"] = "Test" })).StatusCode);
    }
}

/// <summary>A host that sends one mobile or email at most two acknowledgements a day.</summary>
public sealed class LowAcknowledgementLimitFactory() : RateLimitedFactory("Forward:Consultation:AcknowledgementsPerContactPer24Hours", 2);

public sealed class ConsultationAcknowledgementLimitTests(LowAcknowledgementLimitFactory factory) : IClassFixture<LowAcknowledgementLimitFactory>
{
    [Fact]
    public async Task A_mobile_or_email_given_on_request_after_request_is_sent_only_so_many_acknowledgements_a_day()
    {
        var world = await TestWorld.CreateAsync(factory);
        await ConsultJourney.SetPracticeAsync(factory, world.PracticeA);

        // Three people's requests, each giving the same mobile and email (the form is public: anyone can give anyone's),
        // the email written differently each time, as mail systems do not mind.
        var confirmations = new List<string>();
        foreach (var email in new[] { "ada@example.com", "Ada@Example.com", "ADA@EXAMPLE.COM" })
        {
            using var journey = new ConsultJourney(factory) { Email = email };
            var sent = await journey.SubmitMedicalAsync(world.PracticeA.OdsCode, TestPatients.NewNhsNumber());
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            var (status, html) = await journey.Client.GetAsync(sent.Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.OK, status);
            confirmations.Add(html);
        }

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var requests = await db.ConsultationRequests.AsNoTracking().Where(r => r.PracticeId == world.PracticeA.Id).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId != null && requests.Contains(m.ConsultationRequestId.Value))
            .Select(m => new { m.ConsultationRequestId, m.Channel, m.Recipient }).ToListAsync();

        // Every request stands; the third is not acknowledged (old code: a text and an email for each, without end; and
        // until emails were stored in lower case, each way of writing one was another address to send to).
        Assert.Equal(3, requests.Count);
        Assert.Equal(2, messages.Count(m => m.Channel == NotificationChannel.Sms && m.Recipient == "07700900123"));
        Assert.Equal(2, messages.Count(m => m.Channel == NotificationChannel.Email && m.Recipient == "ada@example.com"));
        Assert.DoesNotContain(messages, m => m.ConsultationRequestId == requests[2]);

        // Its confirmation page does not say a message was sent (old code: every one said so).
        const string Sent = "We have sent you a message to confirm we have your request.";
        Assert.All(confirmations.Take(2), html => Assert.Contains(Sent, html, StringComparison.Ordinal));
        Assert.DoesNotContain(Sent, confirmations[2], StringComparison.Ordinal);
        Assert.Contains("We have not sent you a message this time, so keep a note of your reference.", confirmations[2], StringComparison.Ordinal);
    }
}
