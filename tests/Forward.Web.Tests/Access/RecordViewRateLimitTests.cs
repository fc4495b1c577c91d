using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Audit;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Access;

/// <summary>A host that allows three record summary requests per user per minute.</summary>
public sealed class LowRecordViewLimitFactory() : RateLimitedFactory("Forward:RateLimits:RecordViewsPerMinutePerUser", PerMinute)
{
    public const int PerMinute = 3;
}

/// <summary>
/// Every attempt to open a record summary is audited, refusals included, so any signed-in account could otherwise fill
/// the audit log as fast as it can send requests. Attempts are counted per user, page and API together; past the limit
/// the answer is 429 with Retry-After and nothing is written. Other users keep their own allowance.
/// </summary>
public sealed class RecordViewRateLimitTests(LowRecordViewLimitFactory factory) : IClassFixture<LowRecordViewLimitFactory>
{
    [Fact]
    public async Task Record_requests_past_the_limit_answer_429_per_user_and_write_no_audit()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var practice = await world.ClientAsync(world.PracticeStaffA);
        var slot = (await world.FreeSlotsAsync())[0];
        using var booked = await practice.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var record = new Uri($"/api/v1/appointments/{id}/record", UriKind.Relative);

        using var clinician = await world.ClientAsync(world.HubClinician);
        for (var i = 0; i < LowRecordViewLimitFactory.PerMinute; i++)
        {
            using var allowed = await clinician.GetAsync(record);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await clinician.GetAsync(record);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {limited.Headers.RetryAfter}");

        // The page shares the user's allowance.
        using (var page = await PageClient.SignedInAsync(factory, world.HubClinician))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, (await page.GetAsync($"/Hubs/Record/{id}")).Status);
        }

        // Someone else is not held back by it: the other hub's clinician is refused by the rules, and audited.
        using var other = await world.ClientAsync(world.OtherHubClinician);
        using var refused = await other.GetAsync(record);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var audited = await world.WithDbAsync(db => db.AuditEvents
            .Where(e => e.EntityId == id.ToString(System.Globalization.CultureInfo.InvariantCulture) && (e.Action == AuditActions.RecordView || e.Action == AuditActions.RecordViewDenied))
            .Select(e => e.Actor).ToListAsync());
        Assert.Equal(LowRecordViewLimitFactory.PerMinute, audited.Count(a => a == world.HubClinician));
        Assert.Equal(1, audited.Count(a => a == world.OtherHubClinician));
    }
}
