using System.Globalization;
using System.Reflection;
using CsvHelper;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Audit;
using Forward.Domain.Time;
using Forward.Web.Access;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Pages.Audit;

/// <summary>A search of the audit log. Dates are London calendar dates, inclusive; every part is optional.</summary>
public sealed record AuditFilter(DateOnly? From, DateOnly? To, string? Action, string? UserName, long? AppointmentId, int? PatientId, string? Outcome);

/// <summary>One audit event as a CSV row: instants in UTC (ISO 8601) and London wall-clock time.</summary>
[CsvRecord]
public sealed partial record AuditCsvRow(
    long Id,
    string OccurredUtc,
    string OccurredLondon,
    string Actor,
    string Role,
    string Action,
    string? EntityType,
    string? EntityId,
    int? PatientId,
    int? HubId,
    int? PracticeId,
    string Outcome,
    string? Detail,
    string? TraceId)
{
    public static AuditCsvRow From(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var utc = DateTime.SpecifyKind(e.OccurredUtc, DateTimeKind.Utc);
        return new AuditCsvRow(
            e.Id,
            utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            London.ToLocalWithOffset(utc).ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture),
            e.Actor,
            e.ActorRole,
            e.Action,
            e.EntityType,
            e.EntityId,
            e.PatientId,
            e.HubId,
            e.PracticeId,
            e.Outcome,
            e.Detail,
            e.TraceId);
    }
}

/// <summary>
/// Searches the append-only audit log for a commissioner: the events of their CCG's hubs and practices and of the CCG
/// itself. Newest first. Reading the log on screen is not itself audited; downloading it is (audit.export).
/// </summary>
public static class AuditSearch
{
    public const int PageSize = 50;
    public const int MaxUserNameLength = 100;

    /// <summary>Every action Forward records (the constants of <see cref="AuditActions"/>).</summary>
    public static IReadOnlyList<string> Actions { get; } = typeof(AuditActions)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>
    /// The outcomes Forward records: of any action; of a record view of no such appointment; of an online request sent
    /// or refused by its limit; of triage (a message queued, a request assigned, started, closed with its outcome).
    /// </summary>
    public static IReadOnlyList<string> Outcomes { get; } =
    [
        "success", "denied", "failed", "locked-out", "api-only", "not-found", "submitted", "nhs-number-limit", "queued", "assigned", "started",
        .. Enum.GetNames<Forward.Domain.Consultation.ConsultationOutcome>().Select(o => "outcome=" + o),
    ];

    /// <summary>Field → message for each problem (field names are <see cref="AuditFilter"/>'s).</summary>
    public static Dictionary<string, string> Validate(AuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var errors = new Dictionary<string, string>();
        if (!DateBounds.Allows(filter.From))
        {
            errors["From"] = DateBounds.Message;
        }

        if (!DateBounds.Allows(filter.To))
        {
            errors["To"] = DateBounds.Message;
        }
        else if (filter.From is { } from && DateBounds.Contains(from) && filter.To is { } to && to < from)
        {
            errors["To"] = "The 'to' date must be the same as or after the 'from' date";
        }

        if (!string.IsNullOrEmpty(filter.Action) && !Actions.Contains(filter.Action, StringComparer.Ordinal))
        {
            errors["Action"] = "Choose an action from the list";
        }

        if (FreeText.Characters(filter.UserName) > MaxUserNameLength)
        {
            errors["UserName"] = $"User name must be {MaxUserNameLength} characters or fewer";
        }
        else if (filter.UserName is not null && filter.UserName.Trim().Any(char.IsControl))
        {
            // No user name has one, and PostgreSQL refuses a NUL in text outright.
            errors["UserName"] = "User name cannot contain control characters";
        }

        if (filter.AppointmentId is <= 0)
        {
            errors["AppointmentId"] = "Appointment number must be a whole number above 0";
        }

        if (filter.PatientId is <= 0)
        {
            errors["PatientId"] = "Patient id must be a whole number above 0";
        }

        if (!string.IsNullOrEmpty(filter.Outcome) && !Outcomes.Contains(filter.Outcome, StringComparer.Ordinal))
        {
            errors["Outcome"] = "Choose an outcome from the list";
        }

        return errors;
    }

    /// <summary>The events the commissioner may see that match the filter, newest first.</summary>
    public static IQueryable<AuditEvent> Query(ForwardDbContext db, AuditFilter filter, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsCommissioner)
        {
            throw DomainException.Forbidden("commissioner-only", "Only commissioners search the audit log.");
        }

        // A commissioner sees what happened at their CCG's hubs, to their practices' patients and business, and what their
        // CCG's users did; nothing that names none of these (an NHS 111 handler's sign-in, a name nobody has).
        var ccgId = actor.CcgId ?? throw DomainException.Forbidden("no-ccg", "Your account is not linked to a CCG.");
        var hubs = db.Hubs.Where(h => h.CcgId == ccgId).Select(h => h.Id);
        var practices = db.Practices.Where(p => p.Network!.CcgId == ccgId).Select(p => p.Id);
        var query = db.AuditEvents.AsNoTracking()
            .Where(e => (e.HubId != null && hubs.Contains(e.HubId.Value))
                || (e.PracticeId != null && practices.Contains(e.PracticeId.Value))
                || (e.CcgId != null && e.CcgId == ccgId));
        if (filter.From is { } from)
        {
            var fromUtc = London.StartOfDayUtc(from);
            query = query.Where(e => e.OccurredUtc >= fromUtc);
        }

        if (filter.To is { } to)
        {
            var toUtc = London.StartOfDayUtc(to.AddDays(1));
            query = query.Where(e => e.OccurredUtc < toUtc);
        }

        if (!string.IsNullOrEmpty(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (!string.IsNullOrWhiteSpace(filter.UserName))
        {
            // Upper-case both sides so the match ignores case on SQLite and PostgreSQL alike; escape LIKE wildcards.
            var pattern = "%" + filter.UserName.Trim().ToUpperInvariant()
                .Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(e => EF.Functions.Like(e.Actor.ToUpper(), pattern, "\\"));
        }

        if (filter.AppointmentId is { } appointmentId)
        {
            var id = appointmentId.ToString(CultureInfo.InvariantCulture);
            query = query.Where(e => e.EntityType == "Appointment" && e.EntityId == id);
        }

        if (filter.PatientId is { } patientId)
        {
            query = query.Where(e => e.PatientId == patientId);
        }

        if (!string.IsNullOrEmpty(filter.Outcome))
        {
            query = query.Where(e => e.Outcome == filter.Outcome);
        }

        return query.OrderByDescending(e => e.OccurredUtc).ThenByDescending(e => e.Id);
    }
}
