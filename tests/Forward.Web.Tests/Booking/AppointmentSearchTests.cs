using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Pages;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// Finding an appointment again (GET /api/v1/appointments, /Appointments): each role finds exactly the appointments it
/// may open one by one, by NHS number and dates, cancelled ones marked, every search audited under what it showed.
/// </summary>
public sealed class AppointmentSearchTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private const string Search = "/api/v1/appointments";

    private static async Task<JsonElement> Json(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static string Invariant(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The appointments of one world, booked through the API by each kind of booker, and one cancelled.</summary>
    private sealed record Booked(
        TestWorld World,
        long ByPractice,
        string ByPracticeNhs,
        long ByNhs111,
        string ByNhs111Nhs,
        long ByOtherNhs111,
        long AtOtherHub,
        long Cancelled,
        string CancelledNhs)
    {
        public IReadOnlyList<long> All => [ByPractice, ByNhs111, ByOtherNhs111, AtOtherHub, Cancelled];
    }

    private static async Task<long> BookAsync(HttpClient client, long slotId, string nhsNumber, string? practiceOds = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slotId, practiceOds, nhsNumber));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await Json(response)).GetProperty("id").GetInt64();
    }

    private async Task<Booked> BookWorldAsync()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var otherHubSlot = await world.WithDbAsync(db => db.Slots.Where(s => s.HubId == world.OtherHubId && s.Status == SlotStatus.Free && s.StartUtc > now)
            .OrderBy(s => s.StartUtc).Select(s => s.Id).FirstAsync());
        var practiceA = await world.ClientAsync(world.PracticeStaffA);
        var (n1, n2, n3, n4, n5) = (TestPatients.NewNhsNumber(), TestPatients.NewNhsNumber(), TestPatients.NewNhsNumber(), TestPatients.NewNhsNumber(), TestPatients.NewNhsNumber());
        var byPractice = await BookAsync(practiceA, slots[0].Id, n1);
        var byNhs111 = await BookAsync(await world.ClientAsync(world.Nhs111), slots[1].Id, n2, world.PracticeA.OdsCode);
        var byOther = await BookAsync(await world.ClientAsync(world.OtherNhs111), slots[2].Id, n3, world.PracticeA.OdsCode);
        var atOtherHub = await BookAsync(await world.ClientAsync(world.PracticeStaffB), otherHubSlot, n4);
        var cancelled = await BookAsync(practiceA, slots[3].Id, n5);
        using var cancel = await practiceA.PostAsJsonAsync($"/api/v1/appointments/{cancelled}/cancel", new { reason = "Patient called back" });
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        return new Booked(world, byPractice, n1, byNhs111, n2, byOther, atOtherHub, cancelled, n5);
    }

    private static async Task<(List<long> Ids, JsonElement Body)> SearchAsync(HttpClient client, string query = "")
    {
        using var response = await client.GetAsync(new Uri(Search + query, UriKind.Relative));
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText());
        return ([.. body.GetProperty("appointments").EnumerateArray().Select(a => a.GetProperty("id").GetInt64())], body);
    }

    [Fact]
    public async Task Each_role_finds_exactly_the_appointments_it_may_open()
    {
        var booked = await BookWorldAsync();
        var world = booked.World;
        var expected = new Dictionary<string, long[]>
        {
            [world.PracticeStaffA] = [booked.ByPractice, booked.ByNhs111, booked.ByOtherNhs111, booked.Cancelled],
            [world.PracticeStaffB] = [booked.AtOtherHub],
            [world.Nhs111] = [booked.ByNhs111],
            [world.OtherNhs111] = [booked.ByOtherNhs111],
            [world.HubClinician] = [booked.ByPractice, booked.ByNhs111, booked.ByOtherNhs111, booked.Cancelled],
            [world.OtherHubClinician] = [booked.AtOtherHub],
        };

        foreach (var (user, ids) in expected)
        {
            var client = await world.ClientAsync(user);
            var (found, _) = await SearchAsync(client);

            // Every NHS 111 world shares the provider codes Y111 and Y222, so only this world's appointments are compared.
            var foundHere = found.Where(booked.All.Contains).Order().ToList();
            Assert.True(ids.Order().SequenceEqual(foundHere), $"{user} found {string.Join(',', foundHere)}, expected {string.Join(',', ids.Order())}");

            // The same rule as opening each one: found if and only if its own page opens.
            foreach (var id in booked.All)
            {
                using var one = await client.GetAsync(new Uri($"{Search}/{id}", UriKind.Relative));
                Assert.True(found.Contains(id) == (one.StatusCode == HttpStatusCode.OK), $"{user}: appointment {id} searched {found.Contains(id)}, opened {one.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Nhs111_finds_its_own_nhs111_bookings_whatever_the_case_of_its_accounts_code_and_nothing_else_it_named()
    {
        var world = await TestWorld.CreateAsync(factory);
        var start = (await world.FreeSlotsAsync())[0].StartUtc;
        var ids = await world.WithDbAsync(async db =>
        {
            var patient = new Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Sam", FamilyName = "Directrow", DateOfBirth = new DateOnly(1970, 1, 1), RegisteredPracticeId = world.PracticeA.Id };
            Appointment Row(BookingChannel channel, string? ods, int minutes) => new()
            {
                Patient = patient,
                HubId = world.HubId,
                StartUtc = start.AddMinutes(minutes),
                EndUtc = start.AddMinutes(minutes + 15),
                Channel = channel,
                BookedBy = "direct",
                BookingOrganisationOds = ods,
                Status = AppointmentStatus.Booked,
                CreatedUtc = start.AddDays(-1),
            };
            var rows = new[] { Row(BookingChannel.Nhs111, "Y111", 0), Row(BookingChannel.Practice, "Y111", 30), Row(BookingChannel.Nhs111, null, 60), Row(BookingChannel.Hub, "Y111", 90) };
            db.AddRange(rows);
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).ToList();
        });

        // An account whose code is held in small letters books in capitals, as every booking stores its organisation's
        // code (the search compares them as stored, through an index), and finds both.
        await world.WithDbAsync(db => db.Users.Where(u => u.UserName == world.Nhs111).ExecuteUpdateAsync(u => u.SetProperty(x => x.OrganisationOds, "y111")));
        var client = await world.ClientAsync(world.Nhs111);
        var body = TestPatients.Booking((await world.FreeSlotsAsync())[0].Id, practiceOds: world.PracticeA.OdsCode);
        HttpRequestMessage Send() => new(HttpMethod.Post, Search) { Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", "search-case-retry" } } };
        using var booked = await client.SendAsync(Send());
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var bookedId = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        Assert.Equal("Y111", await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == bookedId).Select(a => a.BookingOrganisationOds).SingleAsync()));

        // Its retry compares the code as stored, and is answered with the booking (a first cut of this change refused it 409).
        using var retried = await client.SendAsync(Send());
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.True(retried.Headers.Contains("Idempotent-Replayed"));

        var (found, _) = await SearchAsync(client);
        Assert.Equal([ids[0], bookedId], found.Where(id => ids.Contains(id) || id == bookedId).Order().ToList());
        foreach (var id in ids)
        {
            using var one = await client.GetAsync(new Uri($"{Search}/{id}", UriKind.Relative));
            Assert.Equal(found.Contains(id), one.StatusCode == HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_search_by_nhs_number_finds_that_patient_only_cancelled_included_and_marked()
    {
        var booked = await BookWorldAsync();
        var practice = await booked.World.ClientAsync(booked.World.PracticeStaffA);

        var (found, body) = await SearchAsync(practice, $"?nhsNumber={booked.CancelledNhs[..3]}%20{booked.CancelledNhs[3..6]}%20{booked.CancelledNhs[6..]}");
        Assert.Equal([booked.Cancelled], found);
        var view = body.GetProperty("appointments")[0];
        Assert.Equal("Cancelled", view.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, view.GetProperty("cancelledUtc").ValueKind);
        Assert.Equal(booked.CancelledNhs, view.GetProperty("nhsNumber").GetString());
        Assert.False(body.GetProperty("truncated").GetBoolean());

        // Another practice's patient is not found by their NHS number either: the number alone opens nothing.
        var (other, _) = await SearchAsync(await booked.World.ClientAsync(booked.World.PracticeStaffB), $"?nhsNumber={booked.ByPracticeNhs}");
        Assert.Empty(other);
    }

    [Fact]
    public async Task The_answer_has_the_shape_of_one_appointment_read()
    {
        var booked = await BookWorldAsync();
        var practice = await booked.World.ClientAsync(booked.World.PracticeStaffA);
        var (_, body) = await SearchAsync(practice, $"?nhsNumber={booked.ByPracticeNhs}");
        var listed = body.GetProperty("appointments")[0];
        var one = await Json(await practice.GetAsync(new Uri($"{Search}/{booked.ByPractice}", UriKind.Relative)));
        Assert.Equal(one.GetRawText(), listed.GetRawText());
    }

    [Fact]
    public async Task Upcoming_come_first_soonest_first_then_started_ones_latest_first()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slots = await world.FreeSlotsAsync();
        var practice = await world.ClientAsync(world.PracticeStaffA);

        // One evening each on Monday 8, Tuesday 9 and Wednesday 10 June, two on Monday.
        var byDay = slots.Where(s => s.ClinicianIndex == 0).GroupBy(s => s.StartUtc.Date).Take(3).ToList();
        var monday1 = await BookAsync(practice, byDay[0].ElementAt(0).Id, TestPatients.NewNhsNumber());
        var monday2 = await BookAsync(practice, byDay[0].ElementAt(1).Id, TestPatients.NewNhsNumber());
        var tuesday = await BookAsync(practice, byDay[1].ElementAt(0).Id, TestPatients.NewNhsNumber());
        var wednesday = await BookAsync(practice, byDay[2].ElementAt(0).Id, TestPatients.NewNhsNumber());

        // Tuesday 21:00 London: Monday's and Tuesday's have started.
        using (factory.Clock.TravelTo(new DateTime(2026, 6, 9, 20, 0, 0, DateTimeKind.Utc)))
        {
            var (found, body) = await SearchAsync(await world.ClientAsync(world.PracticeStaffA), "?from=2026-06-08&to=2026-06-10");
            Assert.Equal([wednesday, tuesday, monday2, monday1], found);
            Assert.Equal("2026-06-08", body.GetProperty("from").GetString());
            Assert.Equal("2026-06-10", body.GetProperty("to").GetString());
        }

        // Without dates: today and the next 14 days.
        var (_, defaults) = await SearchAsync(practice);
        Assert.Equal("2026-06-08", defaults.GetProperty("from").GetString());
        Assert.Equal("2026-06-22", defaults.GetProperty("to").GetString());
        var (fromOnly, _) = await SearchAsync(practice, "?from=2026-06-10");
        Assert.Equal([wednesday], fromOnly);
        var (longest, _) = await SearchAsync(practice, "?from=2026-06-01&to=2026-07-01"); // 31 dates, the most allowed
        Assert.Equal([monday1, monday2, tuesday, wednesday], longest);
    }

    [Fact]
    public async Task More_than_200_are_cut_at_200_and_the_answer_says_so()
    {
        var world = await TestWorld.CreateAsync(factory);
        var start = (await world.FreeSlotsAsync())[0].StartUtc;
        await world.WithDbAsync(async db =>
        {
            var patient = new Patient { NhsNumber = TestPatients.NewNhsNumber(), GivenName = "Many", FamilyName = "Bookings", DateOfBirth = new DateOnly(1970, 1, 1), RegisteredPracticeId = world.PracticeA.Id };
            db.AddRange(Enumerable.Range(0, BookingService.MaxAppointmentSearchResults + 1).Select(i => new Appointment
            {
                Patient = patient,
                HubId = world.HubId,
                StartUtc = start.AddMinutes(i),
                EndUtc = start.AddMinutes(i + 15),
                Channel = BookingChannel.Practice,
                BookedBy = "direct",
                Status = AppointmentStatus.Cancelled,
                CreatedUtc = start.AddDays(-1),
            }));
            await db.SaveChangesAsync();
        });

        var (found, body) = await SearchAsync(await world.ClientAsync(world.PracticeStaffA));
        Assert.Equal(BookingService.MaxAppointmentSearchResults, found.Count);
        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Contains("truncated", await LastSearchDetailAsync(world, world.PracticeStaffA), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?nhsNumber=12345", "nhsNumber", "10 digits")]
    [InlineData("?nhsNumber=9434765910", "nhsNumber", "check digit")]
    [InlineData("?from=tomorrow", "from", "yyyy-MM-dd")]
    [InlineData("?from=2026-02-30", "from", "yyyy-MM-dd")]
    [InlineData("?from=1999-12-31", "from", "1 January 2000")]
    [InlineData("?from=9999-12-31", "from", "1 January 2000")]
    [InlineData("?to=2100-01-01", "to", "1 January 2000")]
    [InlineData("?from=2026-06-10&to=2026-06-09", "to", "on or after")]
    [InlineData("?from=2026-06-01&to=2026-07-02", "to", "31 days")]
    [InlineData("?to=2026-06-01", "to", "on or after")]
    public async Task A_bad_query_is_a_400_naming_the_field_it_came_in(string query, string field, string says)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var before = await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Actor == world.PracticeStaffA && e.Action == AuditActions.AppointmentSearch));

        using var response = await client.GetAsync(new Uri(Search + query, UriKind.Relative));

        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body.GetRawText());
        Assert.Equal("validation-failed", body.GetProperty("code").GetString());
        var errors = body.GetProperty("errors");
        Assert.Contains(says, errors.GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        Assert.Single(errors.EnumerateObject());
        Assert.Equal(before, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Actor == world.PracticeStaffA && e.Action == AuditActions.AppointmentSearch)));
    }

    [Fact]
    public async Task A_start_near_the_last_date_without_an_end_searches_to_that_last_date()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var response = await (await world.ClientAsync(world.PracticeStaffA)).GetAsync(new Uri($"{Search}?from=2099-12-25", UriKind.Relative));

        // Old code: 400 on "to", a field the client never sent (its default, a fortnight on, fell past 31 December 2099).
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.GetRawText());
        Assert.Equal("2099-12-31", body.GetProperty("to").GetString());
    }

    [Fact]
    public async Task A_date_typed_wrongly_and_a_bad_nhs_number_are_reported_together()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var response = await (await world.ClientAsync(world.Nhs111)).GetAsync(new Uri($"{Search}?nhsNumber=12&from=8%2F6%2F2026&to={new string('9', 5000)}", UriKind.Relative));
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["from", "nhsNumber", "to"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Commissioners_and_the_signed_out_are_refused()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var commissioner = await (await world.ClientAsync(world.Commissioner)).GetAsync(new Uri(Search, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, commissioner.StatusCode);
        using var anonymous = await factory.CreateClient().GetAsync(new Uri(Search, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // The service refuses them itself, whatever door they come in by, and a role that books nothing too.
        using var scope = factory.Services.CreateScope();
        var booking = scope.ServiceProvider.GetRequiredService<BookingService>();
        foreach (var actor in new[] { new Actor(world.Commissioner, Roles.Commissioner, null, null, world.CcgId, null), BookingService.PatientLinkActor })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => booking.SearchAppointmentsAsync(new AppointmentSearch(null, null, null), actor));
            Assert.Equal(DomainErrorKind.Forbidden, refused.Kind);
        }
    }

    [Fact]
    public async Task Every_search_is_audited_once_and_under_each_appointment_and_patient_it_showed_with_no_nhs_number()
    {
        var booked = await BookWorldAsync();
        var world = booked.World;
        var (found, _) = await SearchAsync(await world.ClientAsync(world.HubClinician), $"?nhsNumber={booked.ByNhs111Nhs}");
        Assert.Equal([booked.ByNhs111], found);
        var (all, _) = await SearchAsync(await world.ClientAsync(world.HubClinician));

        var events = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == world.HubClinician && e.Action == AuditActions.AppointmentSearch).OrderBy(e => e.Id).ToListAsync());
        var lists = events.Where(e => e.EntityType is null).ToList();
        Assert.Equal(2, lists.Count);
        Assert.StartsWith("nhs-number=given; from=2026-06-08; to=2026-06-22; rows=1", lists[0].Detail, StringComparison.Ordinal);
        Assert.StartsWith("nhs-number=none; from=2026-06-08; to=2026-06-22; rows=4", lists[1].Detail, StringComparison.Ordinal);
        Assert.All(lists, e => Assert.Equal(world.HubId, e.HubId));

        var patients = await world.WithDbAsync(db => db.Appointments.Where(a => all.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => (a.PatientId, a.HubId)));
        var named = events.Where(e => e.EntityType == "Appointment").Select(e => (Id: long.Parse(e.EntityId!, CultureInfo.InvariantCulture), e.PatientId, e.HubId)).ToList();
        Assert.Equal(
            new[] { booked.ByNhs111 }.Concat(all).Select(id => (id, (int?)patients[id].PatientId, (int?)patients[id].HubId)),
            named);
        Assert.All(events, e => Assert.Equal("success", e.Outcome));
        Assert.All(events, e => Assert.DoesNotContain(booked.ByNhs111Nhs, e.Detail ?? string.Empty, StringComparison.Ordinal));

        // The hub's commissioner finds the search under the patient, as they find a day list that named them.
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, html) = await commissioner.GetAsync($"/Audit?PatientId={patients[booked.ByNhs111].PatientId}&EventAction={AuditActions.AppointmentSearch}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, html.Split("shown in an appointment search").Length - 1);
    }

    [Fact]
    public async Task The_page_lists_what_was_found_with_a_link_to_each_appointment()
    {
        var booked = await BookWorldAsync();
        using var page = await PageClient.SignedInAsync(factory, booked.World.PracticeStaffA);

        // Opening the page searches nothing (a search is audited under every patient it shows).
        var (openStatus, opened) = await page.GetAsync("/Appointments");
        Assert.Equal(HttpStatusCode.OK, openStatus);
        Assert.DoesNotContain("data-appointment=", opened, StringComparison.Ordinal);
        Assert.Contains("href=\"/Appointments\"", opened, StringComparison.Ordinal); // header navigation
        Assert.Equal(0, await booked.World.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Actor == booked.World.PracticeStaffA && e.Action == AuditActions.AppointmentSearch)));

        var (status, html) = await SearchPageAsync(page, nhsNumber: "");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("4 appointments found", html, StringComparison.Ordinal);
        foreach (var id in new[] { booked.ByPractice, booked.ByNhs111, booked.ByOtherNhs111, booked.Cancelled })
        {
            Assert.Contains($"data-appointment=\"{id}\"", html, StringComparison.Ordinal);
            Assert.Contains($"href=\"/Appointments/Details/{id}\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain($"data-appointment=\"{booked.AtOtherHub}\"", html, StringComparison.Ordinal);
        Assert.Contains($"data-appointment=\"{booked.Cancelled}\" data-status=\"Cancelled\"", html, StringComparison.Ordinal);
        Assert.Contains(">Cancelled</strong>", html, StringComparison.Ordinal);
        Assert.Contains("Alex Testperson", html, StringComparison.Ordinal);
        Assert.Contains(Wording.NhsNumber(booked.ByPracticeNhs), html, StringComparison.Ordinal);
        Assert.Contains(">Monday 8 June 2026 18:30</td>", html, StringComparison.Ordinal); // UK time, no seconds
        Assert.Contains(">Test Hub ", html, StringComparison.Ordinal);
        Assert.Contains(booked.World.Nhs111 + "<br>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"2026-06-22\"", html, StringComparison.Ordinal); // the end the search used

        var (_, none) = await SearchPageAsync(page, TestPatients.NewNhsNumber());
        Assert.Contains("No appointments found", none, StringComparison.Ordinal);
        Assert.Contains("data-empty", none, StringComparison.Ordinal);

        // Back from an appointment reloads the results by address, without sending the form again.
        var (_, back) = await page.GetAsync("/Appointments?found=1");
        Assert.Contains("No appointments found", back, StringComparison.Ordinal);

        // The NHS number is posted, never put in the address (old code: a GET form, /Appointments?NhsNumber=...,
        // kept in the browser's history and any proxy's log); one put there by hand searches nothing.
        Assert.Contains("<form method=\"post\"", opened, StringComparison.Ordinal);
        var searches = await booked.World.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Actor == booked.World.PracticeStaffA && e.Action == AuditActions.AppointmentSearch));
        var (_, byAddress) = await page.GetAsync($"/Appointments?NhsNumber={booked.ByPracticeNhs}");
        Assert.DoesNotContain("data-appointment=", byAddress, StringComparison.Ordinal);
        Assert.Equal(searches, await booked.World.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Actor == booked.World.PracticeStaffA && e.Action == AuditActions.AppointmentSearch)));
    }

    [Fact]
    public async Task A_kept_search_is_the_searchers_alone_and_goes_at_sign_out()
    {
        // Old code: the search stayed in the browser's TempData cookie after sign-out, and the next person signed in there
        // saw the NHS number at ?found=1 and had the search run, and audited, in their name.
        var booked = await BookWorldAsync();
        var world = booked.World;
        using var browser = await PageClient.SignedInAsync(factory, world.PracticeStaffA);
        var (_, found) = await SearchPageAsync(browser, booked.ByNhs111Nhs);
        Assert.Contains($"data-appointment=\"{booked.ByNhs111}\"", found, StringComparison.Ordinal);

        // Another account signing in to the same browser, without signing out first, does not get it.
        using (var next = await browser.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = world.Nhs111, ["Password"] = ForwardFactory.DemoPassword }))
        {
            Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        }

        await AssertNothingKeptAsync();

        // Nor after a sign-out, even when the search was kept for the account that signs in next.
        await SearchPageAsync(browser, booked.ByNhs111Nhs);
        using (var signOut = await browser.PostFormAsync("/Account/SignOut", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        }

        using (var again = await browser.PostFormAsync("/Account/SignIn", new Dictionary<string, string> { ["UserName"] = world.Nhs111, ["Password"] = ForwardFactory.DemoPassword }))
        {
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        }

        await AssertNothingKeptAsync();

        async Task AssertNothingKeptAsync()
        {
            var searches = await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.AppointmentSearch));
            var (status, html) = await browser.GetAsync("/Appointments?found=1");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain(booked.ByNhs111Nhs, html, StringComparison.Ordinal);
            Assert.DoesNotContain("data-appointment=", html, StringComparison.Ordinal);
            Assert.Equal(searches, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.AppointmentSearch)));
        }
    }

    /// <summary>Posts the search form and, as a browser does, follows its redirect to the results (whose address has no NHS number).</summary>
    private static async Task<(HttpStatusCode Status, string Html)> SearchPageAsync(PageClient page, string nhsNumber, string from = "", string to = "")
    {
        var response = await page.PostFormAsync("/Appointments", new Dictionary<string, string> { ["NhsNumber"] = nhsNumber, ["From"] = from, ["To"] = to });
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var results = response.Headers.Location!.OriginalString;
        Assert.Equal("/Appointments?found=1", results);
        return await page.GetAsync(results);
    }

    [Fact]
    public async Task The_page_shows_field_errors_in_the_error_summary_and_never_fails()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var page = await PageClient.SignedInAsync(factory, world.Nhs111);

        var (status, html) = await SearchPageAsync(page, "123", from: "not-a-date");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("nhsuk-error-summary", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#NhsNumber\">NHS number must be 10 digits.</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#From\">Enter the start date as a real date", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-appointment=", html, StringComparison.Ordinal);

        var (_, range) = await page.GetAsync("/Appointments?From=2026-06-01&To=2026-08-01");
        Assert.Contains("href=\"#To\">Search at most 31 days at a time</a>", range, StringComparison.Ordinal);

        foreach (var hostile in new[] { "?From=9999-12-31", "?To=0001-01-01", "?From=2026-06-08&From=2026-06-09" })
        {
            var (hostileStatus, _) = await page.GetAsync("/Appointments" + hostile);
            Assert.Equal(HttpStatusCode.OK, hostileStatus);
        }

        foreach (var hostile in new[] { new string('9', 3000), "\0\u202e" })
        {
            // Never a 500 (the NUL one answers 400).
            Assert.True((int)(await SearchPageAsync(page, hostile)).Status < 500, hostile.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // A search that cannot run answers with the form and keeps nothing. Old code: it kept whatever was pasted in a
        // TempData cookie and redirected; 30,000 characters made cookies too big for any page of Forward (431).
        using var pasted = await page.PostFormAsync("/Appointments", new Dictionary<string, string> { ["NhsNumber"] = new string('x', 30_000), ["From"] = "", ["To"] = "" });
        Assert.Equal(HttpStatusCode.OK, pasted.StatusCode);
        Assert.Contains("href=\"#NhsNumber\">", await pasted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(pasted.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.Length > 1000);
        Assert.Equal(HttpStatusCode.OK, (await page.GetAsync("/")).Status);

        // Commissioners are not offered the page and are refused it.
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (refused, _) = await commissioner.GetAsync("/Appointments?From=");
        Assert.NotEqual(HttpStatusCode.OK, refused);
        Assert.DoesNotContain("href=\"/Appointments\"", (await commissioner.GetAsync("/")).Html, StringComparison.Ordinal);
    }

    private static Task<string> LastSearchDetailAsync(TestWorld world, string user) =>
        world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == user && e.Action == AuditActions.AppointmentSearch && e.EntityType == null)
            .OrderByDescending(e => e.Id).Select(e => e.Detail ?? string.Empty).FirstAsync());
}
