using Forward.Data;
using Forward.Domain;
using Forward.Domain.Hubs;
using Forward.Domain.Organisations;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Hubs;

/// <param name="OpeningHours">The hours as the plans state them (with their source), or a synthetic standard when they do not.</param>
/// <param name="MaximumBookingAheadHours">How far ahead the hub takes bookings whoever books, where nearer than the booker's channel allows; null: the channel's window.</param>
/// <param name="BookableHours">What its rota runs today ("Weekdays 18:30–20:00; ..."), where the reader fills it in; the stated hours are not kept up to date with rota changes.</param>
public sealed record HubSummary(int Id, string Code, string Name, string? SiteName, string? Town, string CcgOds, string CcgName, HubTier Tier, string OpeningHours, bool HoursAreSynthetic, int PracticesServed, int PopulationServed, int? MaximumBookingAheadHours, string? BookableHours);

public sealed record SessionSummary(int Id, string Name, string Days, TimeOnly StartTime, TimeOnly EndTime, ClinicianRole Role, DeliveryMode Mode, int SlotMinutes, int Clinicians, DateOnly ValidFrom, DateOnly? ValidUntil, bool IsActive);

public sealed record PracticeSummary(int Id, string OdsCode, string Name, string NetworkName, string Locality, string CcgOds, int ListSize, string Contract, string ClinicalSystem, bool IsSynthetic);

public sealed record HubDetail(HubSummary Hub, IReadOnlyList<SessionSummary> Sessions, IReadOnlyList<PracticeSummary> PracticesServed, string? Source);

public sealed record PracticeDetail(PracticeSummary Practice, IReadOnlyList<HubSummary> ServedByHubs);

/// <summary>Reference data reads: hubs and practices. Any signed-in user may read them; nothing here identifies a patient.</summary>
public static class HubsApi
{
    public static void MapHubsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var hubs = api.MapGroup("/hubs").WithTags("Hubs").RequiresScope(ApiScopes.OrganisationRead);
        // 403: a client system not allowed organization/*.read; 400 and 404 only where there is a filter or an id to get wrong.
        hubs.MapGet("/", ListHubsAsync).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden).WithSummary("Hubs, optionally for one CCG (ODS code).");
        hubs.MapGet("/{id:int}", GetHubAsync).WithProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound).WithSummary("A hub with its rota and the practices it serves.");
        var practices = api.MapGroup("/practices").WithTags("Practices").RequiresScope(ApiScopes.OrganisationRead);
        practices.MapGet("/", ListPracticesAsync).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden).WithSummary("Practices, optionally for one CCG (ODS code) or matching a name, code or locality (the area a practice is in).");
        practices.MapGet("/{ods}", GetPracticeAsync).WithProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound).WithSummary("A practice and the hubs that serve it.");
    }

    /// <summary>Projects hubs to summaries; filter the hubs first (EF cannot filter on a projected record's properties).</summary>
    public static IQueryable<HubSummary> HubSummaries(IQueryable<Hub> hubs)
    {
        ArgumentNullException.ThrowIfNull(hubs);
        return hubs.AsNoTracking().OrderBy(h => h.Ccg!.Name).ThenBy(h => h.Name).Select(h => new HubSummary(
            h.Id, h.Code, h.Name, h.SiteName, h.Town, h.Ccg!.OdsCode, h.Ccg.Name, h.Tier, h.OpeningHours, h.HoursAreSynthetic,
            h.ServedPractices.Count, h.ServedPractices.Sum(sp => sp.Practice!.ListSize), h.MaximumBookingAheadHours, null));
    }

    /// <summary>The hubs with <see cref="HubSummary.BookableHours"/> filled in from their rotas as they run today.</summary>
    public static async Task<List<HubSummary>> WithBookableHoursAsync(ForwardDbContext db, IReadOnlyList<HubSummary> hubs, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hubs);
        var hours = await BookableHoursAsync(db, hubs.Select(h => h.Code).ToList(), today, ct);
        return hubs.Select(h => h with { BookableHours = hours[h.Code] }).ToList();
    }

    /// <summary>
    /// Each hub's bookable hours from the sessions its rota runs today, by hub code: what a hub offers now, not what was
    /// written when it was seeded. A closed hub offers nothing.
    /// </summary>
    public static async Task<Dictionary<string, string>> BookableHoursAsync(ForwardDbContext db, IReadOnlyCollection<string> hubCodes, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(hubCodes);
        if (hubCodes.Count == 0)
        {
            return [];
        }

        var sessions = (await db.Sessions.AsNoTracking()
            .Where(s => hubCodes.Contains(s.Hub!.Code) && s.Hub.IsActive && s.IsActive && s.ValidFrom <= today && (s.ValidUntil == null || s.ValidUntil >= today))
            .Select(s => new { s.Hub!.Code, Times = new SessionTimes(s.Days, s.StartTime, s.EndTime) })
            .ToListAsync(ct))
            .ToLookup(s => s.Code, s => s.Times, StringComparer.Ordinal);
        return hubCodes.Distinct(StringComparer.Ordinal).ToDictionary(code => code, code => HubHours.Describe(sessions[code]), StringComparer.Ordinal);
    }

    public static IQueryable<PracticeSummary> PracticeSummaries(IQueryable<Domain.Organisations.Practice> practices)
    {
        ArgumentNullException.ThrowIfNull(practices);
        return practices.AsNoTracking().OrderBy(p => p.Name).Select(p => new PracticeSummary(
            p.Id, p.OdsCode, p.Name, p.Network!.Name, p.Network.Locality, p.Network.Ccg!.OdsCode, p.ListSize, p.Contract.ToString(), p.ClinicalSystem, p.IsSynthetic));
    }

    public static async Task<HubDetail> GetHubDetailAsync(ForwardDbContext db, int id, DateOnly today, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var found = await HubSummaries(db.Hubs.Where(h => h.Id == id)).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("hub-not-found", $"There is no hub {id}.");
        var hub = (await WithBookableHoursAsync(db, [found], today, ct))[0];
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.HubId == id).OrderBy(s => s.StartTime).ThenBy(s => s.Name).ToListAsync(ct);
        var practices = await PracticeSummaries(db.Practices.Where(p => db.HubPractices.Any(hp => hp.HubId == id && hp.PracticeId == p.Id))).ToListAsync(ct);
        var source = await db.Hubs.Where(h => h.Id == id).Select(h => h.Source).FirstAsync(ct);
        return new HubDetail(
            hub,
            sessions.Select(s => new SessionSummary(s.Id, s.Name, s.Days.Describe(), s.StartTime, s.EndTime, s.Role, s.Mode, s.SlotMinutes, s.Clinicians, s.ValidFrom, s.ValidUntil, s.IsActive)).ToList(),
            practices,
            source);
    }

    private static async Task<Ok<List<HubSummary>>> ListHubsAsync([FromQuery] string? ccg, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var hubs = db.Hubs.AsQueryable();
        if (OdsFilter(ccg) is { } code)
        {
            hubs = hubs.Where(h => h.Ccg!.OdsCode == code);
        }

        return TypedResults.Ok(await WithBookableHoursAsync(db, await HubSummaries(hubs).ToListAsync(ct), London.Today(clock), ct));
    }

    private static async Task<Ok<HubDetail>> GetHubAsync(int id, ForwardDbContext db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await GetHubDetailAsync(db, id, London.Today(clock), ct));

    private static async Task<Ok<List<PracticeSummary>>> ListPracticesAsync([FromQuery] string? ccg, [FromQuery] string? q, ForwardDbContext db, CancellationToken ct)
    {
        // Both filters are checked before either is refused, so a client is told of every one it must put right.
        ValidationFailedException[] problems = [.. new[] { OdsProblem(ccg), SearchTextProblem(q) }.OfType<ValidationFailedException>()];
        if (problems.Length == 1)
        {
            throw problems[0];
        }

        ValidationFailedException.ThrowIfAny(problems.SelectMany(p => p.Errors).ToDictionary());
        var query = db.Practices.AsQueryable();
        if (OdsFilter(ccg) is { } code)
        {
            query = query.Where(p => p.Network!.Ccg!.OdsCode == code);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            // Upper-case both sides so the match ignores case on SQLite and PostgreSQL alike; escape LIKE wildcards.
            var pattern = "%" + q.Trim().ToUpperInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(p => EF.Functions.Like(p.Name.ToUpper(), pattern, "\\") || EF.Functions.Like(p.OdsCode, pattern, "\\")
                || EF.Functions.Like(p.Network!.Locality.ToUpper(), pattern, "\\"));
        }

        return TypedResults.Ok(await PracticeSummaries(query).Take(1000).ToListAsync(ct));
    }

    private static async Task<Ok<PracticeDetail>> GetPracticeAsync(string ods, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var code = ods.Trim().ToUpperInvariant();
        if (!OdsCodes.IsWellFormed(code))
        {
            throw DomainException.NotFound("practice-not-found", "That is not a practice code.");
        }

        var practice = await PracticeSummaries(db.Practices.Where(p => p.OdsCode == code)).FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("practice-not-found", $"No practice has the code {code}.");
        var hubs = await HubSummaries(db.Hubs.Where(h => h.ServedPractices.Any(hp => hp.PracticeId == practice.Id))).ToListAsync(ct);
        return TypedResults.Ok(new PracticeDetail(practice, await WithBookableHoursAsync(db, hubs, London.Today(clock), ct)));
    }

    /// <summary>
    /// A CCG filter as given (trimmed, upper case), or null for none. ODS codes are a few ASCII letters and digits;
    /// anything else is refused before it reaches the database (PostgreSQL would fail on a NUL in it).
    /// </summary>
    private static string? OdsFilter(string? value) =>
        OdsProblem(value) is { } problem ? throw problem
        : string.IsNullOrWhiteSpace(value) ? null
        : value.Trim().ToUpperInvariant();

    private static ValidationFailedException? OdsProblem(string? value) =>
        string.IsNullOrWhiteSpace(value) || OdsCodes.IsWellFormed(value.Trim().ToUpperInvariant())
            ? null
            : ValidationFailedException.On("ccg", "ccg must be an ODS code: letters and digits, at most 10.", "invalid-ods-code");

    /// <summary>Search text too long, or with a control character (PostgreSQL refuses a NUL in text outright; no name or code has one).</summary>
    private static ValidationFailedException? SearchTextProblem(string? q) =>
        FreeText.Characters(q) > 100 ? ValidationFailedException.On("q", "Search text must be 100 characters or fewer.", "query-too-long")
        : q is not null && q.Trim().Any(char.IsControl) ? ValidationFailedException.On("q", "Search text cannot contain control characters.", "query-invalid")
        : null;
}
