using System.Net;
using Forward.Domain.Audit;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using FhirSlot = Hl7.Fhir.Model.Slot;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>A host that allows three FHIR requests per user (or anonymous address) per minute.</summary>
public sealed class LowFhirLimitFactory() : RateLimitedFactory("Forward:RateLimits:FhirPerMinutePerUser", PerMinute)
{
    public const int PerMinute = 3;
}

/// <summary>
/// Every FHIR call with a token is audited, refusals too, so one account could otherwise add audit rows as fast as it
/// can send requests. Calls are counted per user; past the limit the answer is a 429 OperationOutcome with Retry-After
/// and nothing is audited. Other users keep their own allowance; the anonymous capability statement is counted per address.
/// </summary>
public sealed class FhirRateLimitTests(LowFhirLimitFactory factory) : IClassFixture<LowFhirLimitFactory>
{
    [Fact]
    public async Task Fhir_calls_past_the_limit_answer_429_per_user_as_an_operation_outcome_and_write_no_audit()
    {
        var world = await TestWorld.CreateAsync(factory);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var search = FhirTestKit.SlotSearch(today, today.AddDays(2), world.PracticeA.OdsCode);

        // A person's account, with no scopes: every call is refused (403) and audited (old code: as many as were sent).
        var (refused, refusedResponses) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA, scopes: null);
        for (var i = 0; i < LowFhirLimitFactory.PerMinute; i++)
        {
            await FhirTestKit.ExpectErrorAsync(world, () => refused.SearchAsync<FhirSlot>(search), HttpStatusCode.Forbidden, "ACCESS_DENIED");
        }

        // Old code: 403 again, and another audit row.
        var limited = await FhirTestKit.ExpectErrorAsync(world, () => refused.SearchAsync<FhirSlot>(search), HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS");
        Assert.Equal(OperationOutcome.IssueType.Throttled, limited.Issue[0].Code);
        Assert.True(refusedResponses.LastResponse!.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {refusedResponses.LastResponse.Headers.RetryAfter}");
        Assert.Equal(
            LowFhirLimitFactory.PerMinute,
            await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Actor == world.PracticeStaffA && e.Action == AuditActions.FhirSlotSearch)));

        // Another client system is not held back by it.
        var (other, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);
        for (var i = 0; i < LowFhirLimitFactory.PerMinute; i++)
        {
            Assert.NotNull(await other.SearchAsync<FhirSlot>(search));
        }

        await FhirTestKit.ExpectErrorAsync(world, () => other.SearchAsync<FhirSlot>(search), HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS");

        // The capability statement counts too, per address for a caller without a token (it is not audited).
        var (anonymous, anonymousResponses) = FhirTestKit.Anonymous(factory);
        for (var i = 0; i < LowFhirLimitFactory.PerMinute; i++)
        {
            Assert.NotNull(await anonymous.CapabilityStatementAsync());
        }

        var metadata = await Assert.ThrowsAsync<FhirOperationException>(() => anonymous.CapabilityStatementAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, metadata.Status);
        FhirTestKit.AssertOutcome(metadata.Outcome!, "TOO_MANY_REQUESTS");
        Assert.NotNull(anonymousResponses.LastResponse!.Headers.RetryAfter);
    }
}
