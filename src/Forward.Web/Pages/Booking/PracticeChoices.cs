using Forward.Data;
using Forward.Domain.Organisations;
using Forward.Web.Access;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Pages.Booking;

/// <summary>Reference-data reads the booking forms need to offer practices by name. Nothing here decides who may book.</summary>
public static class PracticeChoices
{
    /// <summary>
    /// The practices a booker may pick from, grouped by CCG: a hub clinician sees the practices their hub serves (the
    /// search is limited to their hub anyway); NHS 111 sees every practice.
    /// </summary>
    public static async Task<IReadOnlyList<SelectListItem>> ForAsync(ForwardDbContext db, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        var practices = db.Practices.AsNoTracking();
        if (actor.IsHubClinician)
        {
            practices = practices.Where(p => db.HubPractices.Any(hp => hp.HubId == actor.HubId && hp.PracticeId == p.Id));
        }

        var rows = await practices
            .Select(p => new { p.OdsCode, p.Name, Ccg = p.Network!.Ccg!.Name })
            .ToListAsync(cancellationToken);

        // Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
        var groups = new Dictionary<string, SelectListGroup>(StringComparer.Ordinal);
        return rows
            .OrderBy(r => r.Ccg, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r =>
            {
                if (!groups.TryGetValue(r.Ccg, out var group))
                {
                    group = new SelectListGroup { Name = r.Ccg };
                    groups[r.Ccg] = group;
                }

                return new SelectListItem($"{r.Name} ({r.OdsCode})", r.OdsCode) { Group = group };
            })
            .ToList();
    }

    /// <summary>"Name (ODS)" for a practice code, or null when no practice has it.</summary>
    public static async Task<string?> DescribeAsync(ForwardDbContext db, string? odsCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var code = odsCode?.Trim().ToUpperInvariant();
        if (!OdsCodes.IsWellFormed(code))
        {
            // Not a code any practice has (and a NUL would be refused by PostgreSQL as an error, not as no match).
            return null;
        }

        var name = await db.Practices.AsNoTracking().Where(p => p.OdsCode == code).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken);
        return name is null ? null : $"{name} ({code})";
    }

    /// <summary>The practice a practice-staff user works at, as "Name (ODS)".</summary>
    public static async Task<string?> OwnPracticeAsync(ForwardDbContext db, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.PracticeId is not { } id)
        {
            return null;
        }

        var practice = await db.Practices.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Name, p.OdsCode }).FirstOrDefaultAsync(cancellationToken);
        return practice is null ? null : $"{practice.Name} ({practice.OdsCode})";
    }
}
