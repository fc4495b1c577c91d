using System.Diagnostics;
using Forward.Data;
using Forward.Domain.Audit;
using Forward.Web.Access;

namespace Forward.Web.Audit;

/// <summary>
/// Adds audit entries to the current unit of work, so an entry commits together with the change it records, or not at all.
/// </summary>
public sealed class AuditLog(ForwardDbContext db, TimeProvider clock, OrganisationCcgs ccgs)
{
    /// <param name="practiceId">
    /// The practice the event concerns when no hub does (an online request's, a training record's); the acting user's
    /// practice when not given. Commissioners see an event through its hub, its practice or the acting user's CCG (stamped
    /// on every entry), so an event that names none of them (an NHS 111 handler's sign-in) is seen by none.
    /// </param>
    /// <param name="traceId">The request's trace when the entry is written on its behalf outside it (a booking batch).</param>
    public void Write(Actor actor, string action, string outcome, string? entityType = null, string? entityId = null, int? patientId = null, int? hubId = null, string? detail = null, string? traceId = null, int? practiceId = null) =>
        db.AuditEvents.Add(Entry(actor, action, outcome, entityType, entityId, patientId, hubId, detail, traceId, practiceId));

    /// <summary>The entry <see cref="Write"/> adds, for a caller that writes its rows itself in the same transaction (the booking writer).</summary>
    public AuditEvent Entry(Actor actor, string action, string outcome, string? entityType = null, string? entityId = null, int? patientId = null, int? hubId = null, string? detail = null, string? traceId = null, int? practiceId = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        practiceId ??= actor.PracticeId;
        return new AuditEvent
        {
            OccurredUtc = clock.GetUtcNow().UtcDateTime,
            Actor = actor.UserName,
            ActorRole = actor.Role,
            Action = action,
            Outcome = outcome,
            EntityType = entityType,
            EntityId = entityId,
            PatientId = patientId,
            HubId = hubId,
            PracticeId = practiceId,
            CcgId = ccgs.Of(db, actor),
            Detail = detail is { Length: > 1000 } ? detail[..1000] : detail,
            TraceId = traceId ?? Activity.Current?.TraceId.ToString(),
        };
    }
}
