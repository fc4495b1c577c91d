using System.Net;
using System.Text.Json;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Hubs;

public sealed class HubsApiTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Theory]
    [InlineData("/api/v1/hubs?ccg=15%00E", "invalid-ods-code", "ccg")]
    [InlineData("/api/v1/practices?ccg=%E2%80%AE15E", "invalid-ods-code", "ccg")]
    [InlineData("/api/v1/practices?ccg=ABCDEFGHIJK", "invalid-ods-code", "ccg")]
    [InlineData("/api/v1/practices?q=Surgery%00", "query-invalid", "q")]
    public async Task A_filter_that_cannot_be_a_code_or_a_name_is_refused_on_its_field(string url, string code, string field)
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Commissioner);

        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        // As every other query parameter: 400 with the message under the name the client sent.
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Single(problem.GetProperty("errors").GetProperty(field).EnumerateArray());
    }

    [Fact]
    public async Task A_bad_ccg_and_bad_search_text_are_both_refused_on_their_fields()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Commissioner);

        using var response = await client.GetAsync(new Uri("/api/v1/practices?ccg=x-y&q=a%01", UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.Equal(["ccg", "q"], errors.EnumerateObject().Select(e => e.Name).Order());
    }

    [Fact]
    public async Task Search_text_over_100_characters_is_refused_on_its_field()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Commissioner);

        using var response = await client.GetAsync(new Uri("/api/v1/practices?q=" + new string('a', 101), UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("query-too-long", problem.GetProperty("code").GetString());
        Assert.Equal("Search text must be 100 characters or fewer.", problem.GetProperty("errors").GetProperty("q")[0].GetString());
    }

    [Fact]
    public async Task Lists_hubs_and_practices_and_shows_who_a_hub_serves()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Commissioner);

        var hubs = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/hubs?ccg=T{world.Prefix[1..].PadLeft(2, '0')}", UriKind.Relative))).RootElement;
        Assert.Equal(2, hubs.GetArrayLength());

        var hub = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/hubs/{world.HubId}", UriKind.Relative))).RootElement;
        Assert.Equal(2, hub.GetProperty("sessions").GetArrayLength());
        var served = Assert.Single(hub.GetProperty("practicesServed").EnumerateArray());
        Assert.Equal(world.PracticeA.OdsCode, served.GetProperty("odsCode").GetString());
        Assert.Equal(25000, hub.GetProperty("hub").GetProperty("populationServed").GetInt32());

        var practice = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/practices/{world.PracticeB.OdsCode.ToLowerInvariant()}", UriKind.Relative))).RootElement;
        Assert.Equal(world.OtherHubId, Assert.Single(practice.GetProperty("servedByHubs").EnumerateArray()).GetProperty("id").GetInt32());

        var search = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/practices?q=practice a{world.Prefix[1..]}", UriKind.Relative))).RootElement;
        Assert.Contains(search.EnumerateArray(), p => p.GetProperty("odsCode").GetString() == world.PracticeA.OdsCode);

        // By the area a practice is in, as the consultation form's search (old code: names and codes only, so none).
        var locality = $"Upper Testvale {world.Prefix}";
        await world.WithDbAsync(db => db.Networks.Where(n => n.Id == world.PracticeA.NetworkId).ExecuteUpdateAsync(u => u.SetProperty(n => n.Locality, locality)));
        var byArea = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/practices?q={Uri.EscapeDataString(locality.ToLowerInvariant())}", UriKind.Relative))).RootElement;
        Assert.Equal(new[] { world.PracticeA.OdsCode, world.PracticeB.OdsCode }.Order(), byArea.EnumerateArray().Select(p => p.GetProperty("odsCode").GetString()).Order());
        Assert.All(byArea.EnumerateArray(), p => Assert.Equal(locality, p.GetProperty("locality").GetString()));

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/v1/hubs/999999", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/v1/practices/NOPE", UriKind.Relative))).StatusCode);
    }
    [Fact]
    public async Task A_hubs_bookable_hours_follow_its_rota_while_its_stated_hours_stay_as_the_plans_give_them()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.Nhs111);
        async Task<JsonElement> HubAsync() => JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/hubs/{world.HubId}", UriKind.Relative))).RootElement.GetProperty("hub");
        async Task<JsonElement> ListedAsync() => JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/hubs?ccg=T{world.Prefix[1..].PadLeft(2, '0')}", UriKind.Relative))).RootElement
            .EnumerateArray().Single(h => h.GetProperty("id").GetInt32() == world.HubId);

        var stated = (await HubAsync()).GetProperty("openingHours").GetString();
        Assert.Equal("Mon–Fri 18:30–20:00", (await HubAsync()).GetProperty("bookableHours").GetString()); // two sessions, one stretch
        Assert.Equal("Mon–Fri 18:30–20:00", (await ListedAsync()).GetProperty("bookableHours").GetString());

        // The commissioner stops both sessions: callers are no longer told the hub runs weekday evenings (old code: the seeded text only).
        await world.WithDbAsync(db => db.Sessions.Where(s => s.HubId == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(s => s.IsActive, false)));
        Assert.Equal(Forward.Domain.Hubs.HubHours.None, (await HubAsync()).GetProperty("bookableHours").GetString());
        Assert.Equal(Forward.Domain.Hubs.HubHours.None, (await ListedAsync()).GetProperty("bookableHours").GetString());
        Assert.Equal(stated, (await HubAsync()).GetProperty("openingHours").GetString());
        var practice = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/api/v1/practices/{world.PracticeA.OdsCode}", UriKind.Relative))).RootElement;
        Assert.Equal(Forward.Domain.Hubs.HubHours.None, Assert.Single(practice.GetProperty("servedByHubs").EnumerateArray()).GetProperty("bookableHours").GetString());

        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        Assert.Matches($"data-hub=\"{world.HubId}\">(?:(?!</tr>).)*data-bookable-hours>{Forward.Domain.Hubs.HubHours.None}<", (await commissioner.GetAsync("/Admin/Hubs")).Html.ReplaceLineEndings(" "));
    }
}
