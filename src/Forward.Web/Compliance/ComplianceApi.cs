using System.Security.Claims;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Booking;
using Forward.Domain.Compliance;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Forward.Web.Compliance;

/// <summary>Booking channel shares of all appointments (cancelled included); null when there were none.</summary>
public sealed record ChannelMixDto(decimal? Practice, decimal? Nhs111, decimal? Hub, decimal? Online);

/// <summary>The additive parts a figure was computed from, so every number can be checked and summed.</summary>
public sealed record ComplianceTotalsDto(
    long Population,
    decimal ExtendedMinutes,
    decimal OfferedSlots,
    int UsedSlots,
    int Appointments,
    int Booked,
    int Attended,
    int DidNotAttend,
    int Cancelled,
    int SameDay,
    int PreBooked,
    int Remote,
    int FaceToFace);

/// <summary>
/// Figures for one entity over one range. Rates and shares are fractions (0.25 is 25%); null means nothing to divide.
/// RAGs compare against <see cref="CapacityMinimum"/> / <see cref="CapacityStretch"/> minutes and 100% coverage, except
/// where <see cref="RatingWithheld"/> says why the figures are not rated (every RAG is then notApplicable).
/// </summary>
public sealed record ComplianceFiguresDto(
    decimal? MinutesPer1000PerWeek,
    Rag CapacityRag,
    decimal CapacityMinimum,
    decimal CapacityStretch,
    decimal? EveningCoverage,
    Rag EveningCoverageRag,
    decimal? WeekendCoverage,
    Rag WeekendCoverageRag,
    decimal? FullCoverage,
    Rag FullCoverageRag,
    decimal? Utilisation,
    decimal? DnaRate,
    int Cancellations,
    decimal? CancellationRate,
    decimal? SameDayShare,
    decimal? RemoteShare,
    decimal? AppointmentsPer1000PerWeek,
    decimal ConsultationsPerWeek,
    ChannelMixDto ChannelMix,
    ComplianceTotalsDto Totals,
    RatingWithheld? RatingWithheld)
{
    public static ComplianceFiguresDto From(ComplianceFigures f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var t = f.Totals;
        return new ComplianceFiguresDto(
            f.MinutesPer1000PerWeek,
            f.CapacityRag,
            RagThresholds.Capacity.Minimum,
            RagThresholds.Capacity.Stretch,
            f.EveningCoverage,
            f.EveningCoverageRag,
            f.WeekendCoverage,
            f.WeekendCoverageRag,
            f.FullCoverage,
            f.FullCoverageRag,
            f.Utilisation,
            f.DnaRate,
            t.Cancelled,
            f.CancellationRate,
            f.SameDayShare,
            f.RemoteShare,
            f.AppointmentsPer1000PerWeek,
            f.ConsultationsPerWeek,
            new ChannelMixDto(f.ChannelShare(BookingChannel.Practice), f.ChannelShare(BookingChannel.Nhs111), f.ChannelShare(BookingChannel.Hub), f.ChannelShare(BookingChannel.Online)),
            new ComplianceTotalsDto(t.Population, t.ExtendedMinutes, t.OfferedSlots, t.UsedSlots, t.Appointments, t.Booked, t.Attended, t.DidNotAttend, t.Cancelled, t.SameDay, t.PreBooked, t.Remote, t.FaceToFace),
            f.Withheld);
    }
}

public sealed record ComplianceEntityDto(string Level, int Id, string Code, string Name)
{
    public static ComplianceEntityDto From(ComplianceEntity e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ComplianceEntityDto(ComplianceApi.LevelName(e.Level), e.Id, e.Code, e.Name);
    }
}

public sealed record ComplianceChildDto(ComplianceEntityDto Entity, ComplianceFiguresDto Figures);

/// <summary>
/// A report over a range; <see cref="PlannedThrough"/> is the last date slots are planned for (figures taking in later
/// days are not rated), <see cref="RecordsFrom"/> the first date Forward holds slots for (figures starting earlier are not
/// rated; null: it holds none).
/// </summary>
public sealed record ComplianceReportDto(ComplianceEntityDto Entity, DateOnly From, DateOnly To, int Days, DateOnly PlannedThrough, DateOnly? RecordsFrom, ComplianceFiguresDto Figures, IReadOnlyList<ComplianceChildDto> Children);

public sealed record ComplianceWeekDto(DateOnly From, DateOnly To, int Days, ComplianceFiguresDto Figures);

public sealed record ComplianceWeeksDto(ComplianceEntityDto Entity, DateOnly From, DateOnly To, IReadOnlyList<ComplianceWeekDto> Weeks);

public sealed record ComplianceMonthDto(DateOnly From, DateOnly To, int Days, ComplianceFiguresDto Figures);

public sealed record ComplianceMonthsDto(ComplianceEntityDto Entity, DateOnly From, DateOnly To, IReadOnlyList<ComplianceMonthDto> Months);

/// <summary>Attended and missed appointments, and the share missed (null when none has an outcome).</summary>
public sealed record AttendanceDto(int Attended, int DidNotAttend, decimal? DnaRate)
{
    public static AttendanceDto From(AttendanceOutcomes o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new AttendanceDto(o.Attended, o.DidNotAttend, o.DnaRate);
    }
}

/// <summary>A hub's DNA rate before and after its first reminded appointment (remindersSince null: no reminder sent yet).</summary>
public sealed record HubReminderDto(ComplianceEntityDto Hub, DateTimeOffset? RemindersSince, AttendanceDto Before, AttendanceDto After, decimal? Change);

public sealed record ComplianceRemindersDto(ComplianceEntityDto Entity, DateOnly From, DateOnly To, IReadOnlyList<HubReminderDto> Hubs);

/// <summary>
/// GET /api/v1/compliance and /compliance/weeks: extended-access figures for a CCG, PCN, practice or hub. Commissioners
/// see their own CCG and everything in it; practice staff their own practice. Thin: parse, call
/// <see cref="ComplianceQueries"/>, shape.
/// </summary>
public static class ComplianceApi
{
    public static void MapComplianceApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var compliance = api.MapGroup("/compliance").WithTags("Compliance").RequiresScope(ApiScopes.OrganisationRead)
            .RequireAuthorization(p => p.RequireRole(Roles.Commissioner, Roles.PracticeStaff));
        // 400 a bad level, id or range; 403 another organisation's figures, a role without them or a client system
        // without organization/*.read; 404 no such entity.
        compliance.MapGet("/", ReportAsync).WithProblems(Statuses)
            .WithSummary("Figures for an ICS, CCG, PCN, practice or hub over a date range (at most 366 days), with its children for drill-down.");
        compliance.MapGet("/weeks", WeeksAsync).WithProblems(Statuses)
            .WithSummary("The same figures week by week (Monday to Sunday, clipped to the range).");
        compliance.MapGet("/months", MonthsAsync).WithProblems(Statuses)
            .WithSummary("The same figures calendar month by month (clipped to the range): the rows of the monthly assurance report.");
        compliance.MapGet("/reminders", RemindersAsync).WithProblems(Statuses)
            .WithSummary("Each hub's did-not-attend rate before and after it began sending appointment reminders, for the entity's patients.");
    }

    private static readonly int[] Statuses = [StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound];

    public static string LevelName(ComplianceLevel level) => level.ToString().ToLowerInvariant();

    public static ComplianceLevel ParseLevel(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        "ics" => ComplianceLevel.Ics,
        "ccg" => ComplianceLevel.Ccg,
        "pcn" => ComplianceLevel.Pcn,
        "practice" => ComplianceLevel.Practice,
        "hub" => ComplianceLevel.Hub,
        _ => throw ValidationFailedException.On("level", "Choose a level: ics, ccg, pcn, practice or hub"),
    };

    /// <summary>The query every compliance endpoint takes, checked: level, id and a range of at most 366 days.</summary>
    private static (ComplianceLevel Level, int Id, DateRange Range) Filter(ComplianceQueries queries, string? level, int? id, IsoDate? from, IsoDate? to) =>
        (ParseLevel(level), RequireId(id), queries.Range(from?.Value, to?.Value));

    private static int RequireId(int? id) =>
        id ?? throw ValidationFailedException.On("id", "Enter the id of the ICS, CCG, PCN, practice or hub");

    private static async Task<Ok<ComplianceReportDto>> ReportAsync(
        [FromQuery] string? level, [FromQuery] int? id, IsoDate? from, IsoDate? to, ClaimsPrincipal user, ComplianceQueries queries, CancellationToken ct)
    {
        var (parsedLevel, entityId, range) = Filter(queries, level, id, from, to);
        var report = await queries.ReportAsync(parsedLevel, entityId, range, Actor.From(user), ct);
        return TypedResults.Ok(new ComplianceReportDto(
            ComplianceEntityDto.From(report.Entity),
            range.From,
            range.To,
            range.Days,
            report.PlannedThrough,
            report.RecordsFrom,
            ComplianceFiguresDto.From(report.Figures),
            report.Children.Select(c => new ComplianceChildDto(ComplianceEntityDto.From(c.Entity), ComplianceFiguresDto.From(c.Figures))).ToList()));
    }

    private static async Task<Ok<ComplianceWeeksDto>> WeeksAsync(
        [FromQuery] string? level, [FromQuery] int? id, IsoDate? from, IsoDate? to, ClaimsPrincipal user, ComplianceQueries queries, CancellationToken ct)
    {
        var (parsedLevel, entityId, range) = Filter(queries, level, id, from, to);
        var trend = await queries.WeeksAsync(parsedLevel, entityId, range, Actor.From(user), ct);
        return TypedResults.Ok(new ComplianceWeeksDto(
            ComplianceEntityDto.From(trend.Entity),
            range.From,
            range.To,
            trend.Weeks.Select(w => new ComplianceWeekDto(w.Week.From, w.Week.To, w.Week.Days, ComplianceFiguresDto.From(w.Figures))).ToList()));
    }

    private static async Task<Ok<ComplianceMonthsDto>> MonthsAsync(
        [FromQuery] string? level, [FromQuery] int? id, IsoDate? from, IsoDate? to, ClaimsPrincipal user, ComplianceQueries queries, CancellationToken ct)
    {
        var (parsedLevel, entityId, range) = Filter(queries, level, id, from, to);
        var series = await queries.SeriesAsync(parsedLevel, entityId, range, TrendPeriod.Month, Actor.From(user), ct);
        return TypedResults.Ok(new ComplianceMonthsDto(
            ComplianceEntityDto.From(series.Entity),
            range.From,
            range.To,
            series.Periods.Select(m => new ComplianceMonthDto(m.Period.From, m.Period.To, m.Period.Days, ComplianceFiguresDto.From(m.Figures))).ToList()));
    }

    private static async Task<Ok<ComplianceRemindersDto>> RemindersAsync(
        [FromQuery] string? level, [FromQuery] int? id, IsoDate? from, IsoDate? to, ClaimsPrincipal user, ComplianceQueries queries, CancellationToken ct)
    {
        var (parsedLevel, entityId, range) = Filter(queries, level, id, from, to);
        var reminders = await queries.RemindersAsync(parsedLevel, entityId, range, Actor.From(user), ct);
        return TypedResults.Ok(new ComplianceRemindersDto(
            ComplianceEntityDto.From(reminders.Entity),
            range.From,
            range.To,
            reminders.Hubs.Select(r => new HubReminderDto(
                ComplianceEntityDto.From(r.Hub),
                r.Effect.RemindersSinceUtc is { } since ? new DateTimeOffset(since, TimeSpan.Zero) : null,
                AttendanceDto.From(r.Effect.Before),
                AttendanceDto.From(r.Effect.After),
                r.Effect.Change)).ToList()));
    }
}
