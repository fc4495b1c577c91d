using System.Globalization;
using System.Security.Claims;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Web.Access;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Forward.Web.Booking;

public sealed record PatientDto(string? NhsNumber, string? GivenName, string? FamilyName, DateOnly? DateOfBirth, string? Phone);

/// <summary>
/// POST /api/v1/appointments body. The defaults are what the API document reads as optional: a parameter without one is
/// listed as required, and a client generated from it would have to send a reason and consent it need not.
/// </summary>
public sealed record BookAppointmentDto(
    IReadOnlyList<long>? SlotIds,
    PatientDto? Patient,
    string? RegisteredPracticeOds = null,
    string? Reason = null,
    RecordSharingConsent? Consent = null);

/// <summary>POST /api/v1/appointments/{id}/cancel body, which may be left out.</summary>
public sealed record CancelAppointmentDto(string? Reason = null);

/// <summary>POST /api/v1/appointments/{id}/consent body: the patient's answer, Granted or Refused.</summary>
public sealed record RecordConsentDto(RecordSharingConsent? Consent)
{
    /// <summary>
    /// The body as the API document gives it: consent must be sent, and only as Granted or Refused. The type lets it be
    /// null or NotAsked so that those are refused by the service, with its own words, as every other caller is; a client
    /// generated from the type's schema would offer both and have them refused.
    /// </summary>
    public static void Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        schema.Properties ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSchema>();
        schema.Properties["consent"] = new Microsoft.OpenApi.OpenApiSchema
        {
            Type = Microsoft.OpenApi.JsonSchemaType.String,
            Enum = [nameof(RecordSharingConsent.Granted), nameof(RecordSharingConsent.Refused)],
            Description = "The patient's answer on sharing their record with the hub.",
        };
        schema.Required = new HashSet<string>(StringComparer.Ordinal) { "consent" };
    }
}

/// <summary>The JSON API for slots and appointments. Thin: bind, call <see cref="BookingService"/>, shape the result.</summary>
public static class BookingApi
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Where the booking's fields are in the request: the patient's under "patient", the key in a header.</summary>
    private static readonly Dictionary<string, string> BookingFields = new(StringComparer.Ordinal)
    {
        ["NhsNumber"] = "patient.nhsNumber",
        ["GivenName"] = "patient.givenName",
        ["FamilyName"] = "patient.familyName",
        ["DateOfBirth"] = "patient.dateOfBirth",
        ["Phone"] = "patient.phone",
        ["IdempotencyKey"] = IdempotencyHeader,
    };

    /// <summary>The search's practice is the query parameter "practice".</summary>
    private static readonly Dictionary<string, string> SearchFields = new(StringComparer.Ordinal) { ["PracticeOds"] = "practice", ["HubId"] = "hub" };

    public static void MapBookingApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var slots = api.MapGroup("/slots").WithTags("Slots").RequireAuthorization(AuthenticationSetup.BookerPolicy).RequiresScope(ApiScopes.OrganisationRead);
        slots.MapGet("/", SearchAsync).WithFieldNames(SearchFields).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden).WithSummary("Free slots at the hubs serving a practice, for a date range of at most 14 days.");
        slots.MapGet("/{id:long}", GetSlotAsync).WithProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound).WithSummary("One slot.");

        var appointments = api.MapGroup("/appointments").WithTags("Appointments");
        appointments.MapPost("/", BookAsync).RequireAuthorization(AuthenticationSetup.BookerPolicy).RequiresScope(ApiScopes.PatientWrite).WithFieldNames(BookingFields)
            .WithVersionHeaders(ifMatch: false).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Book one slot, or several adjacent slots of one session. Send an Idempotency-Key header so a retry never books twice.");
        appointments.MapGet("/", SearchAppointmentsAsync).RequireAuthorization(AuthenticationSetup.BookerPolicy).RequiresScope(ApiScopes.PatientRead)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden)
            .WithSummary("Find appointments again: those you may see (practice staff: your practice's patients'; NHS 111: those your organisation booked; hub clinicians: your hub's), by nhsNumber and/or London dates from..to (at most 31 days; default today and the next 14 days), upcoming first, cancelled included, at most 200 (truncated says when cut). Every search is audited.");
        appointments.MapGet("/{id:long}", GetAsync).RequiresScope(ApiScopes.PatientRead).WithVersionHeaders(ifMatch: false).WithProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound).WithSummary("One appointment, if you may see it.");
        appointments.MapPost("/{id:long}/cancel", CancelAsync).RequireAuthorization(AuthenticationSetup.BookerPolicy).RequiresScope(ApiScopes.PatientWrite)
            .WithVersionHeaders(ifMatch: true).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Cancel; frees the slot. Send If-Match with the version you read so a change made meanwhile is not overwritten.");
        appointments.MapPost("/{id:long}/attended", (long id, HttpContext http, BookingService booking, CancellationToken ct) => OutcomeAsync(id, true, http, booking, ct))
            .RequireAuthorization(AuthenticationSetup.HubClinicianPolicy).RequiresScope(ApiScopes.PatientWrite)
            .WithVersionHeaders(ifMatch: true).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record that the patient attended (after the start time). Send If-Match with the version you read so an outcome recorded meanwhile is not overwritten.");
        appointments.MapPost("/{id:long}/did-not-attend", (long id, HttpContext http, BookingService booking, CancellationToken ct) => OutcomeAsync(id, false, http, booking, ct))
            .RequireAuthorization(AuthenticationSetup.HubClinicianPolicy).RequiresScope(ApiScopes.PatientWrite)
            .WithVersionHeaders(ifMatch: true).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record that the patient did not attend (after the start time). Send If-Match with the version you read so an outcome recorded meanwhile is not overwritten.");
        appointments.MapPost("/{id:long}/consent", ConsentAsync).RequireAuthorization(AuthenticationSetup.HubClinicianPolicy).RequiresScope(ApiScopes.PatientWrite)
            .WithRequiredBody()
            .WithVersionHeaders(ifMatch: true).WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record the patient's answer, given to the hub, on sharing their record for this appointment: {\"consent\": \"Granted\"} or \"Refused\". While it is booked or attended, until the day after it; never once cancelled. Send If-Match with the version you read so a change made meanwhile is not overwritten.");
        // No role gate here: the service refuses every role but the hub's clinicians itself, so that refusal is audited too.
        appointments.MapGet("/{id:long}/record", (long id, ClaimsPrincipal user, BookingService booking, CancellationToken ct) => RecordAsync(id, user, booking, ct))
            .RequireRateLimiting(RateLimits.RecordView).RequiresScope(ApiScopes.PatientRead)
            .WithProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .WithSummary("The patient's record summary, for the hub's clinicians, only where the patient consented. Every attempt is audited.");
        api.MapGet("/hubs/{hubId:int}/day-list", DayListAsync).WithTags("Appointments")
            .RequireAuthorization(AuthenticationSetup.SignedInPolicy).RequiresScope(ApiScopes.PatientRead)
            .WithProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound).WithSummary("A hub's appointments on one date (hub clinicians of that hub, or its commissioner).");
    }

    private static async Task<Ok<SlotSearchResult>> SearchAsync(
        [FromQuery] string? practice, IsoDate? from, IsoDate? to, EnumName<ClinicianRole>? role, EnumName<DeliveryMode>? mode, [FromQuery] int? hub,
        ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        TypedResults.Ok(await booking.SearchAsync(new SlotSearch(practice, from?.Value, to?.Value, role?.Value, mode?.Value, hub), Actor.From(user), ct));

    private static async Task<Ok<SlotView>> GetSlotAsync(long id, BookingService booking, CancellationToken ct) =>
        TypedResults.Ok(await booking.GetSlotAsync(id, ct));

    private static async Task<Results<Created<AppointmentView>, Ok<AppointmentView>>> BookAsync(
        BookAppointmentDto body, [FromHeader(Name = IdempotencyHeader)] string? idempotencyKey, HttpContext http, BookingService booking, CancellationToken ct)
    {
        if (http.Request.Headers[IdempotencyHeader].Count > 1)
        {
            // Two keys would be joined into a third that no retry sends.
            throw ValidationFailedException.On("IdempotencyKey", $"Send one {IdempotencyHeader} header");
        }

        var patient = body.Patient ?? new PatientDto(null, null, null, null, null);
        var request = new BookingRequest(
            body.SlotIds ?? [],
            new PatientDetails(patient.NhsNumber, patient.GivenName, patient.FamilyName, patient.DateOfBirth, patient.Phone),
            body.RegisteredPracticeOds,
            body.Reason,
            body.Consent ?? RecordSharingConsent.NotAsked,
            idempotencyKey);
        var actor = Actor.From(http.User);
        var outcome = await booking.BookAsync(request, actor, ct);
        SetETag(http, outcome.Appointment);
        if (outcome.Replayed)
        {
            // A replay books nothing, so nothing else records that the appointment was shown again.
            await booking.AuditViewAsync(outcome.Appointment, actor, ct);
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(outcome.Appointment);
        }

        return TypedResults.Created($"/api/v1/appointments/{outcome.Appointment.Id}", outcome.Appointment);
    }

    private static async Task<Ok<AppointmentSearchResult>> SearchAppointmentsAsync(
        [FromQuery] string? nhsNumber, [FromQuery] string? from, [FromQuery] string? to, ClaimsPrincipal user, BookingService booking, CancellationToken ct)
    {
        // The dates are read here rather than bound, so that one typed wrongly is a field error named as sent, reported
        // with the NHS number's, instead of the framework's 400 that names neither.
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var fromDate = QueryDate(from, "From", errors);
        var toDate = QueryDate(to, "To", errors);
        var search = new AppointmentSearch(nhsNumber, fromDate, toDate);
        if (errors.Count > 0 && booking.ValidateAppointmentSearch(search).TryGetValue("NhsNumber", out var nhsError))
        {
            errors["NhsNumber"] = nhsError;
        }

        ValidationFailedException.ThrowIfAny(errors);
        return TypedResults.Ok(await booking.SearchAppointmentsAsync(search, Actor.From(user), ct));
    }

    private static DateOnly? QueryDate(string? value, string field, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (IsoDate.TryParse(value, CultureInfo.InvariantCulture, out var date))
        {
            return date.Value;
        }

        errors[field] = "Enter a date as yyyy-MM-dd, for example 2026-06-08";
        return null;
    }

    private static async Task<Ok<AppointmentView>> GetAsync(long id, HttpContext http, BookingService booking, CancellationToken ct)
    {
        var view = await booking.ViewAsync(id, Actor.From(http.User), ct);
        SetETag(http, view);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<AppointmentView>> CancelAsync(long id, CancelAppointmentDto? body, HttpContext http, BookingService booking, CancellationToken ct)
    {
        var view = await booking.CancelAsync(id, body?.Reason, Actor.From(http.User), ParseIfMatch(http), ct);
        SetETag(http, view);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<AppointmentView>> OutcomeAsync(long id, bool attended, HttpContext http, BookingService booking, CancellationToken ct)
    {
        var view = await booking.RecordOutcomeAsync(id, attended, Actor.From(http.User), ParseIfMatch(http), ct);
        SetETag(http, view);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<AppointmentView>> ConsentAsync(long id, RecordConsentDto? body, HttpContext http, BookingService booking, CancellationToken ct)
    {
        var view = await booking.RecordConsentAsync(id, body?.Consent, Actor.From(http.User), ParseIfMatch(http), ct);
        SetETag(http, view);
        return TypedResults.Ok(view);
    }

    private static async Task<Ok<RecordSummaryView>> RecordAsync(long id, ClaimsPrincipal user, BookingService booking, CancellationToken ct) =>
        TypedResults.Ok(await booking.ViewRecordAsync(id, Actor.From(user), ct));

    private static async Task<Ok<IReadOnlyList<AppointmentView>>> DayListAsync(int hubId, IsoDate? date, ClaimsPrincipal user, BookingService booking, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await booking.DayListAsync(hubId, date?.Value ?? Domain.Time.London.Today(clock), Actor.From(user), ct));

    /// <summary>
    /// Documents the body as required where the handler takes it as optional only so that a missing one is refused by the
    /// service, in its words, rather than by the framework's binding.
    /// </summary>
    private static RouteHandlerBuilder WithRequiredBody(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.RequestBody is Microsoft.OpenApi.OpenApiRequestBody body)
            {
                body.Required = true;
                foreach (var media in body.Content?.Values ?? [])
                {
                    // The optional body is documented as "null or the object"; required, it is the object.
                    if (media.Schema is Microsoft.OpenApi.OpenApiSchema { OneOf: { } either } && either.SingleOrDefault(s => s is not Microsoft.OpenApi.OpenApiSchema { Type: Microsoft.OpenApi.JsonSchemaType.Null }) is { } shape)
                    {
                        media.Schema = shape;
                    }
                }
            }

            return Task.CompletedTask;
        });

    /// <summary>
    /// Documents the appointment's version headers, which the handlers read and write themselves (so the generator cannot
    /// see them): the ETag each success carries and, on changes, the If-Match that guards against a change made meanwhile.
    /// </summary>
    private static RouteHandlerBuilder WithVersionHeaders(this RouteHandlerBuilder builder, bool ifMatch) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var text = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String };
            if (ifMatch)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
                {
                    Name = "If-Match",
                    In = Microsoft.OpenApi.ParameterLocation.Header,
                    Description = "The ETag of the appointment as you read it (W/\"3\"); left out or *, no check. A different version is refused with 409 version-mismatch.",
                    Schema = text,
                });
            }

            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (status.StartsWith('2') && response is Microsoft.OpenApi.OpenApiResponse success)
                {
                    success.Headers ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiHeader>();
                    success.Headers["ETag"] = new Microsoft.OpenApi.OpenApiHeader { Description = "The appointment's version, to send back as If-Match.", Schema = text };
                }
            }

            return Task.CompletedTask;
        });

    private static void SetETag(HttpContext http, AppointmentView view) =>
        http.Response.Headers.ETag = $"W/\"{view.Version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>If-Match: W/"3" or "3" → 3; absent, or * (any version: RFC 9110, 13.1.1) → no check.</summary>
    private static int? ParseIfMatch(HttpContext http)
    {
        var raw = http.Request.Headers.IfMatch.ToString();
        var trimmed = raw.Trim();
        if (trimmed.Length == 0 || trimmed == "*")
        {
            return null;
        }

        if (trimmed.StartsWith("W/", StringComparison.Ordinal))
        {
            trimmed = trimmed[2..];
        }

        trimmed = trimmed.Trim('"');
        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw Domain.DomainException.Invalid("bad-if-match", "If-Match must be an ETag such as W/\"3\".");
    }
}
