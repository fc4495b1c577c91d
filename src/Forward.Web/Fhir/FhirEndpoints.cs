using System.Globalization;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Booking;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using FhirPatient = Hl7.Fhir.Model.Patient;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Fhir;

/// <summary>
/// The GP Connect-style FHIR R4 API under /fhir. Thin like the JSON API: read the request, call the same
/// <see cref="BookingService"/> the pages and the JSON API use, shape Firely resources. Every call goes through
/// <see cref="FhirCallFilter"/> (scopes, Ssp headers, no-store, audit, OperationOutcome on failure).
/// </summary>
public static class FhirEndpoints
{
    public const string Base = "/fhir";

    /// <summary>The most free slots one FHIR search returns: a fortnight of the busiest 24/7 hub with room to spare.</summary>
    public const int MaxSlotsPerSearch = 5000;

    /// <summary>The longest window of dateTimes a slot search may cover: two weeks, as GP Connect allows.</summary>
    public static readonly TimeSpan MaxSearchPeriod = TimeSpan.FromDays(BookingService.MaxSearchDays);

    /// <summary>How long a slot search may be, in the words of the capability statement and of a refused search.</summary>
    public static readonly string SlotSearchWindow = $"at most {BookingService.MaxSearchDays} London dates (start=ge2027-01-04&end=le2027-01-17), "
        + $"or dateTimes up to {BookingService.MaxSearchDays} days apart (start=ge2027-01-04T18:00:00+00:00&end=le2027-01-18T18:00:00+00:00), "
        + "counted from today when the start is earlier";

    public static IServiceCollection AddForwardFhir(this IServiceCollection services)
    {
        services.AddExceptionHandler<FhirExceptionHandler>();
        return services;
    }

    /// <summary>Bare error statuses on /fhir (401, 404, 405 ...) get an OperationOutcome body.</summary>
    public static IApplicationBuilder UseFhirStatusCodePages(this IApplicationBuilder app) =>
        app.UseWhen(FhirErrors.IsFhir, fhir => fhir.UseStatusCodePages(FhirErrors.WriteStatusAsync));

    public static void MapFhir(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var fhir = app.MapGroup(Base)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = AuthenticationSetup.BearerScheme })

            // Every call with a token is audited, refusals too: the limit bounds how fast one account adds audit rows.
            .RequireRateLimiting(Infrastructure.RateLimits.Fhir)
            .AddEndpointFilter<FhirCallFilter>()
            .ExcludeFromDescription();

        fhir.MapGet("/metadata", (HttpContext http) => new FhirResult(FhirCapability.Build(BaseUrl(http)))).AllowAnonymous().WithMetadata(FhirInteraction.Metadata);
        fhir.MapGet("/Slot", SearchSlotsAsync).WithMetadata(FhirInteraction.SlotSearch);
        fhir.MapPost("/Appointment", BookAsync).WithMetadata(FhirInteraction.Book);
        fhir.MapGet("/Appointment/{id:long}", ReadAsync).WithMetadata(FhirInteraction.Read);
        fhir.MapGet("/Appointment/{id:long}/_history/{vid:int}", VersionReadAsync).WithMetadata(FhirInteraction.Read);
        fhir.MapPut("/Appointment/{id:long}", UpdateAsync).WithMetadata(FhirInteraction.Update);
        fhir.MapGet("/Appointment", SearchAppointmentsAsync).WithMetadata(FhirInteraction.PatientAppointments);
        fhir.MapGet("/Patient", SearchPatientsAsync).WithMetadata(FhirInteraction.PatientSearch);
        fhir.MapGet("/Patient/{id:long}/Appointment", (long id, HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct) =>
            PatientAppointmentsAsync(id, http, booking, db, clock, ct)).WithMetadata(FhirInteraction.PatientAppointments);
    }

    /// <summary>
    /// The FHIR base that links in answers are written under: the first public address configured
    /// (<c>Forward:Fhir:PublicBaseUrls</c>), else the one this request came to. Behind a proxy that rewrites the Host,
    /// the request's own address is the internal one, which consumers cannot reach.
    /// </summary>
    public static string BaseUrl(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.RequestServices.GetRequiredService<IOptions<FhirOptions>>().Value.PublicBaseUrl ?? RequestBaseUrl(http);
    }

    private static string RequestBaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{Base}";

    /// <summary>
    /// The addresses this server's FHIR resources are known by: the one this request came to, and any public ones
    /// configured (<c>Forward:Fhir:PublicBaseUrls</c>: the name consumers use behind a proxy, say).
    /// </summary>
    private static List<Uri> OwnBases(HttpContext http)
    {
        var configured = http.RequestServices.GetRequiredService<IOptions<FhirOptions>>().Value.Bases;
        return Uri.TryCreate(RequestBaseUrl(http), UriKind.Absolute, out var own) ? [own, .. configured] : [.. configured];
    }

    private static readonly HashSet<string> SlotIncludes = new(StringComparer.Ordinal)
    {
        "Slot:schedule", "Schedule:actor:Practitioner", "Schedule:actor:Location", "Location:managingOrganization",
    };

    private static async Task<IResult> SearchSlotsAsync(HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var query = http.Request.Query;
        var start = FhirRequests.Date(FhirRequests.One(query, "start", required: true)!, "start", "ge", allowDateTime: true);
        var end = FhirRequests.Date(FhirRequests.One(query, "end", required: true)!, "end", "le", allowDateTime: true);
        var status = FhirRequests.One(query, "status", required: true)!;
        if (status != "free")
        {
            throw FhirException.InvalidParameter("Only status=free can be searched.");
        }

        var includes = FhirRequests.All(query, "_include").Concat(FhirRequests.All(query, "_include:recurse")).Concat(FhirRequests.All(query, "_include:iterate"))
            .SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
        if (!includes.Contains("Slot:schedule"))
        {
            throw FhirException.MissingParameter("The '_include=Slot:schedule' parameter is required.");
        }

        if (includes.FirstOrDefault(i => !SlotIncludes.Contains(i)) is { } unknown)
        {
            throw FhirException.InvalidParameter($"_include '{FhirRequests.Show(unknown)}' is not supported; see GET /fhir/metadata.");
        }

        var fromUtc = start.StartUtc;
        var toUtc = end.EndUtc;
        if (toUtc <= fromUtc)
        {
            throw FhirException.InvalidParameter("The end of the search must be after its start.");
        }

        // GP Connect lets a search reach into the past; Forward only ever offers future slots, so a past start just finds
        // nothing earlier, and the window is counted from today: "last week to next week" is a search of this week.
        var today = London.Today(clock);
        var searchedFromUtc = fromUtc > London.StartOfDayUtc(today) ? fromUtc : London.StartOfDayUtc(today);
        var fromDate = London.DateOf(searchedFromUtc);
        var toDate = London.DateOf(toUtc.AddTicks(-1));

        // GP Connect refuses only a period of more than two weeks, and two weeks from an evening ends on the fifteenth date;
        // fourteen whole dates stay allowed too, as the slot search counts them, though across the October clock change
        // they are two weeks and an hour. So a window is refused only when it is longer both ways.
        if (toDate.DayNumber - fromDate.DayNumber >= BookingService.MaxSearchDays && toUtc - searchedFromUtc > MaxSearchPeriod)
        {
            throw FhirException.InvalidParameter($"Search {SlotSearchWindow}.");
        }

        string? ods = null;
        foreach (var filter in FhirRequests.All(query, "searchFilter"))
        {
            var (system, code) = FhirRequests.Token(filter ?? string.Empty);
            if (system == FhirSystems.OdsOrganisation)
            {
                if (code.Length == 0 || (ods is not null && !string.Equals(ods, code, StringComparison.OrdinalIgnoreCase)))
                {
                    throw FhirException.InvalidParameter("Give one ODS code searchFilter: the patient's registered practice.");
                }

                ods = code.ToUpperInvariant();
            }
            else if (system == FhirSystems.OrganisationType && code.Length == 0)
            {
                throw FhirException.InvalidParameter("The organisation type searchFilter needs a code, like " + FhirSystems.OrganisationType + "|urgent-care.");
            }

            // Other filters are ignored, as GP Connect asks of providers that do not understand them.
        }

        var actor = Actor.From(http.User);
        if (ods is null && !actor.IsPracticeStaff)
        {
            throw FhirException.InvalidParameter($"Send searchFilter={FhirSystems.OdsOrganisation}|<ODS code> naming the patient's registered practice.");
        }

        var bundle = SearchSet(http, "start", "end", "status", "_include", "_include:recurse", "_include:iterate", "searchFilter");
        var call = FhirCall.Of(http);
        if (toDate < fromDate)
        {
            // Nothing to find, but the caller is refused or told of a bad practice code exactly as for a future search.
            await booking.SearchAsync(new SlotSearch(ods, today, today, MaxResults: 1), actor, ct);
            call.Detail = "slots=0";
            return new FhirResult(bundle);
        }

        // Every match, not the booking page's first 500: a consumer cannot page through a FHIR search here, and a large
        // hub offers more than that in a fortnight. Past this bound the caller is told to narrow the search. Two weeks of
        // dateTimes can touch more dates than one slot search covers, so they are searched a part at a time.
        var found = new List<SlotView>();
        string? practiceOds = null;
        for (var partFrom = fromDate; partFrom <= toDate; partFrom = partFrom.AddDays(BookingService.MaxSearchDays))
        {
            if (partFrom > fromDate && partFrom > today.AddYears(2))
            {
                // A search may start up to two years ahead, where no rota plans slots; its later part is not searched
                // rather than refused for a start date the caller did not send.
                break;
            }

            var partTo = partFrom.AddDays(BookingService.MaxSearchDays - 1) < toDate ? partFrom.AddDays(BookingService.MaxSearchDays - 1) : toDate;
            var part = await booking.SearchAsync(new SlotSearch(ods, partFrom, partTo, MaxResults: MaxSlotsPerSearch - found.Count), actor, ct);
            if (part.Truncated)
            {
                throw FhirException.InvalidParameter($"More than {MaxSlotsPerSearch.ToString("N0", CultureInfo.InvariantCulture)} free slots match; search fewer days at a time.");
            }

            found.AddRange(part.Slots);
            practiceOds = part.PracticeOds;
        }

        var slots = found.Where(s => s.StartUtc >= fromUtc && s.EndUtc <= toUtc).ToList();
        call.Detail = $"practice={practiceOds}; slots={slots.Count}";

        var sessions = await FhirData.SessionsAsync(db, slots.Select(s => s.SessionId).Distinct().ToList(), ct);
        var hubs = await FhirData.HubsAsync(db, slots.Select(s => s.HubId).Distinct().ToList(), ct);
        var baseUrl = BaseUrl(http);
        foreach (var slot in slots)
        {
            bundle.Entry.Add(Entry(baseUrl, FhirMapping.Slot(slot), Bundle.SearchEntryMode.Match));
        }

        foreach (var group in slots.GroupBy(s => (s.SessionId, s.ClinicianIndex)).OrderBy(g => g.Key))
        {
            var session = sessions[group.Key.SessionId];
            bundle.Entry.Add(Entry(baseUrl, FhirMapping.Schedule(session, group.Key.ClinicianIndex, group.Min(s => s.StartUtc), group.Max(s => s.EndUtc)), Bundle.SearchEntryMode.Include));
            if (includes.Contains("Schedule:actor:Practitioner"))
            {
                bundle.Entry.Add(Entry(baseUrl, FhirMapping.Practitioner(session, group.Key.ClinicianIndex), Bundle.SearchEntryMode.Include));
            }
        }

        if (includes.Contains("Schedule:actor:Location"))
        {
            bundle.Entry.AddRange(hubs.Values.OrderBy(h => h.Id).Select(h => Entry(baseUrl, FhirMapping.Location(h), Bundle.SearchEntryMode.Include)));
        }

        // GP Connect: the Organization is always returned with slots, whatever the includes.
        bundle.Entry.AddRange(hubs.Values.DistinctBy(h => h.CcgOds).OrderBy(h => h.CcgOds, StringComparer.Ordinal)
            .Select(h => Entry(baseUrl, FhirMapping.Organization(h), Bundle.SearchEntryMode.Include)));
        bundle.Total = slots.Count;
        return new FhirResult(bundle);
    }

    private static async Task<IResult> BookAsync(HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var idempotencyKey = IdempotencyKey(http.Request);
        var appointment = await FhirRequests.ReadResourceAsync<FhirAppointment>(http.Request, ct);
        var request = FhirBooking.Read(appointment, OwnBases(http), clock.GetUtcNow());
        var call = FhirCall.Of(http);

        // Named in the audit entry even when the caller may not book for them, with the hub of the slots asked for, so the
        // patient's CCG and the hub's see the attempt. An id too large for any patient names nobody, and is not found like
        // any other such id.
        int? patientId = request.PatientId <= int.MaxValue ? (int)request.PatientId : null;
        call.PatientId = patientId;
        var slots = await db.Slots.AsNoTracking().Where(s => request.SlotIds.Contains(s.Id))
            .Select(s => new FhirBooking.SlotFacts(s.Id, s.HubId, s.SessionId, s.ClinicianIndex, s.StartUtc, s.EndUtc)).ToListAsync(ct);
        call.HubId = slots.Select(s => s.HubId).Distinct().Count() == 1 ? slots[0].HubId : null;
        request = FhirBooking.AsOwnOrganisation(request, actor);
        var patient = patientId is { } id ? await booking.FindPatientAsync(id, null, actor, ct) : null;
        if (patient is null)
        {
            if (patientId is { } known && await db.Patients.AnyAsync(p => p.Id == known, ct))
            {
                call.Deny(PatientRefusal(actor));
                (call.EntityType, call.EntityId) = ("Patient", known.ToString(CultureInfo.InvariantCulture));
            }

            throw DomainException.NotFound("patient-not-found", $"There is no patient {request.PatientId} that you may book for. Find the patient's id with GET /fhir/Patient?identifier={FhirSystems.NhsNumber}|<NHS number>.");
        }

        FhirBooking.CheckAgainstSlots(request, slots);

        var outcome = await booking.BookAsync(
            new BookingRequest(
                request.SlotIds,
                new PatientDetails(null, null, null, null, null),
                RegisteredPracticeOds: null,
                Reason: null,
                Consent: RecordSharingConsent.NotAsked,
                Description: request.Description,
                Comment: request.Comment,
                BookingOrganisationOds: request.BookingOrganisationOds,
                PatientId: patient.Id,

                // GP Connect has no way to retry a create safely; the same header as the JSON API's gives one: a retry
                // with the key of a booking that went through (its 201 lost) gets that booking, 200, instead of 409.
                IdempotencyKey: idempotencyKey),
            actor,
            ct);
        var view = outcome.Appointment;
        call.Appointment(view);
        if (outcome.Replayed)
        {
            // A replay books nothing, so nothing else records that the appointment was shown again.
            await booking.AuditViewAsync(view, actor, ct);
        }

        var resource = await SavedButNotReadException.ReadingBackAsync(view.Id, "booked", async () => (await FhirData.AppointmentsAsync(db, [view], ct))[0]);
        var location = $"{BaseUrl(http)}/Appointment/{view.Id.ToString(CultureInfo.InvariantCulture)}/_history/{view.Version.ToString(CultureInfo.InvariantCulture)}";
        return new FhirResult(resource, outcome.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created, view.Version, location);
    }

    /// <summary>
    /// The Idempotency-Key header, or null: a header problem is 400, as for the Ssp headers, not a fault in the resource;
    /// two keys are refused rather than joined into a third that no retry would send.
    /// </summary>
    private static string? IdempotencyKey(HttpRequest request)
    {
        var values = request.Headers[BookingApi.IdempotencyHeader];
        if (values.Count > 1)
        {
            throw FhirException.MissingParameter($"Send one {BookingApi.IdempotencyHeader} header, not {values.Count}.");
        }

        var key = values.Count == 1 ? values[0] : null;
        return key is not null && !IdempotencyKeys.IsWellFormed(key)
            ? throw FhirException.MissingParameter($"{BookingApi.IdempotencyHeader} must be {IdempotencyKeys.Rule}.")
            : key;
    }

    private static async Task<IResult> ReadAsync(long id, HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var view = await GetAsync(id, http, Actor.From(http.User), booking, db, ct);
        EnsureNotPast(view, clock, "read");
        return new FhirResult((await FhirData.AppointmentsAsync(db, [view], ct))[0], version: view.Version);
    }

    private static async Task<IResult> VersionReadAsync(long id, int vid, HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var view = await GetAsync(id, http, Actor.From(http.User), booking, db, ct);
        if (view.Version != vid)
        {
            throw DomainException.NotFound("version-not-found", $"Forward keeps only the current version of an appointment; appointment {id} is at version {view.Version}.");
        }

        EnsureNotPast(view, clock, "read");
        return new FhirResult((await FhirData.AppointmentsAsync(db, [view], ct))[0], version: view.Version);
    }

    /// <summary>
    /// The appointment as the caller may see it, named in the call's audit record either way: a refused read or change is
    /// recorded under the appointment, its patient and hub (as a refused record view is), so the hub's commissioner sees
    /// another system's attempts, though the caller is told only that there is no such appointment.
    /// </summary>
    private static async Task<AppointmentView> GetAsync(long id, HttpContext http, Actor actor, BookingService booking, ForwardDbContext db, CancellationToken ct)
    {
        var call = FhirCall.Of(http);
        call.EntityType = "Appointment";
        call.EntityId = id.ToString(CultureInfo.InvariantCulture);
        try
        {
            var view = await booking.GetAsync(id, actor, ct);
            call.Appointment(view);
            return view;
        }
        catch (DomainException)
        {
            var owner = await db.Appointments.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.PatientId, a.HubId }).FirstOrDefaultAsync(ct);
            (call.PatientId, call.HubId) = (owner?.PatientId, owner?.HubId);
            if (owner is not null)
            {
                // It exists, so the caller was refused it: answered as not found, audited as denied.
                call.Deny(actor.Role switch
                {
                    Domain.Access.Roles.HubClinician => "other-hub",
                    Domain.Access.Roles.PracticeStaff => "other-practice",
                    Domain.Access.Roles.Commissioner => "other-ccg",
                    _ => "other-organisation",
                });
            }

            throw;
        }
    }

    /// <summary>
    /// Why a patient Forward holds was not found for this caller (see <see cref="BookingService.FindPatientAsync"/>: a
    /// practice sees its own patients, a hub those of the practices it serves), for the audit entry of the refusal.
    /// </summary>
    private static string PatientRefusal(Actor actor) => actor.IsHubClinician ? "practice-not-served" : "other-practice";

    /// <summary>PUT: amend (description and comment) or cancel (status cancelled + cancelationReason); nothing else may change.</summary>
    private static async Task<IResult> UpdateAsync(long id, HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var actor = Actor.From(http.User);
        var expectedVersion = FhirRequests.IfMatch(http.Request);
        var incoming = await FhirRequests.ReadResourceAsync<FhirAppointment>(http.Request, ct);
        if (incoming.Id != FhirMapping.Id(id))
        {
            throw FhirException.MissingParameter($"The resource's id must be {id}, as in the URL.");
        }

        var call = FhirCall.Of(http);
        if (incoming.Status == FhirAppointment.AppointmentStatus.Cancelled)
        {
            // Refused cancellations are audited as cancellations too, not only those that went through.
            call.Action = FhirInteraction.CancelAction;
        }

        var view = await GetAsync(id, http, actor, booking, db, ct);
        if (view.Version != expectedVersion)
        {
            throw DomainException.Conflict("version-mismatch", $"If-Match names version {expectedVersion} but the appointment is at version {view.Version}. Read it again and retry.");
        }

        // An appointment that has started can be neither amended nor cancelled (GP Connect): the domain refuses both, and
        // its refusal is answered 422 INVALID_RESOURCE like this layer's own.
        EnsureNotPast(view, clock, "changed");
        if (view.Status != AppointmentStatus.Booked)
        {
            throw FhirException.InvalidResource($"This appointment {Domain.Booking.Appointment.Describe(view.Status)} and cannot be amended or cancelled.");
        }

        var current = (await FhirData.AppointmentsAsync(db, [view], ct))[0];
        var cancel = FhirBooking.ReadUpdate(current, incoming);
        AppointmentView updated;
        if (cancel is not null)
        {
            updated = await booking.CancelAsync(id, cancel, actor, expectedVersion, ct);
        }
        else
        {
            updated = await booking.AmendAsync(id, incoming.Description, incoming.Comment, actor, expectedVersion, ct);
        }

        call.Appointment(updated);
        var answer = await SavedButNotReadException.ReadingBackAsync(id, cancel is null ? "amended" : "cancelled", async () => (await FhirData.AppointmentsAsync(db, [updated], ct))[0]);
        return new FhirResult(answer, version: updated.Version);
    }

    /// <summary>GET /fhir/Appointment?patient=... or ?patient.identifier=nhs-number|...: the same search as /fhir/Patient/{id}/Appointment.</summary>
    private static async Task<IResult> SearchAppointmentsAsync(HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var query = http.Request.Query;
        var byId = FhirRequests.One(query, "patient", required: false);
        var byIdentifier = FhirRequests.One(query, "patient.identifier", required: false) ?? FhirRequests.One(query, "patient:Patient.identifier", required: false);
        if ((byId is null) == (byIdentifier is null))
        {
            throw FhirException.MissingParameter("Name the patient with either 'patient' (Patient/{id}) or 'patient.identifier' (" + FhirSystems.NhsNumber + "|<NHS number>).");
        }

        long patientId;
        if (byId is not null)
        {
            var raw = byId.StartsWith("Patient/", StringComparison.Ordinal) ? byId["Patient/".Length..] : byId;
            patientId = long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw FhirException.InvalidParameter("'patient' must be Patient/{id} or {id}.");
        }
        else
        {
            var nhsNumber = ParseNhsNumberIdentifier(byIdentifier!);
            patientId = (await booking.FindPatientAsync(null, nhsNumber, Actor.From(http.User), ct))?.Id
                ?? await NotFoundButAuditedAsync(http, db, nhsNumber, ct);
        }

        return await PatientAppointmentsAsync(patientId, http, booking, db, clock, ct);
    }

    private static async Task<IResult> PatientAppointmentsAsync(long id, HttpContext http, BookingService booking, ForwardDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var starts = FhirRequests.All(http.Request.Query, "start").Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
        if (starts.Count == 0)
        {
            throw FhirException.MissingParameter("The 'start' parameter is required twice: start=geYYYY-MM-DD&start=leYYYY-MM-DD.");
        }

        var geRaw = starts.Where(s => s.StartsWith("ge", StringComparison.Ordinal)).ToList();
        var leRaw = starts.Where(s => s.StartsWith("le", StringComparison.Ordinal)).ToList();
        if (starts.Count != 2 || geRaw.Count != 1 || leRaw.Count != 1)
        {
            throw FhirException.InvalidParameter("Give 'start' exactly twice, once with the ge prefix and once with le: start=geYYYY-MM-DD&start=leYYYY-MM-DD.");
        }

        var from = FhirRequests.Date(geRaw[0], "start", "ge", allowDateTime: false).Date!.Value;
        var to = FhirRequests.Date(leRaw[0], "start", "le", allowDateTime: false).Date!.Value;
        if (from < London.Today(clock))
        {
            throw FhirException.InvalidParameter("The search must start today or later: only future appointments are returned.");
        }

        if (to < from)
        {
            throw FhirException.InvalidParameter("The end of the search must be on or after its start.");
        }

        // An id too large for any patient names nobody: not found, as any other id that names nobody.
        var call = FhirCall.Of(http);
        call.PatientId = id <= int.MaxValue ? (int)id : null;
        var actor = Actor.From(http.User);
        IReadOnlyList<AppointmentView> views;
        try
        {
            views = call.PatientId is { } patientId
                ? await booking.PatientAppointmentsAsync(patientId, from, to, actor, ct)
                : throw DomainException.NotFound("patient-not-found", $"There is no patient {id.ToString(CultureInfo.InvariantCulture)}.");
        }
        catch (DomainException ex) when (ex.Code == "patient-not-found")
        {
            if (call.PatientId is { } known && await db.Patients.AnyAsync(p => p.Id == known, ct))
            {
                call.Deny(PatientRefusal(actor));
            }

            throw;
        }

        call.Detail = $"appointments={views.Count}";
        var bundle = SearchSet(http, "patient", "patient.identifier", "patient:Patient.identifier", "start");
        var baseUrl = BaseUrl(http);
        foreach (var appointment in await FhirData.AppointmentsAsync(db, views, ct))
        {
            bundle.Entry.Add(Entry(baseUrl, appointment, Bundle.SearchEntryMode.Match));
        }

        bundle.Total = views.Count;
        return new FhirResult(bundle);
    }

    private static async Task<IResult> SearchPatientsAsync(HttpContext http, BookingService booking, ForwardDbContext db, CancellationToken ct)
    {
        var identifier = FhirRequests.One(http.Request.Query, "identifier", required: true)!;
        var nhsNumber = ParseNhsNumberIdentifier(identifier);
        var actor = Actor.From(http.User);
        var patient = await booking.FindPatientAsync(null, nhsNumber, actor, ct);
        var call = FhirCall.Of(http);

        // The audit entry names the patient even when the caller may not see them, so their CCG sees the search, and
        // records it as refused: the caller finds nothing, as for an NHS number Forward does not hold.
        call.PatientId = patient?.Id ?? await PatientIdForAuditAsync(db, nhsNumber, ct);
        if (patient is null && call.PatientId is not null)
        {
            call.Deny(PatientRefusal(actor));
        }

        call.Detail = patient is null ? "found=0" : "found=1";
        var bundle = SearchSet(http, "identifier");
        if (patient is not null)
        {
            bundle.Entry.Add(Entry(BaseUrl(http), FhirMapping.Patient(patient), Bundle.SearchEntryMode.Match));
        }

        bundle.Total = bundle.Entry.Count;
        return new FhirResult(bundle);
    }

    /// <summary>The patient with this NHS number, for the audit entry only: never shown to the caller.</summary>
    private static Task<int?> PatientIdForAuditAsync(ForwardDbContext db, string nhsNumber, CancellationToken ct) =>
        db.Patients.AsNoTracking().Where(p => p.NhsNumber == nhsNumber).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);

    private static async Task<int> NotFoundButAuditedAsync(HttpContext http, ForwardDbContext db, string nhsNumber, CancellationToken ct)
    {
        var call = FhirCall.Of(http);
        call.PatientId = await PatientIdForAuditAsync(db, nhsNumber, ct);
        if (call.PatientId is not null)
        {
            call.Deny(PatientRefusal(Actor.From(http.User)));
        }

        throw DomainException.NotFound("patient-not-found", "There is no patient with that NHS number that you may see.");
    }

    private static string ParseNhsNumberIdentifier(string token)
    {
        var (system, value) = FhirRequests.Token(token);
        if (system != FhirSystems.NhsNumber)
        {
            throw new FhirException(StatusCodes.Status422UnprocessableEntity, FhirErrors.InvalidIdentifierSystem, $"Identify the patient as {FhirSystems.NhsNumber}|<NHS number>.");
        }

        return NhsNumber.TryParse(value, out var nhsNumber, out var error)
            ? nhsNumber.Value.Value
            : throw new FhirException(StatusCodes.Status400BadRequest, FhirErrors.InvalidNhsNumber, error ?? "The NHS number is not valid.");
    }

    /// <summary>GP Connect: only future appointments (today counts) can be read, amended or cancelled.</summary>
    private static void EnsureNotPast(AppointmentView view, TimeProvider clock, string verb)
    {
        if (DateOnly.FromDateTime(view.StartLocal.DateTime) < London.Today(clock))
        {
            throw FhirException.InvalidResource($"Appointment {view.Id} was on {view.StartLocal:yyyy-MM-dd}; only today's and future appointments can be {verb} here.");
        }
    }

    /// <summary>
    /// An empty search result. Its self link names only the parameters the search used (<paramref name="used"/>), as
    /// FHIR asks: anything else in the query (_count, _sort, an unknown name) was ignored, and the link says so by leaving
    /// it out.
    /// </summary>
    private static Bundle SearchSet(HttpContext http, params string[] used)
    {
        var query = QueryString.Create(http.Request.Query.Where(p => used.Contains(p.Key, StringComparer.OrdinalIgnoreCase)).SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v))));
        return new()
        {
            Id = Guid.NewGuid().ToString("D"),
            Meta = new Meta { LastUpdated = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() },
            Type = Bundle.BundleType.Searchset,
            Link = [new Bundle.LinkComponent { Relation = "self", Url = $"{BaseUrl(http)}{http.Request.Path.Value![Base.Length..]}{query}" }],
            Total = 0,
        };
    }

    private static Bundle.EntryComponent Entry(string baseUrl, Resource resource, Bundle.SearchEntryMode mode) => new()
    {
        FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}",
        Resource = resource,
        Search = new Bundle.SearchComponent { Mode = mode },
    };
}

/// <summary>Reads Forward's rows the mapping needs (hubs, sessions, slots, booking organisations); no rules live here.</summary>
internal static class FhirData
{
    public static async Task<Dictionary<int, FhirSession>> SessionsAsync(ForwardDbContext db, IReadOnlyCollection<int> ids, CancellationToken ct) =>
        await db.Sessions.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new FhirSession(s.Id, s.HubId, s.Name, s.Role, s.Mode, s.IsActive))
            .ToDictionaryAsync(s => s.Id, ct);

    public static async Task<Dictionary<int, FhirHub>> HubsAsync(ForwardDbContext db, IReadOnlyCollection<int> ids, CancellationToken ct) =>
        await db.Hubs.AsNoTracking().Where(h => ids.Contains(h.Id))
            .Select(h => new FhirHub(h.Id, h.Code, h.Name, h.SiteName, h.Town, h.Phone, h.IsActive, h.Ccg!.OdsCode, h.Ccg.Name))
            .ToDictionaryAsync(h => h.Id, ct);

    public static async Task<IReadOnlyList<FhirAppointment>> AppointmentsAsync(ForwardDbContext db, IReadOnlyList<AppointmentView> views, CancellationToken ct)
    {
        var slotIds = views.SelectMany(v => v.SlotIds).Distinct().ToList();
        var slots = await db.Slots.AsNoTracking().Where(s => slotIds.Contains(s.Id))
            .Select(s => new { s.Id, s.SessionId, s.ClinicianIndex, s.StartUtc }).ToDictionaryAsync(s => s.Id, ct);
        var odsCodes = views.Select(v => v.BookingOrganisationOds).OfType<string>().Distinct().ToList();
        var practices = await db.Practices.AsNoTracking().Where(p => odsCodes.Contains(p.OdsCode))
            .Select(p => new FhirOrganisation(p.OdsCode, p.Name, p.Phone)).ToDictionaryAsync(p => p.Ods, ct);
        var ccgs = await db.Ccgs.AsNoTracking().Where(c => odsCodes.Contains(c.OdsCode))
            .Select(c => new FhirOrganisation(c.OdsCode, c.Name, null)).ToDictionaryAsync(c => c.Ods, ct);

        return views.Select(view =>
        {
            var first = view.SlotIds.Where(slots.ContainsKey).Select(id => slots[id]).OrderBy(s => s.StartUtc).FirstOrDefault();
            var ods = view.BookingOrganisationOds;
            var organisation = ods is null ? null
                : practices.GetValueOrDefault(ods) ?? ccgs.GetValueOrDefault(ods) ?? new FhirOrganisation(ods, $"Organisation {ods}", null);
            return FhirMapping.Appointment(view, first?.SessionId ?? 0, first?.ClinicianIndex ?? 0, organisation);
        }).ToList();
    }
}
