using Forward.Data;
using Forward.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Audit;

/// <summary>
/// The CCG each practice and hub belongs to, so every audit event can carry its acting user's CCG (a commissioner's is
/// in their sign-in; practice staff and hub clinicians have only their practice or hub). Reference data that hardly
/// changes: read once per app, and again when an id is not in it (a practice or hub added since).
/// </summary>
public sealed class OrganisationCcgs
{
    private volatile Map? map;

    /// <summary>The acting user's CCG, or null for users of none (NHS 111, the public, a client system).</summary>
    public int? Of(ForwardDbContext db, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.CcgId is { } ccg)
        {
            return ccg;
        }

        if (actor.PracticeId is null && actor.HubId is null)
        {
            return null;
        }

        var current = map;
        if (current?.Find(actor) is { } known)
        {
            return known;
        }

        // Synchronous: an audit entry is added inside whatever unit of work is running, and this runs once per app and
        // per new organisation, not per request.
        current = map = new Map(
            db.Practices.AsNoTracking().Select(p => new { p.Id, p.Network!.CcgId }).ToDictionary(p => p.Id, p => p.CcgId),
            db.Hubs.AsNoTracking().Select(h => new { h.Id, h.CcgId }).ToDictionary(h => h.Id, h => h.CcgId));
        return current.Find(actor);
    }

    private sealed record Map(Dictionary<int, int> Practices, Dictionary<int, int> Hubs)
    {
        public int? Find(Actor actor) =>
            actor.PracticeId is { } practice ? (Practices.TryGetValue(practice, out var p) ? p : null)
            : actor.HubId is { } hub && Hubs.TryGetValue(hub, out var h) ? h : null;
    }
}
