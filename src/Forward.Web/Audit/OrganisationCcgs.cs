using System.Collections.Concurrent;
using Forward.Data;
using Forward.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Audit;

/// <summary>
/// The CCG each practice and hub belongs to, so every audit event can carry its acting user's CCG (a commissioner's is
/// in their sign-in; practice staff and hub clinicians have only their practice or hub). A practice or hub never changes
/// CCG, so each is read once per app, by its key, when first needed.
/// </summary>
public sealed class OrganisationCcgs
{
    private readonly ConcurrentDictionary<int, int> practices = new();
    private readonly ConcurrentDictionary<int, int> hubs = new();

    /// <summary>The acting user's CCG, or null for users of none (NHS 111, the public, a client system).</summary>
    public int? Of(ForwardDbContext db, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.CcgId is { } ccg)
        {
            return ccg;
        }

        // Synchronous: an audit entry is added inside whatever unit of work is running. An id that is in no table (an
        // account whose practice is gone) is looked up again next time, by key, which costs one indexed read.
        return (actor.PracticeId is { } practiceId
                ? Lookup(practices, practiceId, id => db.Practices.AsNoTracking().Where(p => p.Id == id).Select(p => (int?)p.Network!.CcgId).FirstOrDefault())
                : null)
            ?? (actor.HubId is { } hubId
                ? Lookup(hubs, hubId, id => db.Hubs.AsNoTracking().Where(h => h.Id == id).Select(h => (int?)h.CcgId).FirstOrDefault())
                : null);
    }

    private static int? Lookup(ConcurrentDictionary<int, int> cache, int id, Func<int, int?> read)
    {
        if (cache.TryGetValue(id, out var known))
        {
            return known;
        }

        if (read(id) is { } found)
        {
            cache[id] = found;
            return found;
        }

        return null;
    }
}
