using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Consultation;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Patients;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Consultation;
using Forward.Web.Notifications;
using Forward.Web.Pages;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Consultation;

public sealed partial class TriageTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static DateTime Now => ForwardFactory.DefaultNow.UtcDateTime;

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A request straight into the database (the form itself is ConsultationFormTests' business).</summary>
    internal static Task<ConsultationRequest> AddRequestAsync(
        TestWorld world,
        int practiceId,
        DateTime deadlineUtc,
        ConsultationStatus status = ConsultationStatus.New,
        string summary = "Sore knee",
        string? mobile = "07700900123",
        string? email = "ada@example.com",
        SeverityBand severity = SeverityBand.Moderate,
        DurationBand duration = DurationBand.OneToFourWeeks) =>
        world.WithDbAsync(async db =>
        {
            var request = new ConsultationRequest
            {
                PracticeId = practiceId,
                Reference = ConsultationRequest.NewReference(),
                NhsNumber = TestPatients.NewNhsNumber(),
                GivenName = "Ada",
                FamilyName = "Triagetest",
                DateOfBirth = new DateOnly(1980, 1, 2),
                Email = email,
                Mobile = mobile,
                Kind = ConsultationKind.Medical,
                ProblemSummary = summary,
                Duration = duration,
                Severity = severity,
                Details = "My knee has hurt for two weeks after a fall.",
                RedFlagAnswers = "chest-pain=no",
                Status = ConsultationStatus.New,
                SubmittedUtc = Now.AddHours(-1),
                DeadlineUtc = deadlineUtc,
            };
            request.RecordSubmitted(request.SubmittedUtc);
            if (status != ConsultationStatus.New)
            {
                request.Start("someone", Now);
            }

            if (status == ConsultationStatus.Closed)
            {
                request.Close(ConsultationOutcome.SelfCare, null, null, "someone", Now);
            }

            db.ConsultationRequests.Add(request);
            await db.SaveChangesAsync();
            return request;
        });

    /// <summary>Another practice staff account, of <paramref name="practiceId"/>; returns its user name.</summary>
    private static async Task<string> AddStaffAsync(TestWorld world, int practiceId, string name, string role = Roles.PracticeStaff)
    {
        var userName = $"{world.Prefix}-{name}";
        await world.WithDbAsync(db =>
        {
            db.Users.Add(new UserAccount { UserName = userName, DisplayName = $"Dr {name}", Role = role, PracticeId = role == Roles.PracticeStaff ? practiceId : null, PasswordHash = "unused" });
            return db.SaveChangesAsync();
        });
        return userName;
    }

    private static Task<ConsultationRequest> ReloadAsync(TestWorld world, long id) =>
        world.WithDbAsync(db => db.ConsultationRequests.AsNoTracking().Include(r => r.History).SingleAsync(r => r.Id == id));

    private static Task<List<string>> AuditActionsAsync(TestWorld world, long id) =>
        world.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(a => a.EntityType == "ConsultationRequest" && a.EntityId == Id(id)).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());

    private static List<string> QueueReferences(string html) => QueueRow().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static string HiddenValue(string html, string name)
    {
        var match = Regex.Match(html, $"<input[^>]*name=\"{Regex.Escape(name)}\"[^>]*value=\"([^\"]*)\"");
        Assert.True(match.Success, $"No field {name} with a value on the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts one of the detail page's forms with a token from the page, as a browser would.</summary>
    private static async Task<(HttpResponseMessage Response, string Html)> ActAsync(PageClient client, long id, string handler, Dictionary<string, string> fields, string? page = null)
    {
        var html = page ?? (await client.GetAsync($"/Triage/Request/{id}")).Html;
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = PageClient.AntiforgeryToken(html) ?? throw new InvalidOperationException("No token") };
        using var content = new FormUrlEncodedContent(form);
        var response = await client.Http.PostAsync(new Uri($"/Triage/Request/{id}?handler={handler}", UriKind.Relative), content);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_queue_is_sorted_by_deadline_and_filtered_by_status()
    {
        var world = await TestWorld.CreateAsync(factory);
        var later = await AddRequestAsync(world, world.PracticeA.Id, Now.AddDays(2), summary: "Later one");
        var overdue = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(-3), summary: "Overdue one");
        var soon = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), summary: "Soon one");
        var started = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(1), ConsultationStatus.InProgress);
        var closed = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(2), ConsultationStatus.Closed);
        var closedSince = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(10), ConsultationStatus.Closed);
        await world.WithDbAsync(db => db.ConsultationRequests.Where(r => r.Id == closed.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.ClosedUtc, Now.AddHours(-1))));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync("/Triage");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([overdue.Reference, soon.Reference, later.Reference], QueueReferences(html));
        Assert.Contains("Overdue by 3 hours", html, StringComparison.Ordinal);
        Assert.Single(OverdueTag().Matches(html));
        Assert.Contains("Due in 5 hours", html, StringComparison.Ordinal);
        Assert.Contains("Soon one", html, StringComparison.Ordinal);
        Assert.Contains("New (3)", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/Triage\" aria-current=\"page\"", html, StringComparison.Ordinal); // header navigation

        Assert.Equal([started.Reference], QueueReferences((await staff.GetAsync("/Triage?status=in-progress")).Html));
        // Closed ones most recently closed first, whatever their deadlines were: the latest are never past the list's end.
        Assert.Equal([closedSince.Reference, closed.Reference], QueueReferences((await staff.GetAsync("/Triage?status=closed")).Html));
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/Triage?status=bogus")).Status);

        var queueAudits = await world.WithDbAsync(db => db.AuditEvents.CountAsync(a => a.Action == "consultation.queue" && a.EntityId == Id(world.PracticeA.Id)));
        Assert.Equal(3, queueAudits);
    }

    [Fact]
    public async Task The_queue_shows_severity_and_duration_and_puts_new_severe_problems_of_under_2_days_first_tagged_review_first()
    {
        var world = await TestWorld.CreateAsync(factory);
        var soon = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(2), summary: "Mild rash", severity: SeverityBand.Mild, duration: DurationBand.MoreThanFourWeeks);
        var severeLong = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(6), summary: "Bad back", severity: SeverityBand.Severe, duration: DurationBand.TwoToSevenDays);
        var severeNew = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(8), summary: "Swollen ankle", severity: SeverityBand.Severe, duration: DurationBand.LessThanTwoDays);
        var startedSevereNew = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(9), ConsultationStatus.InProgress, severity: SeverityBand.Severe, duration: DurationBand.LessThanTwoDays);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var html = (await staff.GetAsync("/Triage")).Html;

        Assert.Equal([severeNew.Reference, soon.Reference, severeLong.Reference], QueueReferences(html));
        string Cell(string reference) => Regex.Match(html, $"(?s)data-reference=\"{reference}\".*?<td[^>]*data-severity-duration>(.*?)</td>").Groups[1].Value;
        Assert.Contains("Review first", Cell(severeNew.Reference), StringComparison.Ordinal);
        Assert.Contains("Severe<br>Less than 2 days", Cell(severeNew.Reference), StringComparison.Ordinal);
        Assert.Contains("Mild<br>More than 4 weeks", Cell(soon.Reference), StringComparison.Ordinal);
        Assert.Contains("Severe<br>2 to 7 days", Cell(severeLong.Reference), StringComparison.Ordinal);
        Assert.DoesNotContain("Review first", Cell(soon.Reference), StringComparison.Ordinal);
        Assert.DoesNotContain("Review first", Cell(severeLong.Reference), StringComparison.Ordinal);

        // In progress, someone has it already: still tagged, in deadline order.
        html = (await staff.GetAsync("/Triage?status=in-progress")).Html;
        Assert.Equal([startedSevereNew.Reference], QueueReferences(html));
        Assert.Contains("Review first", Cell(startedSevereNew.Reference), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_practice_never_sees_the_request_in_the_queue_or_by_id()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var slot = (await world.FreeSlotsAsync())[0];
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);

        var (status, html) = await staffB.GetAsync("/Triage");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(request.Reference, html, StringComparison.Ordinal);
        Assert.Empty(QueueReferences(html));

        (status, html) = await staffB.GetAsync($"/Triage/Request/{request.Id}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("Triagetest", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await staffB.GetAsync($"/Booking/Find?consultation={request.Id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await staffB.GetAsync($"/Booking/Book?slotId={slot.Id}&consultation={request.Id}")).Status);
        // A request in the address that is no number is the page's error: the search form has no field for it to link to.
        var (notANumberStatus, notANumber) = await staffB.GetAsync("/Booking/Find?consultation=abc");
        Assert.Equal(HttpStatusCode.OK, notANumberStatus);
        Assert.Contains("<li>The online request in the address is not valid: open the search from the request&#x27;s page</li>", notANumber, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#Consultation\"", notANumber, StringComparison.Ordinal);

        // Actions too: a token from B's own queue page, posted at A's request.
        var (response, _) = await ActAsync(staffB, request.Id, "Close", new() { ["Outcome"] = "SelfCare" }, page: (await staffB.GetAsync("/Triage")).Html);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ConsultationStatus.New, (await ReloadAsync(world, request.Id)).Status);
        Assert.Contains("consultation.view-denied", await AuditActionsAsync(world, request.Id));

        // Other roles have no queue at all.
        using var hub = await PageClient.SignedInAsync(factory, world.HubClinician);
        var denied = await hub.Http.GetAsync(new Uri($"/Triage/Request/{request.Id}", UriKind.Relative));
        Assert.True(denied.StatusCode == HttpStatusCode.Forbidden || denied.Headers.Location?.OriginalString.Contains("/Account/AccessDenied", StringComparison.Ordinal) == true, $"{denied.StatusCode}");
        Assert.DoesNotContain("Online requests", (await hub.GetAsync("/")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_from_a_page_a_colleague_has_acted_on_since_is_refused_not_applied()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var stale = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;

        // A colleague starts work on it; then the first page's "assign to me" is sent.
        var (started, _) = await ActAsync(staff, request.Id, "Start", new() { ["Version"] = HiddenValue(stale, "Version") });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var (response, body) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = "dr.late", ["Version"] = HiddenValue(stale, "Version") }, stale);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Someone else has changed this request since you opened it", body, StringComparison.Ordinal);
        var now = await ReloadAsync(world, request.Id);
        Assert.Equal(ConsultationStatus.InProgress, now.Status);
        Assert.NotEqual("dr.late", now.AssignedTo);
    }

    [Fact]
    public async Task The_same_form_sent_twice_finds_its_own_change_and_is_done_not_refused_as_someone_elses()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;

        // A double click without JavaScript: the start form twice, then (from the page after it) the close form twice.
        foreach (var _ in new[] { 1, 2 })
        {
            var (started, body) = await ActAsync(staff, request.Id, "Start", new() { ["Version"] = HiddenValue(page, "Version") }, page);
            Assert.True(started.StatusCode == HttpStatusCode.Redirect, body);
        }

        page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        foreach (var _ in new[] { 1, 2 })
        {
            var (closed, body) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "SelfCare", ["Note"] = "Advice given", ["OutcomeMessage"] = "Please see your pharmacist.", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey"), ["Version"] = HiddenValue(page, "Version") }, page);
            Assert.True(closed.StatusCode == HttpStatusCode.Redirect, body);
        }

        var now = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.Closed, ConsultationOutcome.SelfCare), (now.Status, now.Outcome));
        Assert.Equal(3, await world.WithDbAsync(db => db.Set<ConsultationEvent>().CountAsync(e => e.ConsultationRequestId == request.Id && e.By != "patient"))); // started, message, closed
        Assert.Equal(2, await world.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage))); // a text and an email, once

        // Sent again with another outcome, it is a change of mind after the close: refused, as closed (not as someone
        // else's change: the close was this user's own).
        var (other, otherBody) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "Pharmacy", ["Version"] = HiddenValue(page, "Version") }, page);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("This request is closed and cannot be changed.", otherBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_users_own_same_change_counts_as_made_not_a_colleagues_change_followed_by_the_users_message_or_close()
    {
        var world = await TestWorld.CreateAsync(factory);
        var me = new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        var colleague = me with { UserName = "dr.colleague" };
        async Task<string?> RefusalAsync(Func<TriageService, Task> act)
        {
            using var scope = factory.Services.CreateScope();
            try
            {
                await act(scope.ServiceProvider.GetRequiredService<TriageService>());
                return null;
            }
            catch (DomainException ex)
            {
                return ex.Code;
            }
        }

        // A colleague starts it; I message the patient (no new version); my stale "start" is still someone else's change.
        var started = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        Assert.Null(await RefusalAsync(t => t.StartAsync(started.Id, colleague, 1)));
        Assert.Null(await RefusalAsync(t => t.MessageAsync(started.Id, "We will call you today.", FormKeys.New(), me)));
        Assert.Equal("consultation-changed", await RefusalAsync(t => t.StartAsync(started.Id, me, 1)));
        Assert.Equal("dr.colleague", (await ReloadAsync(world, started.Id)).AssignedTo);

        // I close it; a stale "assign to me" from another tab is not "assigned" on a closed request, and is told it is
        // closed rather than that someone else changed it (it was me).
        var closed = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        Assert.Null(await RefusalAsync(t => t.CloseAsync(closed.Id, ConsultationOutcome.SelfCare, null, "Please see your pharmacist.", FormKeys.New(), me, 1)));
        Assert.Equal("consultation-closed", await RefusalAsync(t => t.AssignAsync(closed.Id, "me", me, 1)));

        // The two sends of one double click at once: both are answered as done, and the request is started once.
        var together = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RefusalAsync(t => t.StartAsync(together.Id, me, 1))));
        Assert.All(answers, Assert.Null);
        Assert.Equal(1, await world.WithDbAsync(db => db.Set<ConsultationEvent>().CountAsync(e => e.ConsultationRequestId == together.Id && e.What == "Started")));
    }

    [Fact]
    public async Task Staff_assign_start_and_close_a_request_and_errors_are_shown_not_thrown()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync($"/Triage/Request/{request.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("My knee has hurt for two weeks after a fall.", html, StringComparison.Ordinal);
        Assert.Contains("Ada Triagetest", html, StringComparison.Ordinal);
        Assert.Contains("Not matched to a registered patient", html, StringComparison.Ordinal);

        // Each of the request's forms has a heading of its own under "Act on this request", so screen reader users can
        // move between them; the booking link is a link-button with the NHS button module (space bar activates it).
        Assert.Matches("(?s)<h2[^>]*>Act on this request</h2>.*<h3[^>]*>Book an appointment</h3>.*<h3[^>]*>Message the patient</h3>.*<h3[^>]*>Close the request</h3>", html);
        Assert.Matches("<a (?=[^>]*id=\"book-from-request\")(?=[^>]*role=\"button\")(?=[^>]*data-module=\"nhsuk-button\")[^>]*>", html);

        var jones = await AddStaffAsync(world, world.PracticeA.Id, "jones");
        var (response, body) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = " " });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("nhsuk-error-summary", body, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#AssignTo\">Choose who to assign it to</a>", body, StringComparison.Ordinal);

        (response, body) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = "dr\u0007jones" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The name must not contain control characters", body, StringComparison.Ordinal);

        (response, _) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = jones });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(jones, (await ReloadAsync(world, request.Id)).AssignedTo);
        (response, _) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = "me" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(world.PracticeStaffA, (await ReloadAsync(world, request.Id)).AssignedTo);

        (response, _) = await ActAsync(staff, request.Id, "Start", []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ConsultationStatus.InProgress, (await ReloadAsync(world, request.Id)).Status);
        (response, body) = await ActAsync(staff, request.Id, "Start", []);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This request is already in progress.", body, StringComparison.Ordinal);

        (response, body) = await ActAsync(staff, request.Id, "Close", new() { ["Note"] = "Advice given" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#Outcome\">Choose what was done about the request</a>", body, StringComparison.Ordinal);
        (response, body) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "Pharmacy", ["Note"] = "Advised\u0007" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The note must not contain control characters", body, StringComparison.Ordinal);
        (response, body) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "BookAppointment" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("use &quot;Book an appointment&quot;", body, StringComparison.Ordinal);

        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        (response, _) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "Pharmacy", ["Note"] = "Advised to see the pharmacist", ["OutcomeMessage"] = "Please see your pharmacist.", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey") }, page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var closed = await ReloadAsync(world, request.Id);
        Assert.Equal(ConsultationStatus.Closed, closed.Status);
        Assert.Equal(ConsultationOutcome.Pharmacy, closed.Outcome);
        Assert.Equal("Advised to see the pharmacist", closed.OutcomeNote);
        Assert.Equal(
            ["Submitted online", $"Assigned to {jones}", $"Assigned to {world.PracticeStaffA}", "Started", "Message sent to the patient (text, email)", "Closed: Pharmacy"],
            closed.History.OrderBy(e => e.Id).Select(e => e.What));

        // Staff read the outcome in words (old code: "Closed: Pharmacy", the outcome's code).
        var history = WebUtility.HtmlDecode(Regex.Match((await staff.GetAsync($"/Triage/Request/{request.Id}")).Html, "<ol[^>]*id=\"history\".*?</ol>", RegexOptions.Singleline).Value);
        Assert.Contains("Closed: Referred to a pharmacy", history, StringComparison.Ordinal);
        Assert.DoesNotContain("Closed: Pharmacy", history, StringComparison.Ordinal);

        // Closing twice (say, from a page left open): an error on the page, not a 500.
        (response, body) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "SelfCare" }, page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This request is closed and cannot be changed.", body, StringComparison.Ordinal);
        Assert.Equal(ConsultationOutcome.Pharmacy, (await ReloadAsync(world, request.Id)).Outcome);
        Assert.DoesNotContain("Close request</button>", (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html, StringComparison.Ordinal);

        var actions = await AuditActionsAsync(world, request.Id);
        Assert.Contains("consultation.view", actions);
        Assert.Equal(2, actions.Count(a => a == "consultation.assign"));
        Assert.Single(actions, "consultation.start");
        Assert.Single(actions, "consultation.close");
    }

    /// <summary>
    /// The form matches a request to a registered patient on NHS number and date of birth alone, so whoever knows those
    /// two can send one in the patient's name with their own mobile. Staff must see that before they reply to it.
    /// </summary>
    [Fact]
    public async Task A_request_matched_on_nhs_number_and_date_of_birth_warns_when_the_name_or_contacts_given_differ_from_the_record()
    {
        var world = await TestWorld.CreateAsync(factory);
        async Task<ConsultationRequest> MatchedRequestAsync(string given, string family, string? mobile, string? email)
        {
            var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: mobile, email: email);
            await world.WithDbAsync(async db =>
            {
                var patient = new Patient { NhsNumber = request.NhsNumber, GivenName = "Ada", FamilyName = "Triagetest", DateOfBirth = request.DateOfBirth, Phone = "07700 900123", Email = "ada@example.com", RegisteredPracticeId = world.PracticeA.Id };
                db.Patients.Add(patient);
                await db.SaveChangesAsync();
                await db.ConsultationRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.PatientId, patient.Id).SetProperty(r => r.GivenName, given).SetProperty(r => r.FamilyName, family));
            });
            return request;
        }

        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // The same person as typed: case, spacing and the mobile's format aside, nothing to warn of.
        var same = await MatchedRequestAsync(" ada ", "TRIAGETEST", "07700900123", "ADA@example.com");
        var html = (await staff.GetAsync($"/Triage/Request/{same.Id}")).Html;
        Assert.DoesNotContain("match-warning", html, StringComparison.Ordinal);
        Assert.Contains("Matched on NHS number and date of birth: Ada Triagetest", html, StringComparison.Ordinal);
        Assert.Matches("(?s)id=\"record-contact\">\\s*Phone: 07700 900123<br>\\s*Email: ada@example.com", html);

        // Someone else's name and mobile with the patient's NHS number and date of birth: said plainly, with the record's.
        var other = await MatchedRequestAsync("Eve", "Stranger", "07700900999", "ada@example.com");
        html = (await staff.GetAsync($"/Triage/Request/{other.Id}")).Html;
        var warning = Regex.Match(html, "(?s)<div class=\"nhsuk-warning-callout\" id=\"match-warning\">(.*?)</div>").Groups[1].Value;
        Assert.Contains("The details given differ from the record", warning, StringComparison.Ordinal);
        Assert.Contains("The name and mobile number given in the request are not the same as on the patient's record.", warning, StringComparison.Ordinal);
        Assert.Contains("Check who sent it before replying", warning, StringComparison.Ordinal);
        Assert.Contains("Phone: 07700 900123", html, StringComparison.Ordinal);
        Assert.Contains("not those on the record: see the warning above", html, StringComparison.Ordinal);

        // An email the record does not hold is a contact that may reach someone else, too.
        var email = await MatchedRequestAsync("Ada", "Triagetest", null, "someone@example.net");
        html = (await staff.GetAsync($"/Triage/Request/{email.Id}")).Html;
        Assert.Contains("The email address given in the request is not the same", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_urgent_symptom_questions_show_each_stored_answer_and_those_never_asked_as_not_asked()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        // As stored by an older form (or one changed by hand): an answer for two questions only, one of them a yes.
        await world.WithDbAsync(db => db.ConsultationRequests.Where(r => r.Id == request.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.RedFlagAnswers, "chest-pain=no;breathing=yes;stroke=unanswered")));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync($"/Triage/Request/{request.Id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("Answered no to all", html, StringComparison.Ordinal);
        string AnswerTo(string code) => Regex.Match(html, $"<li data-code=\"{code}\">[^<]*<strong>([^<]*)</strong></li>").Groups[1].Value;
        Assert.Equal("No", AnswerTo("chest-pain"));
        Assert.Equal("Yes", AnswerTo("breathing"));
        Assert.Equal("Not answered", AnswerTo("stroke"));
        Assert.All(RedFlags.Questions.Skip(3), q => Assert.Equal("Not asked", AnswerTo(q.Code)));
        Assert.Contains(WebUtility.HtmlEncode(RedFlags.Questions[0].Question), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_can_be_assigned_only_to_the_practices_own_staff_chosen_from_a_list_of_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var nurse = await AddStaffAsync(world, world.PracticeA.Id, "nurse");
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        var options = Regex.Match(page, "(?s)<select[^>]*name=\"AssignTo\"[^>]*>(.*?)</select>").Groups[1].Value;
        var values = Regex.Matches(options, "<option[^>]*value=\"([^\"]*)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Equal(new[] { "", world.PracticeStaffA, nurse }.Order(StringComparer.Ordinal), values.Order(StringComparer.Ordinal));
        Assert.Contains(">Dr nurse (" + nurse + ")<", options, StringComparison.Ordinal);

        // Typed by hand (or a list out of date): a name nobody signs in as, another practice's staff, a hub clinician.
        foreach (var stranger in new[] { "dr.nobody", world.PracticeStaffB, world.HubClinician })
        {
            var (response, body) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = stranger, ["Version"] = "1" }, page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("<a href=\"#AssignTo\">Choose someone on this practice&#x27;s staff</a>", body, StringComparison.Ordinal);
        }

        var unchanged = await ReloadAsync(world, request.Id);
        Assert.Null(unchanged.AssignedTo);
        Assert.Equal(1, unchanged.Version);
        Assert.DoesNotContain("consultation.assign", await AuditActionsAsync(world, request.Id));

        var (assigned, _) = await ActAsync(staff, request.Id, "Assign", new() { ["AssignTo"] = nurse, ["Version"] = "1" }, page);
        Assert.Equal(HttpStatusCode.Redirect, assigned.StatusCode);
        Assert.Equal(nurse, (await ReloadAsync(world, request.Id)).AssignedTo);
    }

    [Fact]
    public async Task Closing_a_request_whose_patient_has_had_no_reply_needs_a_message_telling_them_the_outcome_sent_with_the_close()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.Contains("Required: the patient has not had a reply from the practice yet", page, StringComparison.Ordinal);

        // Closed in silence, the patient would wait for a reply that never comes: refused, and nothing changes.
        var (response, body) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "SelfCare", ["Note"] = "Advice given", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey"), ["Version"] = HiddenValue(page, "Version") }, page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#OutcomeMessage\">Enter a message telling the patient the outcome: they have not had a reply from the practice yet</a>", body, StringComparison.Ordinal);
        var still = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.New, 1), (still.Status, still.Version));
        Assert.False(await world.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage)));
        Assert.DoesNotContain("consultation.close", await AuditActionsAsync(world, request.Id));

        // With the outcome in words, the message is queued on every contact given and the request closes, together.
        (response, body) = await ActAsync(staff, request.Id, "Close", new() { ["Outcome"] = "SelfCare", ["Note"] = "Advice given", ["OutcomeMessage"] = "We have looked at your request: a pharmacist can help with this.", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey"), ["Version"] = HiddenValue(page, "Version") }, page);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, body);
        var closed = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.Closed, ConsultationOutcome.SelfCare), (closed.Status, closed.Outcome));
        var messages = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([NotificationChannel.Sms, NotificationChannel.Email], messages.Select(m => m.Channel));
        Assert.All(messages, m => Assert.Contains("a pharmacist can help with this.", m.Personalisation, StringComparison.Ordinal));
        Assert.Contains("consultation.message", await AuditActionsAsync(world, request.Id));

        // A patient who has had a message already can be closed on without another.
        var messaged = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        page = (await staff.GetAsync($"/Triage/Request/{messaged.Id}")).Html;
        (response, _) = await ActAsync(staff, messaged.Id, "Message", new() { ["Message"] = "Please book with reception.", ["MessageKey"] = HiddenValue(page, "MessageKey") }, page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        page = (await staff.GetAsync($"/Triage/Request/{messaged.Id}")).Html;
        Assert.Contains("Optional: the patient has had a message about this request already", page, StringComparison.Ordinal);
        (response, body) = await ActAsync(staff, messaged.Id, "Close", new() { ["Outcome"] = "SignpostedElsewhere", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey"), ["Version"] = HiddenValue(page, "Version") }, page);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, body);
        Assert.Equal(2, await world.WithDbAsync(db => db.OutboxMessages.CountAsync(m => m.ConsultationRequestId == messaged.Id && m.Kind == NotificationKind.ConsultationMessage)));

        // A duplicate, or a request not from the patient, is closed with no further action and a note saying why, without
        // replying to contacts that may not be the patient's; without the note it is refused.
        var suspect = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        page = (await staff.GetAsync($"/Triage/Request/{suspect.Id}")).Html;
        (response, body) = await ActAsync(staff, suspect.Id, "Close", new() { ["Outcome"] = "Closed", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey"), ["Version"] = HiddenValue(page, "Version") }, page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#Note\">Say why the request is closed with no further action", body, StringComparison.Ordinal);
        (response, body) = await ActAsync(staff, suspect.Id, "Close", new() { ["Outcome"] = "Closed", ["Note"] = "Duplicate of an earlier request", ["OutcomeMessageKey"] = HiddenValue(page, "OutcomeMessageKey"), ["Version"] = HiddenValue(page, "Version") }, page);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, body);
        Assert.Equal((ConsultationStatus.Closed, ConsultationOutcome.Closed), ((await ReloadAsync(world, suspect.Id)).Status, (await ReloadAsync(world, suspect.Id)).Outcome));
        Assert.False(await world.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.ConsultationRequestId == suspect.Id && m.Kind == NotificationKind.ConsultationMessage)));
    }

    [Theory]
    [InlineData("ا")] // Urdu alif: six characters once escaped as JSON
    [InlineData("😀")] // an emoji: two UTF-16 units, twelve characters escaped
    public async Task A_message_by_email_only_at_its_length_limit_in_any_script_is_queued_whole(string character)
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: null);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.Equal(2, Regex.Count(page, "Do not include clinical detail[^\"]*? 1000 characters or fewer\\."));
        var message = string.Concat(Enumerable.Repeat(character, TriageService.MaxMessageLength));

        var (response, _) = await ActAsync(staff, request.Id, "Message", new() { ["Message"] = message, ["MessageKey"] = HiddenValue(page, "MessageKey") }, page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var queued = Assert.Single(await QueuedMessagesAsync(world, request.Id));
        Assert.Equal(NotificationChannel.Email, queued.Channel);
        Assert.Equal(message, System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(queued.Personalisation)!["message"]);
    }

    /// <summary>
    /// Notify refuses a text over 918 characters once its placeholders are filled in: a message that long would be
    /// queued, fail at every retry and never reach the patient.
    /// </summary>
    [Theory]
    [InlineData("Message")]
    [InlineData("Close")]
    public async Task A_message_that_goes_by_text_must_leave_room_for_the_template_the_practice_name_and_the_reference(string handler)
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var room = TextMessageLimit.RoomBeside(world.PracticeA.Name, request.Reference);
        Assert.InRange(room, 1, TriageService.MaxMessageLength - 1);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.Equal(2, Regex.Count(page, $"Do not include clinical detail[^\"]*? {room} characters or fewer\\."));

        var (field, keyField) = handler == "Message" ? ("Message", "MessageKey") : ("OutcomeMessage", "OutcomeMessageKey");
        Dictionary<string, string> Form(string text) => handler == "Message"
            ? new() { [field] = text, [keyField] = HiddenValue(page, keyField) }
            : new() { ["Outcome"] = "SelfCare", [field] = text, [keyField] = HiddenValue(page, keyField), ["Version"] = HiddenValue(page, "Version") };

        var (response, body) = await ActAsync(staff, request.Id, handler, Form(new string('a', room + 1)), page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"<a href=\"#{field}\">The message must be {room} characters or fewer: it goes to the patient by text too", body, StringComparison.Ordinal);
        Assert.Empty(await QueuedMessagesAsync(world, request.Id));
        Assert.NotEqual(ConsultationStatus.Closed, (await ReloadAsync(world, request.Id)).Status);

        var message = string.Concat(Enumerable.Repeat("😀", room));
        (response, body) = await ActAsync(staff, request.Id, handler, Form(message), page);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, body);
        var queued = await QueuedMessagesAsync(world, request.Id);
        Assert.Equal([NotificationChannel.Sms, NotificationChannel.Email], queued.Select(m => m.Channel));
        Assert.All(queued, m => Assert.Equal(message, System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(m.Personalisation)!["message"]));
    }

    private static Task<List<OutboxMessage>> QueuedMessagesAsync(TestWorld world, long requestId) =>
        world.WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.ConsultationRequestId == requestId && m.Kind == NotificationKind.ConsultationMessage).OrderBy(m => m.Id).ToListAsync());

    [Fact]
    public async Task A_message_lands_in_the_outbox_with_the_request_id_once_per_form()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (response, body) = await ActAsync(staff, request.Id, "Message", new() { ["Message"] = "", ["MessageKey"] = "abc" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<a href=\"#Message\">Enter the message to the patient</a>", body, StringComparison.Ordinal);

        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        var fields = new Dictionary<string, string> { ["Message"] = "Please collect your fit note from reception.", ["MessageKey"] = HiddenValue(page, "MessageKey") };
        (response, _) = await ActAsync(staff, request.Id, "Message", fields, page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        (response, _) = await ActAsync(staff, request.Id, "Message", fields, page); // the same form again
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var messages = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([NotificationChannel.Sms, NotificationChannel.Email], messages.Select(m => m.Channel));
        Assert.All(messages, m =>
        {
            Assert.Null(m.AppointmentId);
            Assert.Equal(OutboxStatus.Pending, m.Status);
            Assert.Equal($"forward-consultationmessage-{m.Channel.ToString().ToLowerInvariant()}", m.TemplateId);
            Assert.Contains("Please collect your fit note from reception.", m.Personalisation, StringComparison.Ordinal);
            Assert.Contains(request.Reference, m.Personalisation, StringComparison.Ordinal);
        });

        var reloaded = await ReloadAsync(world, request.Id);
        Assert.Contains(reloaded.History, e => e.What == "Message sent to the patient (text, email)");
        Assert.DoesNotContain(reloaded.History, e => e.What.Contains("fit note", StringComparison.Ordinal));
        var audit = await world.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(a => a.Action == "consultation.message" && a.EntityId == Id(request.Id)).ToListAsync());
        Assert.DoesNotContain("fit note", Assert.Single(audit).Detail ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_queue_longer_than_a_page_is_paged_so_every_request_can_be_reached()
    {
        var world = await TestWorld.CreateAsync(factory);
        var added = new List<ConsultationRequest>();
        for (var i = 0; i < TriageService.QueuePageSize + 5; i++)
        {
            added.Add(await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5).AddMinutes(i), summary: $"Queue item {i:D3}"));
        }

        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var first = (await staff.GetAsync("/Triage")).Html;
        var second = (await staff.GetAsync("/Triage?Status=new&PageNumber=2")).Html;
        var pastTheEnd = (await staff.GetAsync("/Triage?Status=new&PageNumber=99")).Html;

        static List<string> References(string html) => Regex.Matches(html, "data-reference=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(added.Take(TriageService.QueuePageSize).Select(r => r.Reference), References(first));
        Assert.Equal(added.Skip(TriageService.QueuePageSize).Select(r => r.Reference), References(second));
        Assert.Equal(References(second), References(pastTheEnd));
        Assert.Contains("href=\"/Triage?Status=new&amp;PageNumber=2\"", first, StringComparison.Ordinal);
        Assert.Contains("rel=\"prev\"", second, StringComparison.Ordinal);

        // A hand-typed page that is no number: the error summary says why (the title already said "Error"), above the
        // first page; the summary links to no field, as there is none.
        var notANumber = (await staff.GetAsync("/Triage?Status=new&PageNumber=abc")).Html;
        Assert.Contains("<title>Error: ", notANumber, StringComparison.Ordinal);
        Assert.Contains("nhsuk-error-summary", notANumber, StringComparison.Ordinal);
        Assert.Contains("<li>Page must be a whole number</li>", notANumber, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#PageNumber\"", notANumber, StringComparison.Ordinal);
        Assert.Equal(References(first), References(notANumber));
    }

    [Fact]
    public async Task A_page_opened_before_a_colleague_closed_the_request_cannot_message_the_patient()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        var colleague = new Actor("dr.colleague", Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TriageService>().CloseAsync(request.Id, ConsultationOutcome.SelfCare, null, "Please see your pharmacist.", FormKeys.New(), colleague, 1);
        }

        var (response, body) = await ActAsync(staff, request.Id, "Message", new() { ["Message"] = "We will call you today.", ["MessageKey"] = HiddenValue(page, "MessageKey") }, page);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This request is closed and cannot be changed.", body, StringComparison.Ordinal);
        // Only the colleague's close told the patient anything.
        var queued = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage).Select(m => m.Personalisation).ToListAsync());
        Assert.Equal(2, queued.Count);
        Assert.All(queued, p => Assert.DoesNotContain("We will call you today.", p, StringComparison.Ordinal));
        Assert.Single((await ReloadAsync(world, request.Id)).History, e => e.What.StartsWith("Message sent", StringComparison.Ordinal));
    }

    /// <summary>
    /// The booking keeps the number it is given as the patient's and texts their other reminders there, so a request
    /// matched to a record pre-fills the record's number, not one typed on a form that may not be the patient's (old
    /// code: the typed mobile).
    /// </summary>
    [Fact]
    public async Task Booking_from_a_matched_request_pre_fills_the_name_and_number_on_the_patients_record()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: "07700900999");
        await world.WithDbAsync(async db =>
        {
            // Her record has her married name: the request has the one she typed.
            var patient = new Patient { NhsNumber = request.NhsNumber, GivenName = "Adaline", FamilyName = "Marriedname", DateOfBirth = new DateOnly(1980, 1, 2), Phone = "07700 900111", RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(patient);
            await db.SaveChangesAsync();
            return await db.ConsultationRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.PatientId, patient.Id));
        });
        var slot = (await world.FreeSlotsAsync())[0];
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, book) = await staff.GetAsync($"/Booking/Book?slotId={slot.Id}&practice={world.PracticeA.OdsCode}&consultation={request.Id}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("07700 900111", HiddenValue(book, "Input.Phone"));

        // The record's name too, which the booking checks (old code: the typed "Triagetest", refused as not matching).
        Assert.Equal(("Adaline", "Marriedname"), (HiddenValue(book, "Input.GivenName"), HiddenValue(book, "Input.FamilyName")));
    }

    [Fact]
    public async Task Booking_from_a_request_books_that_patient_and_closes_the_request_as_booked()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var slot = (await world.FreeSlotsAsync())[0];
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var detail = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.Contains($"href=\"/Booking/Find?consultation={request.Id}\"", detail, StringComparison.Ordinal);

        var (status, find) = await staff.GetAsync($"/Booking/Find?consultation={request.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"Booking for online request <strong>{request.Reference}</strong>", find, StringComparison.Ordinal);
        var bookUrl = $"/Booking/Book?slotId={slot.Id}&practice={world.PracticeA.OdsCode}&consultation={request.Id}";
        Assert.Contains(WebUtility.HtmlEncode(bookUrl), find, StringComparison.Ordinal);

        (status, var book) = await staff.GetAsync(bookUrl);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(request.NhsNumber, HiddenValue(book, "Input.NhsNumber"));
        Assert.Equal("Ada", HiddenValue(book, "Input.GivenName"));
        Assert.Equal("Triagetest", HiddenValue(book, "Input.FamilyName"));
        Assert.Equal(("02", "01", "1980"), (HiddenValue(book, "Input.DateOfBirth.Day"), HiddenValue(book, "Input.DateOfBirth.Month"), HiddenValue(book, "Input.DateOfBirth.Year")));
        Assert.Equal("07700900123", HiddenValue(book, "Input.Phone"));

        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PageClient.AntiforgeryToken(book)!,
            ["SlotId"] = HiddenValue(book, "SlotId"),
            ["Consultation"] = HiddenValue(book, "Consultation"),
            ["Input.IdempotencyKey"] = HiddenValue(book, "Input.IdempotencyKey"),
            ["Input.NhsNumber"] = HiddenValue(book, "Input.NhsNumber"),
            ["Input.GivenName"] = HiddenValue(book, "Input.GivenName"),
            ["Input.FamilyName"] = HiddenValue(book, "Input.FamilyName"),
            ["Input.DateOfBirth.Day"] = HiddenValue(book, "Input.DateOfBirth.Day"),
            ["Input.DateOfBirth.Month"] = HiddenValue(book, "Input.DateOfBirth.Month"),
            ["Input.DateOfBirth.Year"] = HiddenValue(book, "Input.DateOfBirth.Year"),
            ["Input.Phone"] = HiddenValue(book, "Input.Phone"),
            ["Input.Consent"] = nameof(RecordSharingConsent.Granted),
        };
        async Task<HttpResponseMessage> PostAsync()
        {
            using var content = new FormUrlEncodedContent(form);
            return await staff.Http.PostAsync(new Uri(bookUrl, UriKind.Relative), content);
        }

        var response = await PostAsync();
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith("/Booking/Confirmation/", location, StringComparison.Ordinal);

        var appointment = await world.WithDbAsync(db => db.Appointments.AsNoTracking().Include(a => a.Patient).SingleAsync(a => a.Patient!.NhsNumber == request.NhsNumber));
        Assert.Equal(world.PracticeA.Id, appointment.Patient!.RegisteredPracticeId);
        Assert.Equal(AppointmentStatus.Booked, appointment.Status);
        var closed = await ReloadAsync(world, request.Id);
        Assert.Equal(ConsultationStatus.Closed, closed.Status);
        Assert.Equal(ConsultationOutcome.BookAppointment, closed.Outcome);
        Assert.Equal(appointment.Id, closed.BookedAppointmentId);
        Assert.Equal(appointment.PatientId, closed.PatientId);
        Assert.True(await world.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.AppointmentId == appointment.Id && m.Kind == NotificationKind.BookingConfirmation)));

        // The same form again replays the booking; nothing new is booked and the request stays as it was.
        response = await PostAsync();
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == request.NhsNumber)));

        // A closed request books nothing more: another slot, a fresh form, refused with a message.
        var other = (await world.FreeSlotsAsync(slot.EndUtc))[0];
        var again = await staff.GetAsync($"/Booking/Book?slotId={other.Id}&consultation={request.Id}");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains("This request is closed and cannot be changed.", again.Html, StringComparison.Ordinal);
        form["SlotId"] = Id(other.Id);
        form["Input.IdempotencyKey"] = HiddenValue(again.Html, "Input.IdempotencyKey");
        string refusedHtml;
        form["__RequestVerificationToken"] = PageClient.AntiforgeryToken(again.Html)!;
        using (var content = new FormUrlEncodedContent(form))
        {
            var refused = await staff.Http.PostAsync(new Uri($"/Booking/Book?slotId={other.Id}&consultation={request.Id}", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            refusedHtml = await refused.Content.ReadAsStringAsync();
            Assert.Contains("This request is closed and cannot be changed.", refusedHtml, StringComparison.Ordinal);
        }

        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == request.NhsNumber)));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.AsNoTracking().SingleAsync(s => s.Id == other.Id)).Status));

        // Booked already, the request stays on the form and keeps refusing, saying which appointment it was booked as: the
        // patient is not booked twice for it (an earlier version dropped it and offered the slot unlinked).
        var bookedAlready = $"This request has been booked already, as appointment {appointment.Id}.";
        Assert.Contains(bookedAlready, again.Html, StringComparison.Ordinal);
        Assert.Contains(bookedAlready, refusedHtml, StringComparison.Ordinal);
        Assert.Equal(Id(request.Id), HiddenValue(refusedHtml, "Consultation"));
        Assert.DoesNotContain("You can still book this slot", refusedHtml, StringComparison.Ordinal);

        var actions = await AuditActionsAsync(world, request.Id);
        Assert.Single(actions, "consultation.close");
        Assert.Contains("consultation.view", actions);
        Assert.True(await world.WithDbAsync(db => db.AuditEvents.AnyAsync(a => a.Action == "appointment.book" && a.EntityId == Id(appointment.Id))));
    }

    [Fact]
    public async Task A_request_closed_without_a_booking_while_its_form_was_open_leaves_the_slot_bookable_unlinked()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var slot = (await world.FreeSlotsAsync())[0];
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var bookUrl = $"/Booking/Book?slotId={slot.Id}&practice={world.PracticeA.OdsCode}&consultation={request.Id}";
        var book = (await staff.GetAsync(bookUrl)).Html;

        // A colleague closes it as self care meanwhile.
        using (var scope = factory.Services.CreateScope())
        {
            var colleague = new Actor("dr.colleague", Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
            await scope.ServiceProvider.GetRequiredService<TriageService>().CloseAsync(request.Id, ConsultationOutcome.SelfCare, null, "Please see your pharmacist.", FormKeys.New(), colleague, null);
        }

        var form = BookForm(book);
        async Task<HttpResponseMessage> PostAsync()
        {
            using var content = new FormUrlEncodedContent(form);
            return await staff.Http.PostAsync(new Uri(bookUrl, UriKind.Relative), content);
        }

        // Refused as closed; the form drops the request (an empty field, though the address still names it) and says so.
        using var refused = await PostAsync();
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("This request is closed and cannot be changed.", refusedHtml, StringComparison.Ordinal);
        Assert.Contains("You can still book this slot for the patient.", refusedHtml, StringComparison.Ordinal);
        Assert.Equal(string.Empty, HiddenValue(refusedHtml, "Consultation"));

        // Sent again from that page: booked for the patient, not linked to the request (old code: refused as closed again).
        form["Consultation"] = HiddenValue(refusedHtml, "Consultation");
        form["__RequestVerificationToken"] = PageClient.AntiforgeryToken(refusedHtml)!;
        using var booked = await PostAsync();
        Assert.Equal(HttpStatusCode.Redirect, booked.StatusCode);
        Assert.Equal(SlotStatus.Booked, await world.WithDbAsync(async db => (await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)).Status));
        var closed = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationOutcome.SelfCare, (long?)null), (closed.Outcome, closed.BookedAppointmentId));
    }

    /// <summary>The Book page's form as the browser would send it back, with the record-sharing question answered.</summary>
    private static Dictionary<string, string> BookForm(string book) => new()
    {
        ["__RequestVerificationToken"] = PageClient.AntiforgeryToken(book)!,
        ["SlotId"] = HiddenValue(book, "SlotId"),
        ["Consultation"] = HiddenValue(book, "Consultation"),
        ["Input.IdempotencyKey"] = HiddenValue(book, "Input.IdempotencyKey"),
        ["Input.NhsNumber"] = HiddenValue(book, "Input.NhsNumber"),
        ["Input.GivenName"] = HiddenValue(book, "Input.GivenName"),
        ["Input.FamilyName"] = HiddenValue(book, "Input.FamilyName"),
        ["Input.DateOfBirth.Day"] = HiddenValue(book, "Input.DateOfBirth.Day"),
        ["Input.DateOfBirth.Month"] = HiddenValue(book, "Input.DateOfBirth.Month"),
        ["Input.DateOfBirth.Year"] = HiddenValue(book, "Input.DateOfBirth.Year"),
        ["Input.Phone"] = HiddenValue(book, "Input.Phone"),
        ["Input.Consent"] = nameof(RecordSharingConsent.Granted),
    };

    private static async Task<(HttpStatusCode Status, string Html)> PostBookAsync(PageClient staff, string bookUrl, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        var response = await staff.Http.PostAsync(new Uri(bookUrl, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The booking form starts with the request's patient, but every field can be typed over. A booking made from the
    /// request is the request's answer, so it must be for the patient who sent it: another NHS number or date of birth is
    /// refused on the field, and nothing is booked or closed (old code: the request closed "booked" with someone else's
    /// appointment, its own patient had none and was told nothing, and the request showed as matched to the other patient).
    /// </summary>
    [Fact]
    public async Task Booking_from_a_request_for_another_nhs_number_or_date_of_birth_is_refused_and_saves_nothing()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var other = await world.WithDbAsync(async db =>
        {
            var patient = new Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Bea", FamilyName = "Otherpatient", DateOfBirth = new DateOnly(1975, 6, 7), Phone = "07700 900222", RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(patient);
            await db.SaveChangesAsync();
            return patient;
        });
        var slot = (await world.FreeSlotsAsync())[0];
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var bookUrl = $"/Booking/Book?slotId={slot.Id}&consultation={request.Id}";
        var book = (await staff.GetAsync(bookUrl)).Html;
        var expected = $"This request is from NHS number {Wording.NhsNumber(request.NhsNumber)}. To book someone else, book without the request";

        // Another patient of the practice, typed over the request's: refused on the NHS number, the form kept as typed.
        var form = BookForm(book);
        form["Input.NhsNumber"] = Wording.NhsNumber(other.NhsNumber);
        form["Input.GivenName"] = other.GivenName;
        form["Input.FamilyName"] = other.FamilyName;
        (form["Input.DateOfBirth.Day"], form["Input.DateOfBirth.Month"], form["Input.DateOfBirth.Year"]) = ("7", "6", "1975");
        var (status, html) = await PostBookAsync(staff, bookUrl, form);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"#Input_NhsNumber\">{expected}</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<span class=\"nhsuk-u-visually-hidden\">Error: </span>{expected}</span>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#Input_DateOfBirth\">This request is from someone born on 2 January 1980. To book someone else, book without the request</a>", html, StringComparison.Ordinal);
        Assert.Equal((Wording.NhsNumber(other.NhsNumber), "Otherpatient"), (HiddenValue(html, "Input.NhsNumber"), HiddenValue(html, "Input.FamilyName")));

        // The request's NHS number with another date of birth: refused on the date of birth alone.
        form = BookForm(book);
        form["Input.DateOfBirth.Year"] = "1981";
        (status, html) = await PostBookAsync(staff, bookUrl, form);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<a href=\"#Input_DateOfBirth\">This request is from someone born on 2 January 1980. To book someone else, book without the request</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<a href=\"#Input_NhsNumber\">", html, StringComparison.Ordinal);

        Assert.False(await world.WithDbAsync(db => db.Appointments.AnyAsync(a => a.PatientId == other.Id || a.Patient!.NhsNumber == request.NhsNumber)));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)).Status));
        var unchanged = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.New, null, null, null), (unchanged.Status, unchanged.Outcome, unchanged.BookedAppointmentId, unchanged.PatientId));
        Assert.DoesNotContain("consultation.close", await AuditActionsAsync(world, request.Id));
        var detail = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.DoesNotContain("Matched on NHS number and date of birth", detail, StringComparison.Ordinal);
        Assert.Contains("Not matched to a registered patient of this practice.", detail, StringComparison.Ordinal);

        // A request matched to a record: the same.
        var matched = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        await world.WithDbAsync(async db =>
        {
            var patient = new Patient { NhsNumber = matched.NhsNumber, GivenName = "Ada", FamilyName = "Triagetest", DateOfBirth = matched.DateOfBirth, Phone = "07700 900123", RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(patient);
            await db.SaveChangesAsync();
            return await db.ConsultationRequests.Where(r => r.Id == matched.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.PatientId, patient.Id));
        });
        bookUrl = $"/Booking/Book?slotId={slot.Id}&consultation={matched.Id}";
        form = BookForm((await staff.GetAsync(bookUrl)).Html);
        form["Input.NhsNumber"] = other.NhsNumber;
        form["Input.FamilyName"] = other.FamilyName;
        (form["Input.DateOfBirth.Day"], form["Input.DateOfBirth.Month"], form["Input.DateOfBirth.Year"]) = ("7", "6", "1975");
        (status, html) = await PostBookAsync(staff, bookUrl, form);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<a href=\"#Input_NhsNumber\">This request is from NHS number {Wording.NhsNumber(matched.NhsNumber)}. To book someone else, book without the request</a>", html, StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.Appointments.AnyAsync(a => a.PatientId == other.Id)));
        Assert.Equal(ConsultationStatus.New, (await ReloadAsync(world, matched.Id)).Status);
    }

    /// <summary>
    /// A booking that names its patient by record (as FHIR does) has no NHS number to check before it is made: the patient
    /// booked is checked inside the booking's transaction, which the refusal rolls back (old code: booked, and closed).
    /// </summary>
    [Fact]
    public async Task Booking_from_a_request_is_checked_against_the_patient_booked_and_rolled_back_when_it_is_someone_else()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var other = await world.WithDbAsync(async db =>
        {
            var patient = new Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Bea", FamilyName = "Otherpatient", DateOfBirth = new DateOnly(1975, 6, 7), Phone = "07700 900222", RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(patient);
            await db.SaveChangesAsync();
            return patient;
        });
        var slot = (await world.FreeSlotsAsync())[0];
        var actor = new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        var byRecord = new BookingRequest([slot.Id], new PatientDetails(null, null, null, null, null), null, null, RecordSharingConsent.Granted, Guid.NewGuid().ToString(), PatientId: other.Id);

        using (var scope = factory.Services.CreateScope())
        {
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => scope.ServiceProvider.GetRequiredService<TriageService>().BookFromRequestAsync(request.Id, byRecord, actor));
            Assert.Equal($"This request is from NHS number {Wording.NhsNumber(request.NhsNumber)}. To book someone else, book without the request", refused.Errors["NhsNumber"]);
        }

        Assert.False(await world.WithDbAsync(db => db.Appointments.AnyAsync(a => a.PatientId == other.Id)));
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.AsNoTracking().SingleAsync(s => s.Id == slot.Id)).Status));
        var unchanged = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.New, null, null), (unchanged.Status, unchanged.BookedAppointmentId, unchanged.PatientId));
    }

    /// <summary>
    /// A request the form matched to no one (the patient was not in Forward, or registered since) is booked as before
    /// with its own NHS number and date of birth, closes as booked and is matched to the patient then, by the form's rule.
    /// </summary>
    [Fact]
    public async Task An_unmatched_request_booked_with_its_own_nhs_number_closes_as_booked_and_is_matched_to_that_patient()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));

        // Registered since the request was sent, with her married name: the booking finds her by NHS number.
        var patient = await world.WithDbAsync(async db =>
        {
            var p = new Patient { NhsNumber = request.NhsNumber, GivenName = "Ada", FamilyName = "Marriedname", DateOfBirth = request.DateOfBirth, Phone = "07700 900111", RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(p);
            await db.SaveChangesAsync();
            return p;
        });
        var slot = (await world.FreeSlotsAsync())[0];
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var bookUrl = $"/Booking/Book?slotId={slot.Id}&consultation={request.Id}";
        var form = BookForm((await staff.GetAsync(bookUrl)).Html);
        form["Input.NhsNumber"] = Wording.NhsNumber(request.NhsNumber); // typed as printed: the same number
        form["Input.FamilyName"] = "Marriedname";

        using (var content = new FormUrlEncodedContent(form))
        {
            var response = await staff.Http.PostAsync(new Uri(bookUrl, UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        var appointment = await world.WithDbAsync(db => db.Appointments.AsNoTracking().SingleAsync(a => a.PatientId == patient.Id));
        var closed = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.Closed, ConsultationOutcome.BookAppointment, appointment.Id, patient.Id), (closed.Status, closed.Outcome!.Value, closed.BookedAppointmentId!.Value, closed.PatientId!.Value));
        var detail = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.Contains($"Matched on NHS number and date of birth: Ada Marriedname, NHS number {Wording.NhsNumber(request.NhsNumber)}, born 2 January 1980", detail, StringComparison.Ordinal);
    }

    /// <summary>
    /// A request linked to a record without its NHS number and date of birth (only a booking made before that was checked
    /// could do it) is not said to be matched on them (old code: "Matched on NHS number and date of birth: " the other patient).
    /// </summary>
    [Fact]
    public async Task A_request_linked_to_a_record_without_its_nhs_number_and_date_of_birth_is_not_shown_as_matched()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var other = await world.WithDbAsync(async db =>
        {
            var patient = new Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Bea", FamilyName = "Otherpatient", DateOfBirth = new DateOnly(1975, 6, 7), Phone = "07700 900222", Email = "bea@example.com", RegisteredPracticeId = world.PracticeA.Id };
            db.Patients.Add(patient);
            await db.SaveChangesAsync();
            await db.ConsultationRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.PatientId, patient.Id));
            return patient;
        });
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var html = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;

        Assert.DoesNotContain("Matched on NHS number and date of birth", html, StringComparison.Ordinal);
        Assert.Contains($"Not matched: booked for Bea Otherpatient, NHS number {Wording.NhsNumber(other.NhsNumber)}, born 7 June 1975, who does not have the NHS number and date of birth this request gave.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("bea@example.com", html, StringComparison.Ordinal); // not her contacts as the request's patient's record
        Assert.DoesNotContain("match-warning", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// Four staff book from one request at the same moment, each into a different slot: one booking is made and closes
    /// the request; the others are refused with a reason (the request changed, or is closed), never a server error, and
    /// book nothing.
    /// </summary>
    [Fact]
    public async Task Staff_booking_from_one_request_at_once_book_it_once_and_the_others_are_told_why()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        var slots = (await world.FreeSlotsAsync()).GroupBy(s => s.StartUtc).Select(g => g.First()).Take(4).ToList();
        var actor = new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);

        var outcomes = await Task.WhenAll(slots.Select(async slot =>
        {
            using var scope = factory.Services.CreateScope();
            var triage = scope.ServiceProvider.GetRequiredService<TriageService>();
            var booking = new BookingRequest([slot.Id], new PatientDetails(request.NhsNumber, "Ada", "Triagetest", new DateOnly(1980, 1, 2), "07700900123"), null, null, RecordSharingConsent.Granted, Guid.NewGuid().ToString());
            try
            {
                return (await triage.BookFromRequestAsync(request.Id, booking, actor)).Appointment.Id.ToString(CultureInfo.InvariantCulture);
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.Conflict)
            {
                return e.Code;
            }
        }));

        var booked = Assert.Single(outcomes, o => long.TryParse(o, out _));
        Assert.All(outcomes.Where(o => o != booked), code => Assert.True(code is "consultation-changed" or "consultation-closed", code));
        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.Patient!.NhsNumber == request.NhsNumber)));
        Assert.Equal(long.Parse(booked, CultureInfo.InvariantCulture), (await ReloadAsync(world, request.Id)).BookedAppointmentId);
    }

    /// <summary>
    /// A booking's confirmation goes to the record's mobile or email. With only a landline there, the contacts the request
    /// gave are told of the appointment instead (old code: nobody was told, and the request closed as answered).
    /// </summary>
    [Fact]
    public async Task Booking_from_a_request_for_a_patient_with_only_a_landline_tells_the_contacts_the_request_gave()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: null, email: "ada@example.com");
        var slot = (await world.FreeSlotsAsync())[0];
        var actor = new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        var landline = new BookingRequest([slot.Id], new PatientDetails(request.NhsNumber, "Ada", "Triagetest", new DateOnly(1980, 1, 2), "01632 960001"), null, null, RecordSharingConsent.Granted, Guid.NewGuid().ToString());

        long appointmentId;
        using (var scope = factory.Services.CreateScope())
        {
            appointmentId = (await scope.ServiceProvider.GetRequiredService<TriageService>().BookFromRequestAsync(request.Id, landline, actor)).Appointment.Id;
        }

        Assert.False(await world.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.AppointmentId == appointmentId)));
        var told = Assert.Single(await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage).ToListAsync()));
        Assert.Equal((NotificationChannel.Email, "ada@example.com"), (told.Channel, told.Recipient));
        Assert.Contains("on Monday 8 June 2026 at 18:30", told.Personalisation, StringComparison.Ordinal);
        var closed = await ReloadAsync(world, request.Id);
        Assert.Equal((ConsultationStatus.Closed, appointmentId), (closed.Status, closed.BookedAppointmentId!.Value));

        // Sent, then cancelled: the same contacts are told (old code: told of the booking, never of its cancellation).
        await factory.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        Assert.Equal(OutboxStatus.Sent, (await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == told.Id))).Status);
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<BookingService>().CancelAsync(appointmentId, "Clinician unwell", actor);
        }

        var messages = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(2, messages.Count);
        Assert.Equal((NotificationChannel.Email, "ada@example.com"), (messages[1].Channel, messages[1].Recipient));
        Assert.Contains("on Monday 8 June 2026 at 18:30 has been cancelled", messages[1].Personalisation, StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.OutboxMessages.AnyAsync(m => m.AppointmentId == appointmentId)));

        // Cancelled while the booking message still waits (a send being retried): that message is withdrawn, and the
        // "cancelled" queued behind it is dropped once it is clear "booked" never went, rather than arriving alone.
        var second = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: null, email: "ada@example.com");
        var secondSlot = (await world.FreeSlotsAsync())[0];
        long secondAppointment;
        using (var scope = factory.Services.CreateScope())
        {
            secondAppointment = (await scope.ServiceProvider.GetRequiredService<TriageService>().BookFromRequestAsync(second.Id, landline with { SlotIds = [secondSlot.Id], Patient = landline.Patient with { NhsNumber = second.NhsNumber }, IdempotencyKey = Guid.NewGuid().ToString() }, actor)).Appointment.Id;
            await scope.ServiceProvider.GetRequiredService<BookingService>().CancelAsync(secondAppointment, "Clinician unwell", actor);
        }

        var waiting = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == second.Id).OrderBy(m => m.Id).ToListAsync());
        Assert.Equal([OutboxStatus.Cancelled, OutboxStatus.Pending], waiting.Select(m => m.Status));
        await factory.Services.GetRequiredService<OutboxDispatcher>().DispatchDueAsync();
        var dropped = await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == waiting[1].Id));
        Assert.Equal((OutboxStatus.Cancelled, "booked-message-not-sent"), (dropped.Status, dropped.LastError));

        // The request page says the booking it was closed with is cancelled (old code: still "Appointment booked", nothing more).
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Matches("id=\"outcome\"[\\s\\S]*data-booked-status>Cancelled<", (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html);
    }

    /// <summary>A telephone appointment booked from a request is told as a call, not as a visit (old code: "at the hub (its address)").</summary>
    [Fact]
    public async Task A_telephone_appointment_booked_from_a_request_is_told_as_a_call_from_the_hub()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), mobile: null, email: "ada@example.com");
        var slot = await world.WithDbAsync(db => db.Slots.AsNoTracking()
            .Where(s => s.HubId == world.HubId && s.Mode == DeliveryMode.Telephone && s.Status == SlotStatus.Free && s.StartUtc > Now)
            .OrderBy(s => s.StartUtc).FirstAsync());
        var actor = new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        var landline = new BookingRequest([slot.Id], new PatientDetails(request.NhsNumber, "Ada", "Triagetest", new DateOnly(1980, 1, 2), "01632 960001"), null, null, RecordSharingConsent.Granted, Guid.NewGuid().ToString());
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TriageService>().BookFromRequestAsync(request.Id, landline, actor);
        }

        var told = Assert.Single(await world.WithDbAsync(db => db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage).ToListAsync()));
        var text = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(told.Personalisation)!["message"];
        Assert.StartsWith("The practice has booked you a telephone appointment on Monday 8 June 2026 at 18:30. A clinician from Test Hub ", text, StringComparison.Ordinal);
        Assert.Contains("will phone you at that time. You do not need to go to the hub.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Testford", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_book_page_is_unchanged_without_a_request()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync($"/Booking/Book?slotId={slot.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("booking-for-request", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Consultation\"", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr role=\"row\" class=\"nhsuk-table__row\" data-reference=\"([^\"]+)\"")]
    private static partial Regex QueueRow();

    [GeneratedRegex("nhsuk-tag--red\">Overdue<")]
    private static partial Regex OverdueTag();

    [Fact]
    public async Task A_reply_that_failed_to_send_does_not_count_as_the_patient_having_been_told()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5), email: null);
        var me = new Actor(world.PracticeStaffA, Roles.PracticeStaff, world.PracticeA.Id, null, null, world.PracticeA.OdsCode);
        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<TriageService>().MessageAsync(request.Id, "We have looked at your request.", FormKeys.New(), me);
        }

        // The sender gave up on the only message (a text: the request gave no email).
        await world.WithDbAsync(db => db.OutboxMessages
            .Where(m => m.ConsultationRequestId == request.Id && m.Kind == NotificationKind.ConsultationMessage)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Failed).SetProperty(m => m.LastError, "too-many-attempts")));

        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        Assert.DoesNotContain("Optional: the patient has had a message about this request already", page, StringComparison.Ordinal); // old code: said so
        Assert.Contains("Required: the patient has not had a reply from the practice yet", page, StringComparison.Ordinal);
        Assert.Contains("A message to the patient could not be sent, so they have not had it.", page, StringComparison.Ordinal);

        using (var scope = factory.Services.CreateScope())
        {
            var refused = await Assert.ThrowsAsync<ValidationFailedException>(() =>
                scope.ServiceProvider.GetRequiredService<TriageService>().CloseAsync(request.Id, ConsultationOutcome.SelfCare, null, null, FormKeys.New(), me, 1));
            Assert.Contains("OutcomeMessage", refused.Errors.Keys); // old code: closed, the patient never told
        }

        Assert.Equal(ConsultationStatus.New, (await world.WithDbAsync(db => db.ConsultationRequests.AsNoTracking().SingleAsync(r => r.Id == request.Id))).Status);
    }

    [Fact]
    public async Task A_description_typed_on_several_lines_is_shown_on_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        await world.WithDbAsync(db => db.ConsultationRequests.Where(r => r.Id == request.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Details, "Medicines:\nparacetamol\nibuprofen")));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var page = (await staff.GetAsync($"/Triage/Request/{request.Id}")).Html;
        var (_, css) = await staff.GetAsync("/css/site.css");

        // Old code: the lines ran together into one ("Medicines: paracetamol ibuprofen") as HTML collapses line breaks.
        Assert.Contains("class=\"nhsuk-summary-list__value forward-free-text\" id=\"details\">Medicines:&#xA;paracetamol&#xA;ibuprofen</dd>", page, StringComparison.Ordinal);
        Assert.Matches(@"\.forward-free-text \{\s*white-space: pre-line;", css);
    }

    [Fact]
    public async Task A_probe_of_another_practices_request_from_the_booking_pages_is_audited_as_denied()
    {
        var world = await TestWorld.CreateAsync(factory);
        var request = await AddRequestAsync(world, world.PracticeA.Id, Now.AddHours(5));
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);

        Assert.Equal(HttpStatusCode.NotFound, (await staffB.GetAsync($"/Booking/Find?consultation={request.Id}")).Status);

        // Old code: a 404 and no trace, where the triage page's own 404 is audited for the practice whose request it is.
        var denied = await world.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(a => a.Action == AuditActions.ConsultationViewDenied && a.EntityId == Id(request.Id)).ToListAsync());
        var entry = Assert.Single(denied);
        Assert.Equal(world.PracticeStaffB, entry.Actor);
        Assert.Equal(world.PracticeA.Id, entry.PracticeId);
    }
}
