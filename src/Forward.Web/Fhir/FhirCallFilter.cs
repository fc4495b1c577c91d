using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Forward.Domain;
using Forward.Domain.Audit;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Booking;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Fhir;

/// <summary>
/// One FHIR interaction: its name, the audit action it records, the scope it needs (null: anonymous) and the
/// GP Connect interaction ids a client may send in Ssp-InteractionID.
/// </summary>
public sealed record FhirInteraction(string Name, string AuditAction, string? Scope, IReadOnlyList<string> InteractionIds)
{
    public const string OrganisationRead = "organization/*.read";
    public const string PatientRead = "patient/*.read";
    public const string PatientWrite = "patient/*.write";
    public const string CancelAction = AuditActions.FhirCancel;

    private const string Urn = "urn:nhs:names:services:gpconnect:fhir:";

    public static readonly FhirInteraction Metadata = new("metadata", AuditActions.FhirMetadata, null, [Urn + "rest:read:metadata-1"]);
    public static readonly FhirInteraction SlotSearch = new("slot-search", AuditActions.FhirSlotSearch, OrganisationRead, [Urn + "rest:search:slot-1"]);
    public static readonly FhirInteraction Book = new("book", AuditActions.FhirBook, PatientWrite, [Urn + "rest:create:appointment-1"]);
    public static readonly FhirInteraction Read = new("read", AuditActions.FhirRead, PatientRead, [Urn + "rest:read:appointment-1"]);
    public static readonly FhirInteraction Update = new("update", AuditActions.FhirAmend, PatientWrite, [Urn + "rest:update:appointment-1", Urn + "rest:cancel:appointment-1"]);
    public static readonly FhirInteraction PatientAppointments = new("patient-appointments", AuditActions.FhirAppointmentSearch, PatientRead, [Urn + "rest:search:patient_appointments-1"]);
    public static readonly FhirInteraction PatientSearch = new("patient-search", AuditActions.FhirPatientSearch, PatientRead, [Urn + "rest:search:patient-1"]);
}

/// <summary>What a FHIR handler tells the audit about its call: the patient, the appointment and hub, a refusal, a detail (ids only).</summary>
public sealed class FhirCall
{
    public string? Action { get; set; }

    public int? PatientId { get; set; }

    public int? HubId { get; set; }

    public string? EntityType { get; set; }

    public string? EntityId { get; set; }

    public string? Detail { get; set; }

    /// <summary>
    /// Why the caller was refused what the call names (another practice's patient, another organisation's appointment),
    /// or null. The answer hides that it exists (404, or a search that finds nothing), but the audit records the
    /// refusal as denied, as the JSON API's 403 is, not as a failure.
    /// </summary>
    public string? Refusal { get; private set; }

    public bool Denied => Refusal is not null;

    public void Deny(string refusal) => Refusal = refusal;

    public static FhirCall Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items[typeof(FhirCall)] is not FhirCall call)
        {
            call = new FhirCall();
            http.Items[typeof(FhirCall)] = call;
        }

        return call;
    }

    public void Appointment(AppointmentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        PatientId = view.PatientId;
        HubId = view.HubId;
        EntityType = "Appointment";
        EntityId = view.Id.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Wraps every FHIR endpoint: Cache-Control no-store; Ssp-TraceID and Ssp-InteractionID accepted, checked and logged;
/// the interaction's scope and a registered organisation required; any failure answered as an OperationOutcome through
/// <see cref="FhirErrors"/>; and every call audited (caller, interaction, patient, outcome) in a unit of work of its own,
/// so an audit entry is written even when the call failed and nothing else of a failed call can be.
/// </summary>
internal sealed partial class FhirCallFilter(IServiceScopeFactory scopes, ILogger<FhirCallFilter> logger) : IEndpointFilter
{
    public const string TraceHeader = "Ssp-TraceID";
    public const string InteractionHeader = "Ssp-InteractionID";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var interaction = http.GetEndpoint()?.Metadata.GetMetadata<FhirInteraction>()
            ?? throw new InvalidOperationException("Every FHIR endpoint names its FhirInteraction.");
        http.Response.Headers.CacheControl = "no-store";
        var call = FhirCall.Of(http);
        var (traceId, traceOk) = Header(http, TraceHeader);
        var (interactionId, interactionOk) = Header(http, InteractionHeader);

        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["SspTraceId"] = traceId,
            ["SspInteractionId"] = interactionId,
            ["FhirInteraction"] = interaction.Name,
        });

        IResult result;
        FhirError? error = null;
        try
        {
            if (!traceOk || !interactionOk)
            {
                throw FhirException.MissingParameter($"{TraceHeader} and {InteractionHeader}, when sent, must be 1 to 100 characters of letters, digits and - : . _");
            }

            if (interactionId is not null && !interaction.InteractionIds.Contains(interactionId, StringComparer.Ordinal))
            {
                throw FhirException.MissingParameter($"{InteractionHeader} '{interactionId}' does not match this request; expected {string.Join(" or ", interaction.InteractionIds)}.");
            }

            FhirRequests.EnsureJsonAcceptable(http.Request);
            CheckAccess(http.User, interaction);
            var value = await next(context);
            result = value as IResult ?? throw new InvalidOperationException("FHIR endpoints return an IResult.");
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            error = FhirErrors.From(ex, HttpMethods.IsGet(http.Request.Method));
            if (error.Status >= 500)
            {
                logger.LogError(ex, "FHIR {Interaction} failed unexpectedly", interaction.Name);
            }

            result = FhirErrors.Result(error);
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "FHIR {Interaction} by {User}: {Status} {SpineCode} (Ssp-TraceID {SspTraceId}, Ssp-InteractionID {SspInteractionId})",
                interaction.Name,
                http.User.Identity?.Name ?? "anonymous",
                status,
                error?.SpineCode ?? "OK",
                traceId ?? "-",
                interactionId ?? "-");
        }

        // Anonymous capability reads are logged above but not audited: they touch no patient, and auditing them would
        // let anyone fill the audit log without signing in.
        if ((interaction.Scope is not null || http.User.Identity?.IsAuthenticated == true)
            && !await AuditAsync(http.User, call.Action ?? interaction.AuditAction, call, status, error, traceId, interactionId)
            && status < 400 && HttpMethods.IsGet(http.Request.Method))
        {
            // What was read is not handed over without the record that it was read. A change is different: it has
            // committed with its own audit row, and a 503 would tell the client it had not.
            return FhirErrors.Result(new FhirError(StatusCodes.Status503ServiceUnavailable, FhirErrors.InternalServerError, "Forward could not record this access just now, so it returns nothing. Retry after a few seconds."));
        }

        return result;
    }

    private static void CheckAccess(ClaimsPrincipal user, FhirInteraction interaction)
    {
        if (interaction.Scope is not { } scope)
        {
            return;
        }

        // An account with no scopes is a person's, governed by its role on the JSON API and the pages; telling a person
        // their "client system" lacks a scope would send them to ask for one.
        if (!user.HasClaim(c => c.Type == ForwardClaims.Scope))
        {
            throw DomainException.Forbidden("scope", "The FHIR API is for client systems registered with their scopes; this account has none. Use the JSON API (/api/v1) or the pages.");
        }

        var actor = Actor.From(user);
        if (string.IsNullOrWhiteSpace(actor.OrganisationOds))
        {
            throw DomainException.Forbidden("no-organisation", "Your client system is not registered with an organisation (ODS code), so it cannot use the FHIR API.");
        }

        if (!user.HasClaim(ForwardClaims.Scope, scope))
        {
            throw DomainException.Forbidden("scope", $"Your client system is not allowed the scope this interaction needs ({scope}).");
        }
    }

    /// <summary>Writes the call's audit row; false when it could not be saved.</summary>
    private async Task<bool> AuditAsync(ClaimsPrincipal user, string action, FhirCall call, int status, FhirError? error, string? traceId, string? interactionId)
    {
        Actor actor;
        try
        {
            actor = Actor.From(user);
        }
        catch (DomainException)
        {
            actor = new Actor(user.Identity?.Name ?? "anonymous", "Anonymous", null, null, null, null);
        }

        var outcome = call.Denied || status == StatusCodes.Status403Forbidden ? "denied" : status < 400 ? "success" : "failed";
        var detail = string.Join("; ", new[]
        {
            $"status={status.ToString(CultureInfo.InvariantCulture)}",
            error is null ? null : "code=" + error.SpineCode,
            call.Refusal is null ? null : "refused=" + call.Refusal,
            call.Detail,
            traceId is null ? null : "ssp-trace=" + traceId,
            interactionId is null ? null : "ssp-interaction=" + interactionId,
        }.Where(p => p is not null));

        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<Data.ForwardDbContext>();

            // A patient search or read names no hub: the event is the patient's practice's, for its commissioners to see.
            // So is a refusal (as the JSON API's refused booking is), whatever hub it names: the attempt was on their patient.
            var practiceId = call is { PatientId: { } patientId } && (call.HubId is null || call.Denied)
                ? await db.Patients.Where(p => p.Id == patientId).Select(p => (int?)p.RegisteredPracticeId).FirstOrDefaultAsync(CancellationToken.None)
                : null;
            scope.ServiceProvider.GetRequiredService<AuditLog>().Write(actor, action, outcome, call.EntityType, call.EntityId, call.PatientId, call.HubId, detail, practiceId: practiceId);
            await db.SaveChangesAsync(CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever stopped it (on PostgreSQL a dropped connection ends as EF's RetryLimitExceededException), the
            // call was not recorded: the caller decides whether its answer may still go out.
            logger.LogError(ex, "Could not audit FHIR {Action}", action);
            return false;
        }
    }

    private static (string? Value, bool Ok) Header(HttpContext http, string name)
    {
        var values = http.Request.Headers[name];
        if (values.Count == 0)
        {
            return (null, true);
        }

        var value = values.Count == 1 ? values[0]?.Trim() : null;
        return value is not null && SafeHeader().IsMatch(value) ? (value, true) : (null, false);
    }

    [GeneratedRegex("^[A-Za-z0-9:._-]{1,100}$")]
    private static partial Regex SafeHeader();
}
