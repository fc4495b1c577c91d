using System.Net;
using Forward.Domain.Audit;
using Forward.Domain.Navigation;
using Forward.Web.Tests.Infrastructure;
using Forward.Web.Tests.Pages;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Navigation;

/// <summary>The care-navigation directory, the signposting log and the training register over <see cref="TestWorld"/>s.</summary>
public sealed class NavigationPagesTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static LocalService Service(TestWorld world, string code, ServiceCategory category, string name, string keywords, bool synthetic = false) => new()
    {
        Code = $"{world.Prefix}-{code}",
        CcgId = world.CcgId,
        Category = category,
        Name = name,
        WhoFor = "Adults registered in the CCG",
        HowToRefer = "Walk in or phone",
        Hours = "Monday to Friday 9am to 5pm",
        Phone = "0116 000 0000",
        Keywords = keywords,
        IsSynthetic = synthetic,
        Source = "test",
    };

    /// <summary>Four services in the world's CCG; returns their ids (pharmacy, optician, physio, talking therapies).</summary>
    private static Task<(int Pharmacy, int Optician, int Physio, int Talking)> DirectoryAsync(TestWorld world) => world.WithDbAsync(async db =>
    {
        var pharmacy = Service(world, "PHARM", ServiceCategory.CommunityPharmacy, $"{world.Prefix} Pharmacy", "cough cold medicine");
        var optician = Service(world, "OPT", ServiceCategory.Optician, $"{world.Prefix} Eye Care", "eyes glasses red-eye", synthetic: true);
        var physio = Service(world, "PHYSIO", ServiceCategory.PhysioSelfReferral, $"{world.Prefix} Physio", "back pain joints");
        var talking = Service(world, "TALK", ServiceCategory.TalkingTherapies, $"{world.Prefix} Wellbeing service", "wellbeing");
        db.LocalServices.AddRange(pharmacy, optician, physio, talking);
        await db.SaveChangesAsync();
        return (pharmacy.Id, optician.Id, physio.Id, talking.Id);
    });

    private static void AssertForbidden(HttpStatusCode status) => Assert.Equal(HttpStatusCode.Forbidden, status);

    [Fact]
    public async Task Keyword_search_finds_the_right_entries_in_the_users_ccg_only()
    {
        var world = await TestWorld.CreateAsync(factory);
        var other = await TestWorld.CreateAsync(factory);
        var ids = await DirectoryAsync(world);
        var otherIds = await DirectoryAsync(other);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var (status, html) = await staff.GetAsync("/Navigation?Q=EYE");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-service=\"{ids.Optician}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-service=\"{ids.Pharmacy}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-service=\"{otherIds.Optician}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-synthetic>Synthetic</strong>", html, StringComparison.Ordinal);
        Assert.Contains($"/Navigation/Signpost?serviceId={ids.Optician}", html, StringComparison.Ordinal);
        Assert.Contains("Local services</strong>", html, StringComparison.Ordinal); // header navigation, current page

        // Every word must match: "back pain" finds the physio only.
        var back = (await staff.GetAsync("/Navigation?Q=back+pain")).Html;
        Assert.Contains($"data-service=\"{ids.Physio}\"", back, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-service=\"{ids.Optician}\"", back, StringComparison.Ordinal);

        // The category's name as the page shows it, a need in everyday words and plurals find its services too (old code:
        // only the service's own words matched, so "minor injuries" or "mental health" found nothing).
        foreach (var search in new[] { "Community+pharmacy", "prescriptions", "chemists", "sore+throat" })
        {
            var found = (await staff.GetAsync("/Navigation?Q=" + search)).Html;
            Assert.Contains($"data-service=\"{ids.Pharmacy}\"", found, StringComparison.Ordinal);
            Assert.DoesNotContain($"data-service=\"{ids.Optician}\"", found, StringComparison.Ordinal);
        }

        Assert.Contains($"data-service=\"{ids.Physio}\"", (await staff.GetAsync("/Navigation?Q=sprains")).Html, StringComparison.Ordinal);

        // Either number finds a word written in the other (old code: "rashes" looked for "rashe", and "therapy" never
        // found "therapies"), and a category's words count whole (old code: "the" found every therapy).
        foreach (var (search, id) in new[] { ("rashes", ids.Pharmacy), ("coughs", ids.Pharmacy), ("eye+glass", ids.Optician), ("joint", ids.Physio), ("talking+therapy", ids.Talking), ("stresses", ids.Talking) })
        {
            Assert.Contains($"data-service=\"{id}\"", (await staff.GetAsync("/Navigation?Q=" + search)).Html, StringComparison.Ordinal);
        }

        var partOfACategoryWord = (await staff.GetAsync("/Navigation?Q=ailm")).Html; // in "ailment", a pharmacy's need
        Assert.DoesNotContain($"data-service=\"{ids.Pharmacy}\"", partOfACategoryWord, StringComparison.Ordinal);

        // No search: the whole directory of the user's CCG and nothing of the other's.
        var all = (await staff.GetAsync("/Navigation")).Html;
        Assert.Contains($"data-service=\"{ids.Pharmacy}\"", all, StringComparison.Ordinal);
        Assert.Contains($"data-service=\"{ids.Physio}\"", all, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-service=\"{otherIds.Pharmacy}\"", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hubs_entry_gives_the_hours_its_rota_runs_now_not_those_it_was_written_with()
    {
        var world = await TestWorld.CreateAsync(factory);
        var hubCode = await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).Select(h => h.Code).SingleAsync());
        var entry = Service(world, "HUBENTRY", ServiceCategory.ExtendedAccessHub, $"{world.Prefix} Hub", "evening weekend");
        entry.Code = $"HUB-{hubCode}";
        entry.Hours = "Weekdays 08:00-22:00 (as first planned)";
        await world.WithDbAsync(db =>
        {
            db.LocalServices.Add(entry);
            return db.SaveChangesAsync();
        });
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var html = (await staff.GetAsync("/Navigation?Category=ExtendedAccessHub")).Html;
        Assert.Contains("Mon–Fri 18:30–20:00", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.DoesNotContain("as first planned", html, StringComparison.Ordinal);

        // The commissioner stops the hub's sessions: the directory must not send callers to it.
        await world.WithDbAsync(db => db.Sessions.Where(s => s.HubId == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(s => s.IsActive, false)));
        Assert.Contains(Forward.Domain.Hubs.HubHours.None, (await staff.GetAsync("/Navigation?Category=ExtendedAccessHub")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Category_filter_returns_only_that_category()
    {
        var world = await TestWorld.CreateAsync(factory);
        var ids = await DirectoryAsync(world);
        using var hub = await PageClient.SignedInAsync(factory, world.HubClinician);

        var (status, html) = await hub.GetAsync("/Navigation?Category=CommunityPharmacy");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-service=\"{ids.Pharmacy}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-service=\"{ids.Optician}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-service=\"{ids.Physio}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Record signposting", html, StringComparison.Ordinal); // hub clinicians do not log signposting

        // A name or a number that is no category (old code: 99 listed nothing and said nothing), a number that is one, or
        // several (old code: 1 listed the opticians, and a list or a repeat was ORed into another category or its first).
        foreach (var category in new[] { "Nonsense", "99", "1", "CommunityPharmacy,Optician", "CommunityPharmacy&Category=Optician" })
        {
            var bad = await hub.GetAsync("/Navigation?Category=" + category);
            Assert.Equal(HttpStatusCode.OK, bad.Status);
            Assert.Contains("Choose a category from the list", bad.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-service=", bad.Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Nhs111_chooses_a_ccg_and_a_commissioner_cannot_open_another_ccgs_directory()
    {
        var world = await TestWorld.CreateAsync(factory);
        var other = await TestWorld.CreateAsync(factory);
        var otherIds = await DirectoryAsync(other);
        using var nhs111 = await PageClient.SignedInAsync(factory, world.Nhs111);
        var (status, html) = await nhs111.GetAsync($"/Navigation?Ccg={other.CcgId}&Q=glasses");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"data-service=\"{otherIds.Optician}\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Ccg\"", html, StringComparison.Ordinal);

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        AssertForbidden((await commissioner.GetAsync($"/Navigation?Ccg={other.CcgId}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await commissioner.GetAsync($"/Navigation?Ccg={world.CcgId}")).Status);

        // A CCG in the address that is no number: NHS 111 has the list to put it right, so the error links to it; a
        // commissioner has no list, so the error is the page's and links nowhere.
        var nhs111Bad = (await nhs111.GetAsync("/Navigation?Ccg=abc")).Html;
        Assert.Contains("<a href=\"#Ccg\">Choose a CCG from the list</a>", nhs111Bad, StringComparison.Ordinal);
        Assert.Contains("id=\"Ccg\"", nhs111Bad, StringComparison.Ordinal);
        var commissionerBad = (await commissioner.GetAsync("/Navigation?Ccg=abc")).Html;
        Assert.Contains("<li>The CCG in the address is not valid: open the directory from the menu</li>", commissionerBad, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"#Ccg\"", commissionerBad, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"Ccg\"", commissionerBad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_signposting_form_sent_again_or_several_times_at_once_is_recorded_once()
    {
        var world = await TestWorld.CreateAsync(factory);
        var ids = await DirectoryAsync(world);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var url = $"/Navigation/Signpost?serviceId={ids.Pharmacy}";
        var page = (await staff.GetAsync(url)).Html;
        var key = System.Text.RegularExpressions.Regex.Match(page, "name=\"FormKey\" value=\"([0-9A-F]+)\"").Groups[1].Value;
        Assert.NotEmpty(key);
        var form = new Dictionary<string, string> { ["ServiceId"] = $"{ids.Pharmacy}", ["Reason"] = nameof(SignpostingReason.MinorAilment), ["FormKey"] = key };

        var sent = await staff.PostAtOnceAsync(url, Enumerable.Repeat(form, 4));
        var again = await staff.PostFormAsync(url, form);

        Assert.All(sent, s => Assert.Equal(HttpStatusCode.Redirect, s.Status));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1, await world.WithDbAsync(db => db.SignpostingRecords.CountAsync(s => s.PracticeId == world.PracticeA.Id)));

        // The same form sent again with another reason (back, change it, send) is refused, not confirmed as recorded
        // while the first reason stays (old code: "Signposting ... recorded").
        var changed = await staff.PostFormAsync(url, new Dictionary<string, string>(form) { ["Reason"] = nameof(SignpostingReason.MedicationAdvice) });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("This form already recorded signposting for minor ailment", await changed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SignpostingReason.MinorAilment, await world.WithDbAsync(db => db.SignpostingRecords.Where(s => s.PracticeId == world.PracticeA.Id).Select(s => s.Reason).SingleAsync()));

        // The next patient is a new visit to the page, and a new record.
        var next = (await staff.GetAsync(url)).Html;
        var nextKey = System.Text.RegularExpressions.Regex.Match(next, "name=\"FormKey\" value=\"([0-9A-F]+)\"").Groups[1].Value;
        Assert.NotEqual(key, nextKey);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync(url, new Dictionary<string, string>(form) { ["FormKey"] = nextKey })).StatusCode);
        Assert.Equal(2, await world.WithDbAsync(db => db.SignpostingRecords.CountAsync(s => s.PracticeId == world.PracticeA.Id)));

        // A key that is not one the page made is refused with a message.
        var forged = await staff.PostFormAsync(url, new Dictionary<string, string>(form) { ["FormKey"] = "not-a-key" });
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        Assert.Contains("Record the signposting from the form on this page", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, await world.WithDbAsync(db => db.SignpostingRecords.CountAsync(s => s.PracticeId == world.PracticeA.Id)));
    }

    [Theory]
    [InlineData("MinorAilment,MedicationAdvice")] // old code: recorded as MedicationAdvice (0 | 1)
    [InlineData("MedicationAdvice,EyeProblem")] // old code: recorded as MusculoskeletalProblem (1 | 2), neither of them
    [InlineData("1")] // old code: recorded as MedicationAdvice
    public async Task A_signposting_reason_that_is_not_one_name_is_a_field_error_and_records_nothing(string reason)
    {
        var world = await TestWorld.CreateAsync(factory);
        var ids = await DirectoryAsync(world);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var url = $"/Navigation/Signpost?serviceId={ids.Pharmacy}";
        var key = System.Text.RegularExpressions.Regex.Match((await staff.GetAsync(url)).Html, "name=\"FormKey\" value=\"([0-9A-F]+)\"").Groups[1].Value;

        var response = await staff.PostFormAsync(url, new Dictionary<string, string> { ["ServiceId"] = $"{ids.Pharmacy}", ["Reason"] = reason, ["FormKey"] = key });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Select why the patient was signposted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await world.WithDbAsync(db => db.SignpostingRecords.CountAsync(s => s.PracticeId == world.PracticeA.Id)));
    }

    [Fact]
    public async Task Signposting_stores_service_reason_practice_time_and_user_only_and_appears_in_the_counts()
    {
        var world = await TestWorld.CreateAsync(factory);
        var other = await TestWorld.CreateAsync(factory);
        var ids = await DirectoryAsync(world);
        var otherIds = await DirectoryAsync(other);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var url = $"/Navigation/Signpost?serviceId={ids.Optician}";

        // No reason: an error, nothing stored.
        var missing = await staff.PostFormAsync(url, new Dictionary<string, string> { ["ServiceId"] = ids.Optician.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        var missingHtml = await missing.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", missingHtml, StringComparison.Ordinal);
        Assert.Contains("Select why the patient was signposted", missingHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("<textarea", (await staff.GetAsync(url)).Html, StringComparison.Ordinal);

        // A free-text field smuggled into the post has nowhere to go.
        var response = await staff.PostFormAsync(url, new Dictionary<string, string>
        {
            ["ServiceId"] = ids.Optician.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Reason"] = nameof(SignpostingReason.EyeProblem),
            ["Note"] = "patient said something clinical",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Navigation/Signposting", response.Headers.Location?.OriginalString);

        var records = await world.WithDbAsync(db => db.SignpostingRecords.AsNoTracking().Where(s => s.PracticeId == world.PracticeA.Id).ToListAsync());
        var record = Assert.Single(records);
        Assert.Equal(ids.Optician, record.LocalServiceId);
        Assert.Equal(SignpostingReason.EyeProblem, record.Reason);
        Assert.Equal(world.PracticeStaffA, record.RecordedBy);
        Assert.Equal(factory.Clock.GetUtcNow().UtcDateTime, record.RecordedUtc);

        var (status, html) = await staff.GetAsync("/Navigation/Signposting");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Signposting to " + world.Prefix + " Eye Care recorded", html, StringComparison.Ordinal);
        Assert.Matches("data-figure=\"week\">[\\s\\S]*?data-value>1<", html);
        Assert.Matches("data-figure=\"month\">[\\s\\S]*?data-value>1<", html);
        Assert.Matches($"data-service-row=\"{world.Prefix} Eye Care\">[\\s\\S]*?data-week>1<", html);
        Assert.Matches("data-reason-row=\"EyeProblem\">[\\s\\S]*?data-month>1<", html);
        Assert.Contains("counts as one GP appointment saved", html, StringComparison.Ordinal);

        // Another CCG's service cannot be signposted to; commissioners and 111 cannot record at all.
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync($"/Navigation/Signpost?serviceId={otherIds.Optician}")).Status);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var refused = await commissioner.PostFormAsync(url, new Dictionary<string, string> { ["Reason"] = nameof(SignpostingReason.EyeProblem) }, formPage: "/Navigation");
        Assert.True(refused.StatusCode == HttpStatusCode.Forbidden || refused.Headers.Location?.OriginalString.Contains("AccessDenied", StringComparison.Ordinal) == true, refused.StatusCode.ToString());
        Assert.Single(await world.WithDbAsync(db => db.SignpostingRecords.AsNoTracking().Where(s => s.PracticeId == world.PracticeA.Id).ToListAsync()));
    }

    [Fact]
    public async Task Signposting_post_needs_the_anti_forgery_token()
    {
        var world = await TestWorld.CreateAsync(factory);
        var ids = await DirectoryAsync(world);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var response = await staff.PostFormWithoutTokenAsync($"/Navigation/Signpost?serviceId={ids.Pharmacy}", new Dictionary<string, string> { ["Reason"] = nameof(SignpostingReason.MinorAilment) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await world.WithDbAsync(db => db.SignpostingRecords.AsNoTracking().Where(s => s.PracticeId == world.PracticeA.Id).ToListAsync()));
    }

    [Theory]
    [InlineData("", "yes", "2026-05-01", "Enter the staff member&#x27;s name")]
    [InlineData("Ann Smith", "", "", "Select whether the staff member is a trained care navigator")]
    [InlineData("Ann Smith", "yes", "", "Enter the date the training was completed")]
    [InlineData("Ann Smith", "yes", "2026-06-09", "The training date must be today or in the past")]
    [InlineData("Ann Smith", "no", "2026-05-01", "Leave the date empty when the staff member is not yet trained")]
    [InlineData("Ann Smith", "yes", "31/2/2026", "Date training completed must be a real date")]
    [InlineData("Ann Smith", "yes", "1/6/", "Date training completed must include a year")]
    [InlineData("Ann Smith", "no", "/6/2026", "Date training completed must include a day")] // old code (a browser date field): saved, no date
    [InlineData("Ann\u0007Smith", "no", "", "Name must not contain control characters")]
    public async Task Training_validation_errors_are_shown_per_field(string name, string trained, string date, string message)
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var response = await staff.PostFormAsync("/Navigation/Training", new Dictionary<string, string>
        {
            ["Input.StaffName"] = name,
            ["Input.Trained"] = trained,
        }.WithDate("Input.TrainedOn", date));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("There is a problem", html, StringComparison.Ordinal);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Equal(0, await world.WithDbAsync(db => db.NavigatorTraining.CountAsync(t => t.PracticeId == world.PracticeA.Id)));
    }

    [Fact]
    public async Task Training_is_added_and_updated_for_the_own_practice()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var added = await staff.PostFormAsync("/Navigation/Training", new Dictionary<string, string>
        {
            ["Input.StaffName"] = "Ann Smith",
            ["Input.Trained"] = "no",
        }.WithDate("Input.TrainedOn", string.Empty));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var record = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id));
        Assert.False(record.Trained);

        var updated = await staff.PostFormAsync("/Navigation/Training", new Dictionary<string, string>
        {
            ["Input.Id"] = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.Version"] = record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.StaffName"] = "Ann Smith",
            ["Input.Trained"] = "yes",
            ["Input.Course"] = "Care navigation level 1",
        }.WithDate("Input.TrainedOn", "2026-06-08"));
        Assert.Equal(HttpStatusCode.Redirect, updated.StatusCode);
        record = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id));
        Assert.True(record.Trained);
        Assert.Equal(new DateOnly(2026, 6, 8), record.TrainedOn);

        var html = (await staff.GetAsync("/Navigation/Training")).Html;
        Assert.Contains($"data-training=\"{record.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("1 of 1 staff member trained", html, StringComparison.Ordinal);

        // Practice B's staff cannot change A's record by its id.
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        var hijack = await staffB.PostFormAsync("/Navigation/Training", new Dictionary<string, string>
        {
            ["Input.Id"] = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Input.StaffName"] = "Changed",
            ["Input.Trained"] = "no",
        });
        Assert.Equal(HttpStatusCode.NotFound, hijack.StatusCode);

        // An address whose record or practice is no number: not found, or the list to choose from with the message.
        Assert.Equal(HttpStatusCode.NotFound, (await staff.GetAsync("/Navigation/Training?edit=abc")).Status);
        var (counts, countsHtml) = await staff.GetAsync("/Navigation/Signposting?PracticeId=abc");
        Assert.Equal(HttpStatusCode.OK, counts);
        Assert.Contains("Choose a practice from the list", countsHtml, StringComparison.Ordinal);
        Assert.Contains("data-figure=\"week\"", countsHtml, StringComparison.Ordinal); // old code: the message alone, no figures
        Assert.Equal("Ann Smith", (await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.Id == record.Id))).StaffName);
    }

    [Fact]
    public async Task The_same_training_form_sent_twice_one_after_the_other_or_at_once_is_one_change_audited_against_its_record()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Task<List<NavigatorTraining>> RecordsAsync() => world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().Where(t => t.PracticeId == world.PracticeA.Id).ToListAsync());
        Task<List<string?>> AuditedAsync(string action) => world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == action && e.Actor == world.PracticeStaffA).Select(e => e.EntityId).ToListAsync());

        // An add sent twice, then at once: one record, "saved" each time, its audit entry naming it.
        var add = Training("Ann Smith", "no");
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", add)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", add)).StatusCode);
        var together = await staff.PostAtOnceAsync("/Navigation/Training", Enumerable.Repeat(Training("Bob Jones", "no"), 3));
        Assert.All(together, r => Assert.True(r.Status == HttpStatusCode.Redirect, r.Html));
        var records = await RecordsAsync();
        Assert.Equal(["Ann Smith", "Bob Jones"], records.Select(r => r.StaffName).Order());
        Assert.Equal(records.Select(r => r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), (await AuditedAsync(AuditActions.TrainingAdd)).Order());

        // An update sent twice, then at once: one change each.
        var ann = records.Single(r => r.StaffName == "Ann Smith");
        var update = Training("Ann Smith", "yes", ann, "2026-06-08", "Care navigation level 1");
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", update)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", update)).StatusCode);
        var bob = records.Single(r => r.StaffName == "Bob Jones");
        together = await staff.PostAtOnceAsync("/Navigation/Training", Enumerable.Repeat(Training("Bob Jones", "yes", bob, "2026-06-01"), 3));
        Assert.All(together, r => Assert.True(r.Status == HttpStatusCode.Redirect, r.Html));
        records = await RecordsAsync();
        Assert.All(records, r => Assert.Equal(2, r.Version));
        Assert.Equal(2, (await AuditedAsync(AuditActions.TrainingUpdate)).Count);

        // The add form sent again with other details (the name corrected after the first send) is refused, not answered
        // as the first send and the correction dropped.
        var corrected = new Dictionary<string, string>(add) { ["Input.StaffName"] = "Anne Smith" };
        var resent = await staff.PostFormAsync("/Navigation/Training", corrected);
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var refusedPage = await resent.Content.ReadAsStringAsync();
        Assert.Contains("This form already added Ann Smith", refusedPage, StringComparison.Ordinal);
        Assert.Contains("name=\"Input.FormKey\" value=\"", refusedPage, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{add["Input.FormKey"]}\"", refusedPage, StringComparison.Ordinal); // a new form, not the used one again

        // A stale form with other values is still someone else's change.
        var stale = await staff.PostFormAsync("/Navigation/Training", Training("Ann Smith", "no", ann));
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("Someone else changed the record for Ann Smith", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leavers_training_record_is_removed_from_the_register_at_the_version_shown_and_audited()
    {
        // Old code: no way to take a leaver off, so they stayed in the practice's count of trained staff for good.
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", Training("Ann Smith", "yes", date: "2026-06-01"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", Training("Bob Jones", "no"))).StatusCode);
        var ann = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id && t.StaffName == "Ann Smith"));
        var id = ann.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var remove = new Dictionary<string, string> { ["Input.Id"] = id, ["Input.Version"] = ann.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var removeUrl = "/Navigation/Training?handler=Remove";

        // The change form offers it; a commissioner cannot, nor can another practice's staff reach A's record.
        var editPage = $"/Navigation/Training?edit={id}";
        Assert.Contains("data-remove-training>Remove Ann Smith</button>", (await staff.GetAsync(editPage)).Html, StringComparison.Ordinal);
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        Assert.Equal(HttpStatusCode.Forbidden, (await commissioner.PostFormAsync(removeUrl, remove, formPage: "/Navigation/Training")).StatusCode);
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        Assert.Equal(HttpStatusCode.Redirect, (await staffB.PostFormAsync(removeUrl, remove, formPage: "/Navigation/Training")).StatusCode);
        Assert.True(await world.WithDbAsync(db => db.NavigatorTraining.AnyAsync(t => t.Id == ann.Id)));

        // A form older than the record is refused, showing the record as it is now.
        var stale = await staff.PostFormAsync(removeUrl, new Dictionary<string, string> { ["Input.Id"] = id, ["Input.Version"] = "0" }, formPage: editPage);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("Someone else changed the record for Ann Smith", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await world.WithDbAsync(db => db.NavigatorTraining.AnyAsync(t => t.Id == ann.Id)));

        var removed = await staff.PostFormAsync(removeUrl, remove, formPage: editPage);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.False(await world.WithDbAsync(db => db.NavigatorTraining.AnyAsync(t => t.Id == ann.Id)));
        var register = (await staff.GetAsync("/Navigation/Training")).Html;
        Assert.Contains("Training record removed for Ann Smith", register, StringComparison.Ordinal);
        Assert.Contains("0 of 1 staff member trained", register, StringComparison.Ordinal);
        var audited = await world.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == AuditActions.TrainingRemove && e.EntityId == id));
        Assert.Equal((world.PracticeStaffA, id), (audited.Actor, audited.EntityId));

        // A change saved from a form opened before the removal says so, keeping what was typed in an add form (old code:
        // "Page not found").
        var change = await staff.PostFormAsync("/Navigation/Training", Training("Ann Smith", "yes", ann, date: "2026-06-02"), formPage: editPage);
        var changeHtml = await change.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Contains("Someone removed this training record after you opened it", changeHtml, StringComparison.Ordinal);
        Assert.Contains("value=\"Ann Smith\"", changeHtml, StringComparison.Ordinal);
        Assert.False(await world.WithDbAsync(db => db.NavigatorTraining.AnyAsync(t => t.PracticeId == world.PracticeA.Id && t.StaffName == "Ann Smith")));

        // Sent again (a second click): done already, not an error, and audited once.
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync(removeUrl, remove, formPage: "/Navigation/Training")).StatusCode);
        Assert.Contains("That training record had already been removed", (await staff.GetAsync("/Navigation/Training")).Html, StringComparison.Ordinal);
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.TrainingRemove && e.EntityId == id)));
    }

    [Fact]
    public async Task The_remove_form_shown_again_after_a_refused_change_keeps_the_version_the_change_form_was_opened_at()
    {
        // Old code: the Remove form re-shown with a field error carried the record's version as read then, so after a
        // colleague's change it removed the record, their change unseen.
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", Training("Ann Smith", "no"))).StatusCode);
        var opened = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id && t.StaffName == "Ann Smith"));
        var id = opened.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var editPage = $"/Navigation/Training?edit={id}";

        // Tab B changes the record (version 2) after tab A opened it at version 1.
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", Training("Ann Smith", "yes", opened, "2026-06-01"), formPage: editPage)).StatusCode);

        // Tab A sends its change without the date: shown again with the error, its forms still at version 1.
        var invalid = await staff.PostFormAsync("/Navigation/Training", Training("Ann Smith", "yes", opened), formPage: editPage);
        var invalidHtml = await invalid.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
        var removeForm = Assert.Single(PageClient.PostForms(invalidHtml), f => f.Contains("handler=Remove", StringComparison.Ordinal));
        Assert.Equal(opened.Version, PageClient.VersionOnForm(removeForm));

        // Tab A's Remove, as that form sends it, is refused as from the stale form.
        var remove = new Dictionary<string, string> { ["Input.Id"] = id, ["Input.Version"] = PageClient.VersionOnForm(removeForm).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var removed = await staff.PostFormAsync("/Navigation/Training?handler=Remove", remove, formPage: editPage);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Contains("Someone else changed the record for Ann Smith", await removed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, (await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.Id == opened.Id))).Version);
    }

    [Fact]
    public async Task A_second_record_for_the_same_person_is_refused_however_the_name_is_typed()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", Training("  Ann   Smith ", "no"))).StatusCode);

        var again = await staff.PostFormAsync("/Navigation/Training", Training("ann smith", "no"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("ann smith already has a training record at your practice", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Added again exactly as before, from a new form (a colleague who did not see her there): refused, not "added"
        // (old code: taken for the first form sent again, and reported as added).
        var exact = await staff.PostFormAsync("/Navigation/Training", Training("  Ann   Smith ", "no"));
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        Assert.Contains("Ann Smith already has a training record at your practice", await exact.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Pasted with a zero-width space, it is still her (old code: a second record, counted twice).
        var pasted = await staff.PostFormAsync("/Navigation/Training", Training("Ann\u200b Smith", "no"));
        Assert.Equal(HttpStatusCode.OK, pasted.StatusCode);
        Assert.Contains("already has a training record at your practice", await pasted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var record = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id));
        Assert.Equal("Ann Smith", record.StaffName);

        // Another practice may have its own Ann Smith.
        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        Assert.Equal(HttpStatusCode.Redirect, (await staffB.PostFormAsync("/Navigation/Training", Training("Ann Smith", "no"))).StatusCode);

        // Renaming another record to her name is refused too.
        Assert.Equal(HttpStatusCode.Redirect, (await staff.PostFormAsync("/Navigation/Training", Training("Bob Jones", "no"))).StatusCode);
        var bob = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id && t.StaffName == "Bob Jones"));
        var rename = await staff.PostFormAsync("/Navigation/Training", Training("ANN SMITH", "no", bob));
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        Assert.Contains("already has a training record", await rename.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Bob Jones", (await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.Id == bob.Id))).StaffName);
    }

    [Fact]
    public async Task A_record_kept_from_before_the_upgrade_is_found_by_its_name_whatever_key_the_upgrade_gave_it()
    {
        var world = await TestWorld.CreateAsync(factory);

        // As the upgrade's SQL keys a name with a non-breaking space (and, on SQLite, a non-ASCII letter): not as .NET would.
        await world.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"NavigatorTraining\" (\"PracticeId\", \"StaffName\", \"StaffNameKey\", \"Trained\", \"Version\") VALUES ({0}, {1}, {2}, {3}, 0)",
            world.PracticeA.Id, "Zo\u00eb\u00a0Hart", "ZO\u00eb\u00a0HART", false));
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        var again = await staff.PostFormAsync("/Navigation/Training", Training("zo\u00eb hart", "no"));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already has a training record", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await world.WithDbAsync(db => db.NavigatorTraining.CountAsync(t => t.PracticeId == world.PracticeA.Id)));
    }

    [Fact]
    public async Task A_change_from_a_form_opened_before_someone_elses_change_is_refused_and_the_form_shows_theirs()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var first = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        using var second = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        Assert.Equal(HttpStatusCode.Redirect, (await first.PostFormAsync("/Navigation/Training", Training("Ann Smith", "no"))).StatusCode);
        var opened = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id));
        var editUrl = $"/Navigation/Training?edit={opened.Id}";
        Assert.Equal(opened.Version, PageClient.VersionOnForm((await first.GetAsync(editUrl)).Html));

        Assert.Equal(HttpStatusCode.Redirect, (await second.PostFormAsync("/Navigation/Training", Training("Ann Smith", "yes", opened, "2026-06-08", "Care navigation level 1"), editUrl)).StatusCode);
        var stale = await first.PostFormAsync("/Navigation/Training", Training("Ann Smith", "no", opened, course: "Typed over"), editUrl);

        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        var html = await stale.Content.ReadAsStringAsync();
        Assert.Contains("Someone else changed the record for Ann Smith after you opened it", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Care navigation level 1\"", html, StringComparison.Ordinal);
        var now = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.Id == opened.Id));
        Assert.True(now.Trained);
        Assert.Equal("Care navigation level 1", now.Course);
        Assert.Equal(now.Version, PageClient.VersionOnForm(html));

        // Without a version, or with one that is not a number (hand-made posts), an update is refused the same way.
        foreach (var version in new[] { null, "abc" })
        {
            var handMade = Training("Ann Smith", "no");
            handMade["Input.Id"] = opened.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (version is not null)
            {
                handMade["Input.Version"] = version;
            }

            Assert.Contains("Someone else changed", await (await first.PostFormAsync("/Navigation/Training", handMade)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.True((await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.Id == opened.Id))).Trained);
        }
    }

    [Fact]
    public async Task Adds_and_changes_sent_at_once_leave_one_record_per_person_and_one_change_per_version()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var staff = await PageClient.SignedInAsync(factory, world.PracticeStaffA);

        // Two add forms for the same person, each sent four times, all at once.
        var forms = new[] { Training("Cara Lee", "no"), Training("cara  lee", "no") };
        var sent = Enumerable.Range(0, 8).Select(i => forms[i % 2]).ToList();
        var adds = await staff.PostAtOnceAsync("/Navigation/Training", sent);

        // One record; every send of the form that made it is answered as saved (a double click), every send of the other refused.
        var cara = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.PracticeId == world.PracticeA.Id));
        Assert.All(adds.Zip(sent), a => Assert.True(
            a.Second["Input.FormKey"] == cara.FormKey
                ? a.First.Status == HttpStatusCode.Redirect
                : a.First.Status == HttpStatusCode.OK && a.First.Html.Contains("already has a training record", StringComparison.Ordinal),
            $"{a.Second["Input.StaffName"]}: {a.First.Status}"));
        Assert.Equal(NavigatorTraining.CleanName(forms.Single(f => f["Input.FormKey"] == cara.FormKey)["Input.StaffName"]), cara.StaffName);
        Assert.Equal(1, cara.Version);

        var changes = await staff.PostAtOnceAsync("/Navigation/Training", Enumerable.Range(1, 8).Select(i => Training("Cara Lee", "yes", cara, $"2026-06-0{i}")));

        Assert.All(changes, c => Assert.True(c.Status == HttpStatusCode.Redirect || (c.Status == HttpStatusCode.OK && c.Html.Contains("Someone else changed", StringComparison.Ordinal)), $"{c.Status}"));
        Assert.Equal(1, changes.Count(c => c.Status == HttpStatusCode.Redirect));
        var now = await world.WithDbAsync(db => db.NavigatorTraining.AsNoTracking().SingleAsync(t => t.Id == cara.Id));
        Assert.Equal(cara.Version + 1, now.Version);
    }

    /// <summary>The training form's fields; with <paramref name="record"/>, an update of it at the version read.</summary>
    private static Dictionary<string, string> Training(string name, string trained, NavigatorTraining? record = null, string date = "", string course = "")
    {
        var fields = new Dictionary<string, string>
        {
            ["Input.StaffName"] = name,
            ["Input.Trained"] = trained,
            ["Input.Course"] = course,
        }.WithDate("Input.TrainedOn", date);
        if (record is not null)
        {
            fields["Input.Id"] = record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            fields["Input.Version"] = record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            // One add form, opened once: the same fields posted again are that form sent again.
            fields["Input.FormKey"] = Forward.Domain.FormKeys.New();
        }

        return fields;
    }

    [Fact]
    public async Task Practice_staff_cannot_see_another_practices_training_or_signposting_and_commissioners_read_their_ccg_only()
    {
        var world = await TestWorld.CreateAsync(factory);
        var other = await TestWorld.CreateAsync(factory);
        await world.WithDbAsync(async db =>
        {
            db.NavigatorTraining.Add(new NavigatorTraining { PracticeId = world.PracticeA.Id, StaffName = "Ann Smith", Trained = true, TrainedOn = new DateOnly(2026, 1, 5) });
            return await db.SaveChangesAsync();
        });

        using var staffB = await PageClient.SignedInAsync(factory, world.PracticeStaffB);
        AssertForbidden((await staffB.GetAsync($"/Navigation/Training?PracticeId={world.PracticeA.Id}")).Status);
        AssertForbidden((await staffB.GetAsync($"/Navigation/Signposting?PracticeId={world.PracticeA.Id}")).Status);
        Assert.DoesNotContain("Ann Smith", (await staffB.GetAsync("/Navigation/Training")).Html, StringComparison.Ordinal);

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, html) = await commissioner.GetAsync($"/Navigation/Training?PracticeId={world.PracticeA.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Ann Smith", html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"Input.StaffName\"", html, StringComparison.Ordinal); // read-only
        Assert.Equal(HttpStatusCode.OK, (await commissioner.GetAsync($"/Navigation/Signposting?PracticeId={world.PracticeB.Id}")).Status);
        var post = await commissioner.PostFormAsync("/Navigation/Training", new Dictionary<string, string> { ["Input.StaffName"] = "X", ["Input.Trained"] = "no" });
        AssertForbidden(post.StatusCode);

        using var otherCommissioner = await PageClient.SignedInAsync(factory, other.Commissioner);
        AssertForbidden((await otherCommissioner.GetAsync($"/Navigation/Training?PracticeId={world.PracticeA.Id}")).Status);
        AssertForbidden((await otherCommissioner.GetAsync($"/Navigation/Signposting?PracticeId={world.PracticeA.Id}")).Status);

        using var nhs111 = await PageClient.SignedInAsync(factory, world.Nhs111);
        var refused = await nhs111.GetAsync("/Navigation/Training");
        Assert.True(refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.Redirect, refused.Status.ToString());
    }
}
