using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Web.Access;
using Forward.Web.Booking;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

public sealed class SlotSearchApiTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static async Task<JsonElement> Get(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Finds_only_free_future_slots_at_hubs_serving_the_practice()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA); // books two weeks ahead

        var result = await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12");
        var slots = result.GetProperty("slots").EnumerateArray().ToList();

        Assert.NotEmpty(slots);
        Assert.All(slots, s => Assert.Equal(world.HubId, s.GetProperty("hubId").GetInt32()));
        Assert.All(slots, s => Assert.True(s.GetProperty("startUtc").GetDateTime() > factory.Clock.GetUtcNow().UtcDateTime));

        // 5 weekdays × (2 GPs × 6 + 1 nurse × 3) slots.
        Assert.Equal(5 * 15, slots.Count);

        // The evening starts at 18:30 London time, which is 17:30 UTC in June.
        Assert.All(slots, s => Assert.True(s.GetProperty("startLocal").GetDateTimeOffset().TimeOfDay >= new TimeSpan(18, 30, 0)));
        Assert.All(slots, s => Assert.EndsWith("+01:00", s.GetProperty("startLocal").GetString(), StringComparison.Ordinal));
        Assert.Contains(slots, s => s.GetProperty("startUtc").GetDateTime().TimeOfDay == new TimeSpan(17, 30, 0));

        var practiceB = await Get(await world.ClientAsync(world.PracticeStaffB), $"/api/v1/slots?practice={world.PracticeB.OdsCode}&from=2026-06-08&to=2026-06-12");
        Assert.All(practiceB.GetProperty("slots").EnumerateArray(), s => Assert.Equal(world.OtherHubId, s.GetProperty("hubId").GetInt32()));
    }

    [Fact]
    public async Task A_hub_that_takes_bookings_48_hours_ahead_lists_and_takes_only_those_whoever_books()
    {
        var world = await TestWorld.CreateAsync(factory);
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var url = $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12";
        var practice = await world.ClientAsync(world.PracticeStaffA);
        var all = (await Get(practice, url)).GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startUtc").GetDateTime()).ToList();
        var far = (await world.FreeSlotsAsync()).First(s => s.StartUtc > now.AddHours(48));

        // As Leicester City's hubs: "same day or up to 48 hours in advance", through the practice too.
        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.MaximumBookingAheadHours, 48)));
        var found = await Get(practice, url);
        var listed = found.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startUtc").GetDateTime()).ToList();
        var window = Assert.Single(found.GetProperty("nearerHubWindows").EnumerateArray());
        Assert.Equal(world.HubId, window.GetProperty("hubId").GetInt32());
        Assert.Equal(48, window.GetProperty("maximumBookingAheadHours").GetInt32());

        // It is the only hub serving the practice, so the search stops where it does (old code: no bookableUntilUtc, as if
        // later dates might find something).
        Assert.Equal(48, found.GetProperty("hubsMaximumBookingAheadHours").GetInt32());
        Assert.Equal(now.AddHours(48), found.GetProperty("bookableUntilUtc").GetDateTime());

        Assert.Contains(all, start => start > now.AddHours(48));
        Assert.NotEmpty(listed);
        Assert.Equal(all.Where(start => start <= now.AddHours(48)), listed);
        using var refused = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(far.Id));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("This hub takes bookings at most 48 hours ahead.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another hub, without a window of its own, still lists the practice's fortnight.
        var otherSearch = await Get(await world.ClientAsync(world.PracticeStaffB), $"/api/v1/slots?practice={world.PracticeB.OdsCode}&from=2026-06-08&to=2026-06-12");
        Assert.Contains(otherSearch.GetProperty("slots").EnumerateArray(), s => s.GetProperty("startUtc").GetDateTime() > now.AddHours(48));
        Assert.Empty(otherSearch.GetProperty("nearerHubWindows").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, otherSearch.GetProperty("bookableUntilUtc").ValueKind);
        Assert.Equal(JsonValueKind.Null, otherSearch.GetProperty("hubsMaximumBookingAheadHours").ValueKind);
    }

    [Fact]
    public async Task Nhs111_finds_only_the_slots_it_may_book_those_in_the_next_48_hours()
    {
        var world = await TestWorld.CreateAsync(factory);
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var url = $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12";
        var all = (await Get(await world.ClientAsync(world.PracticeStaffA), url)).GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startUtc").GetDateTime()).ToList();

        var nhs111 = (await Get(await world.ClientAsync(world.Nhs111), url)).GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startUtc").GetDateTime()).ToList();

        Assert.Contains(all, start => start > now.AddHours(48));
        Assert.NotEmpty(nhs111);
        Assert.Equal(all.Where(start => start <= now.AddHours(48)), nhs111);
    }

    [Fact]
    public async Task A_search_past_its_limit_says_it_was_cut_short()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);
        Assert.False((await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12")).GetProperty("truncated").GetBoolean());

        await using var scope = factory.Services.CreateAsyncScope();
        var booking = scope.ServiceProvider.GetRequiredService<BookingService>();
        var actor = new Actor(world.Nhs111, Roles.Nhs111, null, null, null, null);
        var all = await booking.SearchAsync(new SlotSearch(world.PracticeA.OdsCode, new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 12)), actor);
        var first = await booking.SearchAsync(new SlotSearch(world.PracticeA.OdsCode, new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 12), MaxResults: 3), actor);
        Assert.True(first.Truncated);
        Assert.Equal(all.Slots.Take(3).Select(s => s.Id), first.Slots.Select(s => s.Id));
        Assert.False((await booking.SearchAsync(new SlotSearch(world.PracticeA.OdsCode, new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 12), MaxResults: all.Slots.Count), actor)).Truncated);
    }

    [Fact]
    public async Task Filters_by_role_and_delivery_mode()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);

        var phone = await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12&mode=Telephone");
        var gps = await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12&role=GeneralPractitioner");

        Assert.Equal(15, phone.GetProperty("slots").GetArrayLength());
        Assert.All(phone.GetProperty("slots").EnumerateArray(), s => Assert.Equal("PracticeNurse", s.GetProperty("role").GetString()));
        Assert.Equal(60, gps.GetProperty("slots").GetArrayLength());
    }

    [Fact]
    public async Task A_role_or_mode_is_one_name_in_any_case_and_empty_is_none()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        var week = $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12";

        // Old code: the name's case had to match (generalpractitioner was 400), and mode= was 400.
        foreach (var (query, count) in new[] { ("role=generalpractitioner", 60), ("role=%20GeneralPractitioner%20", 60), ("mode=TELEPHONE", 15), ("mode=", 75), ("role=", 75) })
        {
            Assert.Equal(count, (await Get(client, $"{week}&{query}")).GetProperty("slots").GetArrayLength());
        }
    }

    [Theory]
    [InlineData("role=PracticeNurse,AdvancedNursePractitioner", "role")] // old code: 200, ORed into ClinicalPharmacist's slots
    [InlineData("role=GeneralPractitioner,PracticeNurse", "role")] // old code: 200, the nurse's slots only
    [InlineData("role=PracticeNurse&role=AdvancedNursePractitioner", "role")] // old code: joined with a comma, as above
    [InlineData("role=GeneralPractitioner&role=GeneralPractitioner", "role")]
    [InlineData("role=&role=PracticeNurse", "role")] // old code: the nurse's slots
    [InlineData("role=1", "role")] // old code: 200, the nurse's slots
    [InlineData("role=0", "role")]
    [InlineData("role=99", "role")]
    [InlineData("mode=FaceToFace,Telephone", "mode")] // old code: 200, the telephone slots only
    [InlineData("mode=Telephone&mode=Video", "mode")]
    [InlineData("mode=1", "mode")]
    [InlineData("mode=Carrier-pigeon", "mode")]
    public async Task A_role_or_mode_that_is_not_one_name_sent_once_is_400_naming_it_and_its_names(string query, string field)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);

        var problem = await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-12&{query}", HttpStatusCode.BadRequest);

        Assert.Equal("validation-failed", problem.GetProperty("code").GetString());
        var message = Assert.Single(Assert.Single(problem.GetProperty("errors").EnumerateObject(), e => e.Name == field).Value.EnumerateArray()).GetString();
        Assert.Equal(
            field == "mode"
                ? "Send one mode: FaceToFace, Telephone or Video"
                : "Send one role: GeneralPractitioner, PracticeNurse, AdvancedNursePractitioner, ClinicalPharmacist, Physiotherapist, PhysicianAssociate, Paramedic, HealthcareAssistant or MentalHealthPractitioner",
            message);
    }

    [Theory]
    [InlineData("from=2026-06-12&to=2026-06-10", "to")]
    [InlineData("from=2026-06-08&to=2026-06-30", "to")]
    [InlineData("from=2026-06-01&to=2026-06-05", "from")]
    [InlineData("from=9999-12-31", "from")]
    [InlineData("from=2028-06-09&to=2028-06-10", "from")]
    [InlineData("role=99", "role")] // old code: a number naming no role or mode found nothing, 200 with no slots
    [InlineData("mode=-1", "mode")]
    public async Task Bad_date_ranges_are_400_naming_the_field(string range, string field)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);

        var problem = await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&{range}", HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Practice_is_required_for_111_and_must_exist()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);

        Assert.True((await Get(client, "/api/v1/slots", HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("practice", out _));
        Assert.True((await Get(client, "/api/v1/slots?practice=ZZZZZZ", HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("practice", out _));
        Assert.True((await Get(client, "/api/v1/slots?practice=C84%00901", HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("practice", out _));
        await Get(client, "/api/v1/slots?practice=X&mode=Carrier-pigeon", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_hub_clinician_searching_for_a_practice_their_hub_does_not_serve_is_400_naming_the_practice()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.HubClinician);

        // Old code: 200 with no slots, the search quietly kept to their hub, which booking would refuse the patient at anyway.
        var problem = await Get(client, $"/api/v1/slots?practice={world.PracticeB.OdsCode}&from=2026-06-08&to=2026-06-09", HttpStatusCode.BadRequest);

        var message = Assert.Single(problem.GetProperty("errors").GetProperty("practice").EnumerateArray()).GetString();
        Assert.Equal($"Your hub (Test Hub {world.Prefix[1..]}) does not serve {world.PracticeB.Name} ({world.PracticeB.OdsCode})", message);

        var own = await Get(client, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-09");
        Assert.NotEmpty(own.GetProperty("slots").EnumerateArray());
        Assert.All(own.GetProperty("slots").EnumerateArray(), s => Assert.Equal(world.HubId, s.GetProperty("hubId").GetInt32()));
    }

    [Fact]
    public async Task A_hub_named_that_cannot_take_the_practice_s_patients_is_400_on_hub_not_an_empty_list()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhs111 = await world.ClientAsync(world.Nhs111);
        var range = "from=2026-06-08&to=2026-06-09";

        // Old code: 200 with no slots, read as "fully booked".
        var notServing = await Get(nhs111, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&{range}&hub={world.OtherHubId}", HttpStatusCode.BadRequest);
        Assert.Equal(
            $"Other Hub {world.Prefix[1..]} does not take bookings for patients of {world.PracticeA.Name} ({world.PracticeA.OdsCode})",
            Assert.Single(notServing.GetProperty("errors").GetProperty("hub").EnumerateArray()).GetString());

        var unknown = await Get(nhs111, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&{range}&hub=2147483647", HttpStatusCode.BadRequest);
        Assert.Equal("There is no hub 2147483647", Assert.Single(unknown.GetProperty("errors").GetProperty("hub").EnumerateArray()).GetString());

        // A hub clinician books only at their own hub, even one serving the practice too.
        await world.WithDbAsync(db =>
        {
            db.HubPractices.Add(new HubPractice { HubId = world.OtherHubId, PracticeId = world.PracticeA.Id });
            return db.SaveChangesAsync();
        });
        var clinician = await world.ClientAsync(world.HubClinician);
        var otherHub = await Get(clinician, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&{range}&hub={world.OtherHubId}", HttpStatusCode.BadRequest);
        Assert.Equal($"You book only at your own hub, not Other Hub {world.Prefix[1..]}", Assert.Single(otherHub.GetProperty("errors").GetProperty("hub").EnumerateArray()).GetString());

        // A hub that does serve the practice lists its own slots alone.
        var served = await Get(nhs111, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&{range}&hub={world.OtherHubId}");
        Assert.NotEmpty(served.GetProperty("slots").EnumerateArray());
        Assert.All(served.GetProperty("slots").EnumerateArray(), s => Assert.Equal(world.OtherHubId, s.GetProperty("hubId").GetInt32()));
    }

    [Fact]
    public async Task A_clinician_of_a_closed_hub_is_told_it_is_closed_not_shown_no_slots()
    {
        var world = await TestWorld.CreateAsync(factory);
        var clinician = await world.ClientAsync(world.HubClinician);
        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.IsActive, false)));

        // Old code: 200 with no slots; booking refuses every patient at a closed hub.
        var response = await clinician.GetAsync(new Uri($"/api/v1/slots?practice={world.PracticeA.OdsCode}&from=2026-06-08&to=2026-06-09", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"Your hub (Test Hub {world.Prefix[1..]}) is closed, so it takes no bookings.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Dates_left_out_stop_where_booking_stops_not_a_week_on()
    {
        var world = await TestWorld.CreateAsync(factory);
        var practice = await world.ClientAsync(world.PracticeStaffA);
        Assert.Equal("2026-06-14", (await Get(practice, $"/api/v1/slots?practice={world.PracticeA.OdsCode}")).GetProperty("to").GetString());

        // NHS 111 books 48 hours ahead; so does the practice's only hub once it takes bookings no further (old code: to
        // 14 June for both, a week whose last four days could never list a slot).
        Assert.Equal("2026-06-10", (await Get(await world.ClientAsync(world.Nhs111), $"/api/v1/slots?practice={world.PracticeA.OdsCode}")).GetProperty("to").GetString());
        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.MaximumBookingAheadHours, 48)));
        var capped = await Get(practice, $"/api/v1/slots?practice={world.PracticeA.OdsCode}");
        Assert.Equal("2026-06-10", capped.GetProperty("to").GetString());
        Assert.NotEmpty(capped.GetProperty("slots").EnumerateArray());

        // Dates the booker gives are kept.
        Assert.Equal("2026-06-12", (await Get(practice, $"/api/v1/slots?practice={world.PracticeA.OdsCode}&to=2026-06-12")).GetProperty("to").GetString());
    }

    [Fact]
    public async Task Practice_staff_search_their_own_practice_by_default_and_no_other()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);

        var own = await Get(client, "/api/v1/slots?from=2026-06-08&to=2026-06-09");
        Assert.Equal(world.PracticeA.OdsCode, own.GetProperty("practiceOds").GetString());
        await Get(client, $"/api/v1/slots?practice={world.PracticeB.OdsCode}", HttpStatusCode.Forbidden);
    }
}
