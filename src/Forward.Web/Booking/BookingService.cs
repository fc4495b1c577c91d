using System.Diagnostics;
using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Hubs;
using Forward.Web.Infrastructure;
using Forward.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Booking;

/// <summary>
/// Finding and booking hub slots, and everything that changes an appointment afterwards. Pages, the JSON API and the
/// FHIR API all come through here, so the rules and the audit trail are the same whichever door is used.
/// </summary>
public sealed class BookingService(ForwardDbContext db, TimeProvider clock, AuditLog audit, NotificationScheduler notifications, SqliteWriteGate writeGate, BookingBatcher batcher, BookingWriter writer, SlotPlanner planner, IOptions<BookingPolicy> policy)
{
    /// <summary>The code of a booking refused because its idempotency key already booked something else.</summary>
    public const string IdempotencyKeyReused = "idempotency-key-reused";

    public const int MaxSearchDays = 14;
    public const int MaxSearchResults = 500;

    /// <summary>An appointment search covers at most this many London dates.</summary>
    public const int MaxAppointmentSearchDays = 31;

    /// <summary>An appointment search without an end date runs to this many days after its start (two weeks).</summary>
    public const int DefaultAppointmentSearchDays = 14;

    public const int MaxAppointmentSearchResults = 200;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<SlotSearchResult> SearchAsync(SlotSearch search, Actor actor, CancellationToken cancellationToken = default) =>
        ForwardTelemetry.SearchAsync(() => SearchCoreAsync(search, actor, cancellationToken), r => r.Slots.Count);

    public Task<BookingOutcome> BookAsync(BookingRequest request, Actor actor, CancellationToken cancellationToken = default) =>
        BookAsync(request, actor, alsoInTransaction: null, cancellationToken);

    private async Task<SlotSearchResult> SearchCoreAsync(SlotSearch search, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(actor);
        var errors = new Dictionary<string, string>();
        var today = London.Today(clock);
        var from = search.From ?? today;
        var latest = today.AddYears(2);
        var to = search.To ?? (from > latest ? from : from.AddDays(6));
        if (from < today)
        {
            errors["From"] = "Start date must be today or later";
        }
        else if (from > latest)
        {
            // No rota plans slots that far ahead, and the dates' arithmetic must stay inside the calendar.
            errors["From"] = "Start date must be within two years of today";
        }

        if (to < from)
        {
            errors["To"] = "End date must be on or after the start date";
        }
        else if (to.DayNumber - from.DayNumber >= MaxSearchDays)
        {
            errors["To"] = $"Search at most {MaxSearchDays} days at a time";
        }

        // The API and the pages bind only a role's or mode's name (EnumNames); a value naming none, from any other caller,
        // would find nothing without saying why.
        if (search.Role is { } askedRole && !Enum.IsDefined(askedRole))
        {
            errors["Role"] = "Choose a clinician role from the list";
        }

        if (search.Mode is { } askedMode && !Enum.IsDefined(askedMode))
        {
            errors["Mode"] = "Choose how the patient is seen from the list";
        }

        var practiceOds = search.PracticeOds?.Trim().ToUpperInvariant();
        if (actor.IsPracticeStaff && string.IsNullOrEmpty(practiceOds))
        {
            practiceOds = await db.Practices.Where(p => p.Id == actor.PracticeId).Select(p => p.OdsCode).FirstOrDefaultAsync(cancellationToken);
        }

        if (string.IsNullOrEmpty(practiceOds))
        {
            errors["PracticeOds"] = "Choose the patient's registered practice";
        }
        else if (!OdsCodes.IsWellFormed(practiceOds))
        {
            errors["PracticeOds"] = "A practice code is letters and digits, for example C84901";
        }

        ValidationFailedException.ThrowIfAny(errors);

        var practice = await db.Practices.AsNoTracking().FirstOrDefaultAsync(p => p.OdsCode == practiceOds, cancellationToken)
            ?? throw ValidationFailedException.On("PracticeOds", $"No practice has the code {practiceOds}");

        if (actor.IsPracticeStaff && practice.Id != actor.PracticeId)
        {
            throw DomainException.Forbidden("other-practice", "Practice staff can search only for patients of their own practice.");
        }

        if (actor.IsCommissioner)
        {
            throw DomainException.Forbidden("cannot-book", "Commissioners do not book appointments.");
        }

        // A hub clinician books only at their own hub, and booking refuses a patient of a practice it does not serve
        // (practice-not-served): a search for one would find nothing, and say nothing of why.
        if (actor.IsHubClinician)
        {
            var ownHub = await db.Hubs.Where(h => h.Id == actor.HubId)
                .Select(h => new { h.Name, h.IsActive, Serves = h.ServedPractices.Any(hp => hp.PracticeId == practice.Id) })
                .FirstOrDefaultAsync(cancellationToken);
            if (ownHub is { IsActive: false })
            {
                // Booking refuses every patient at a closed hub; the search says so rather than finding nothing.
                throw DomainException.Forbidden("hub-closed", $"Your hub ({ownHub.Name}) is closed, so it takes no bookings.");
            }

            if (ownHub is not { Serves: true })
            {
                throw ValidationFailedException.On("PracticeOds", $"Your hub{(ownHub is null ? string.Empty : $" ({ownHub.Name})")} does not serve {practice.Name} ({practice.OdsCode})");
            }
        }

        var hubIds = db.HubPractices.Where(hp => hp.PracticeId == practice.Id && hp.Hub!.IsActive).Select(hp => hp.HubId);
        var notOwnHub = actor.IsHubClinician && search.HubId is { } named && named != actor.HubId;
        if (search.HubId is { } askedHub && (notOwnHub || !await hubIds.ContainsAsync(askedHub, cancellationToken)))
        {
            // A hub that cannot take this patient would list nothing, which reads as "fully booked".
            var askedName = await db.Hubs.Where(h => h.Id == askedHub).Select(h => h.Name).FirstOrDefaultAsync(cancellationToken);
            throw ValidationFailedException.On("HubId", askedName is null
                ? $"There is no hub {askedHub}"
                : notOwnHub
                    ? $"You book only at your own hub, not {askedName}"
                    : $"{askedName} does not take bookings for patients of {practice.Name} ({practice.OdsCode})");
        }

        var now = Now;

        // Only slots this booker's channel may book, as the booking rules will judge them (NHS 111: the next 48 hours):
        // a slot listed that every booking of would refuse is no use to anyone.
        var window = policy.Value.WindowFor(actor.Channel);
        var (bookableFrom, bookableTo) = (now + window.MinimumNotice, now + window.MaximumAhead);
        // Likewise a hub that takes bookings nearer than that (Leicester City's: 48 hours) lists only what it takes.
        var searchedHubs = await db.Hubs.AsNoTracking()
            .Where(h => hubIds.Contains(h.Id) && (!actor.IsHubClinician || h.Id == actor.HubId) && (search.HubId == null || h.Id == search.HubId))
            .OrderBy(h => h.Name)
            .Select(h => new { h.Id, h.Name, h.MaximumBookingAheadHours })
            .ToListAsync(cancellationToken);

        // When every hub searched stops sooner than the channel, the furthest of them is where this search stops: later
        // dates would find nothing, and the booker is told when that is, as for the channel's own limit.
        int? hubsMaximumAhead = searchedHubs.Count > 0 && searchedHubs.All(h => h.MaximumBookingAheadHours is { } hours && now.AddHours(hours) < bookableTo)
            ? searchedHubs.Max(h => h.MaximumBookingAheadHours!.Value)
            : null;
        var lastBookable = hubsMaximumAhead is { } furthest ? now.AddHours(furthest) : bookableTo;

        // Dates left empty cover the week only as far as anything can be booked: a week's heading over two days of slots
        // would say the rest of it is fully booked.
        var lastBookableDate = London.DateOf(lastBookable);
        if (search.To is null && lastBookableDate >= from && lastBookableDate < to)
        {
            to = lastBookableDate;
        }

        var fromUtc = London.StartOfDayUtc(from);
        var toUtc = London.StartOfDayUtc(to.AddDays(1));
        var query = db.Slots.AsNoTracking()
            .Where(s => hubIds.Contains(s.HubId) && s.Status == SlotStatus.Free && s.StartUtc >= fromUtc && s.StartUtc < toUtc && s.StartUtc > now
                && s.StartUtc >= bookableFrom && s.StartUtc <= bookableTo);
        var nearerWindows = searchedHubs
            .Where(h => h.MaximumBookingAheadHours is { } hours && now.AddHours(hours) < (bookableTo < toUtc ? bookableTo : toUtc))
            .Select(h => new HubBookingWindow(h.Id, h.Name, h.MaximumBookingAheadHours!.Value))
            .ToList();
        foreach (var group in nearerWindows.GroupBy(h => h.MaximumBookingAheadHours))
        {
            var (ids, cutoff) = (group.Select(h => h.HubId).ToList(), now.AddHours(group.Key));
            query = query.Where(s => !ids.Contains(s.HubId) || s.StartUtc <= cutoff);
        }

        if (actor.IsHubClinician)
        {
            query = query.Where(s => s.HubId == actor.HubId);
        }

        if (search.HubId is { } hubId)
        {
            query = query.Where(s => s.HubId == hubId);
        }

        if (search.Role is { } role)
        {
            query = query.Where(s => s.Role == role);
        }

        if (search.Mode is { } mode)
        {
            query = query.Where(s => s.Mode == mode);
        }

        var rows = await query
            .OrderBy(s => s.StartUtc).ThenBy(s => s.HubId).ThenBy(s => s.Id)
            .Take(search.MaxResults + 1)
            .Select(s => new { Slot = s, HubCode = s.Hub!.Code, HubName = s.Hub.Name, s.Hub.Town, SessionName = s.Session!.Name })
            .ToListAsync(cancellationToken);

        var slots = rows.Take(search.MaxResults).Select(r => ToView(r.Slot, r.HubCode, r.HubName, r.Town, r.SessionName)).ToList();
        return new SlotSearchResult(practice.OdsCode, practice.Name, from, to, slots, Truncated: rows.Count > search.MaxResults, NearerHubWindows: nearerWindows, BookableUntilUtc: lastBookable < toUtc ? lastBookable : null, HubsMaximumBookingAheadHours: hubsMaximumAhead);
    }

    public async Task<SlotView> GetSlotAsync(long slotId, CancellationToken cancellationToken = default)
    {
        var row = await db.Slots.AsNoTracking().Where(s => s.Id == slotId)
            .Select(s => new { Slot = s, HubCode = s.Hub!.Code, HubName = s.Hub.Name, s.Hub.Town, SessionName = s.Session!.Name })
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw DomainException.NotFound("slot-not-found", $"There is no slot {slotId}.");
        return ToView(row.Slot, row.HubCode, row.HubName, row.Town, row.SessionName);
    }

    /// <summary>
    /// Books, and runs <paramref name="alsoInTransaction"/> with the new appointment inside the booking's transaction
    /// before it commits: what it changes commits with the booking, and if it throws, nothing is booked. (Triage uses it
    /// to close the online request it booked from.) It is not run for a replayed request, which books nothing.
    /// </summary>
    public Task<BookingOutcome> BookAsync(BookingRequest request, Actor actor, Func<Appointment, CancellationToken, Task>? alsoInTransaction, CancellationToken cancellationToken = default) =>
        ForwardTelemetry.BookingAsync(
            actor?.Channel.ToString() ?? "none",
            () => BookCoreAsync(request, actor!, alsoInTransaction, cancellationToken),
            o => o.Replayed ? "replayed" : "booked");

    /// <summary>
    /// The booking request's own rules, those that need no database (field → message): a page whose form did not bind
    /// whole shows them with its own errors, so everything wrong is said at once.
    /// </summary>
    public Dictionary<string, string> Validate(BookingRequest request) => Validate(request, London.Today(clock));

    private static Dictionary<string, string> Validate(BookingRequest request, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A booking names either an existing patient (FHIR: Patient/{id}) or the patient's details (pages, JSON API).
        var errors = request.PatientId is null ? request.Patient.Validate(today) : [];
        if (request.SlotIds is null || request.SlotIds.Count == 0)
        {
            errors["SlotIds"] = "Choose a slot to book";
        }
        else if (request.SlotIds.Count > 6)
        {
            errors["SlotIds"] = "Book at most 6 adjacent slots in one appointment";
        }
        else if (request.SlotIds.Where(id => id <= 0).Distinct().ToList() is { Count: > 0 } impossible)
        {
            errors["SlotIds"] = BookingWriter.NoSuchSlot(impossible);
        }
        else if (request.SlotIds.Distinct().Count() != request.SlotIds.Count)
        {
            errors["SlotIds"] = BookingWriter.SlotGivenTwice;
        }

        CheckLength(request.Reason, Appointment.MaxReasonLength, "Reason", "Reason for the appointment", errors);
        CheckLength(request.Description, Appointment.MaxDescriptionLength, "Description", "Description", errors);
        CheckLength(request.Comment, Appointment.MaxCommentLength, "Comment", "Comment", errors);
        if (request.IdempotencyKey is not null && !IdempotencyKeys.IsWellFormed(request.IdempotencyKey))
        {
            errors["IdempotencyKey"] = "Idempotency key must be " + IdempotencyKeys.Rule;
        }

        if (request.BookingOrganisationOds is { } bookingOds && !OdsCodes.IsWellFormed(bookingOds))
        {
            errors["BookingOrganisationOds"] = "Booking organisation must be an ODS code: up to 10 letters and digits";
        }

        if (!Enum.IsDefined(request.Consent))
        {
            errors["Consent"] = "Say whether the patient agrees to share their record with the hub";
        }

        return errors;
    }

    private async Task<BookingOutcome> BookCoreAsync(BookingRequest request, Actor actor, Func<Appointment, CancellationToken, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var now = Now;
        var today = London.Today(clock);
        if (actor.IsNhs111 && string.IsNullOrEmpty(actor.OrganisationOds))
        {
            // An NHS 111 provider sees only the bookings its own organisation made: one booked without would be no one's.
            throw DomainException.Forbidden("no-organisation", "Your account has no organisation (ODS code), so what it booked could not be found again. Ask an administrator to set it before booking.");
        }

        var errors = Validate(request, today);
        ValidationFailedException.ThrowIfAny(errors);
        var nhsNumber = request.PatientId is null ? NhsNumber.Parse(request.Patient.NhsNumber!).Value : null;

        if (request.IdempotencyKey is not null && await FindReplayAsync(request, actor, cancellationToken) is { } replay)
        {
            return replay;
        }

        for (var attempt = 1; ; attempt++)
        {
            var pending = new PendingBooking(request, actor, nhsNumber, now, Activity.Current?.Context ?? default, alsoInTransaction, cancellationToken);
            try
            {
                // A booking that brings work of its own for the transaction is written alone, in this request's unit of
                // work where that work lives; the rest queue to be committed with whatever else is being booked just now.
                if (alsoInTransaction is null)
                {
                    await batcher.BookAsync(pending);
                }
                else
                {
                    await writer.CommitAsync([pending], cancellationToken);
                }

                // The writer shows the appointment from what it has just written: no read-back after the commit.
                return new BookingOutcome(await pending.Outcome, Replayed: false);
            }
            catch (DomainException ex) when (ex.Kind == DomainErrorKind.Conflict && request.IdempotencyKey is not null)
            {
                // A retry sent before the first attempt was answered (a client's time-out, a double submit) finds the slot
                // taken by that attempt, which is committed by the time this refusal is given: its booking, not a 409.
                db.ChangeTracker.Clear();
                if (await FindReplayAsync(request, actor, cancellationToken) is { } inFlightReplay)
                {
                    return inFlightReplay;
                }

                throw;
            }
            catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear();

                // Lost a race: the same request retried concurrently, someone else took the slot, or another booking
                // registered the same new patient a moment earlier.
                if (request.IdempotencyKey is not null && await FindReplayAsync(request, actor, cancellationToken) is { } concurrentReplay)
                {
                    return concurrentReplay;
                }

                // The other transaction has committed by now (the unique index waited for it), so a second look sees what
                // it wrote: a slot it took is refused by the rules with the reason, a patient it registered is booked for.
                if (attempt == 1)
                {
                    continue;
                }

                throw DomainException.Conflict("slot-not-free", "That slot has just been booked by someone else. Choose another slot.");
            }
        }
    }

    /// <summary>
    /// An appointment as the actor may see it, not audited here: for the FHIR layer, which audits every call itself, and
    /// for changes, which audit the change. What is shown to someone goes through <see cref="ViewAsync"/>.
    /// </summary>
    public async Task<AppointmentView> GetAsync(long appointmentId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var view = await FindViewAsync(appointmentId, cancellationToken);
        await EnsureCanSeeAsync(view, actor, cancellationToken);
        return ForViewer(view, actor);
    }

    /// <summary>
    /// An appointment shown to someone (the API's read, the appointment pages), audited before it is returned: it names
    /// the patient and why they are booked, so, as a day list, it is not shown if the record of showing it cannot be
    /// saved. FHIR reads go through <see cref="GetAsync"/>: the FHIR layer audits every call itself.
    /// </summary>
    public async Task<AppointmentView> ViewAsync(long appointmentId, Actor actor, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(appointmentId, actor, cancellationToken);
        await AuditViewAsync(view, actor, cancellationToken);
        return (await MarkOffRotaAsync([view], cancellationToken))[0];
    }

    /// <summary>
    /// Records that <paramref name="view"/> is being shown to <paramref name="actor"/>; for an answer that shows an
    /// appointment without reading it through <see cref="ViewAsync"/> (the JSON API's idempotent replay, which books
    /// nothing and so audits no booking).
    /// </summary>
    public async Task AuditViewAsync(AppointmentView view, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        audit.Write(actor, AuditActions.AppointmentView, "success", "Appointment", Id(view.Id), view.PatientId, view.HubId);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Commissioners see appointments without the patient (see <see cref="AppointmentView.WithoutPatient"/>).</summary>
    private static AppointmentView ForViewer(AppointmentView view, Actor actor) => actor.IsCommissioner ? view.WithoutPatient() : view;

    public async Task<AppointmentView> CancelAsync(long appointmentId, string? reason, Actor actor, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsCommissioner)
        {
            throw DomainException.Forbidden("cannot-cancel", "Commissioners do not cancel appointments.");
        }

        // As the other fields' rules are given: against the field the client sent (the appointment checks it again).
        var errors = new Dictionary<string, string>();
        CheckLength(reason, Appointment.MaxCancellationReasonLength, "Reason", "Cancellation reason", errors);
        ValidationFailedException.ThrowIfAny(errors);
        var (appointment, view) = await LoadForChangeAsync(appointmentId, actor, expectedVersion, cancellationToken);
        var before = await ComplianceDayStore.FactsAsync(db, appointmentId, cancellationToken);
        appointment.Cancel(reason, Now, actor.UserName);
        var withdrawReminders = await notifications.ScheduleCancellationAsync(appointment, cancellationToken);
        audit.Write(actor, AuditActions.Cancel, "success", "Appointment", Id(appointment.Id), appointment.PatientId, appointment.HubId, "reason given: " + (appointment.CancellationReason is null ? "no" : "yes"));
        await SaveChangeAsync(appointment, cancellationToken, before, appointment.Status, withdrawReminders, freesSlots: true);
        return AfterChange(view, appointment);
    }

    /// <summary>Who cancels through the link in a patient's message.</summary>
    public static readonly Actor PatientLinkActor = new("patient-link", Domain.Access.Roles.Patient, null, null, null, null);

    /// <summary>
    /// The appointment a verified cancel-link token names, with <see cref="AppointmentView.OffRota"/> set. The caller has
    /// checked the token (PatientCancelLinks); the page shows only the time and the hub.
    /// </summary>
    public async Task<AppointmentView> GetForPatientLinkAsync(long appointmentId, CancellationToken cancellationToken = default) =>
        (await MarkOffRotaAsync([await FindViewAsync(appointmentId, cancellationToken)], cancellationToken))[0];

    /// <summary>Cancels the appointment a verified cancel-link token names, freeing its slots; audited as "patient-link".</summary>
    public async Task<AppointmentView> CancelByPatientLinkAsync(long appointmentId, CancellationToken cancellationToken = default)
    {
        var view = await FindViewAsync(appointmentId, cancellationToken);
        var appointment = await db.Appointments.Include(a => a.Slots).ThenInclude(s => s.Slot).FirstAsync(a => a.Id == appointmentId, cancellationToken);
        var before = await ComplianceDayStore.FactsAsync(db, appointmentId, cancellationToken);
        appointment.Cancel("Cancelled by the patient using the link in their message", Now, PatientLinkActor.UserName);
        var withdrawReminders = await notifications.ScheduleCancellationAsync(appointment, cancellationToken);
        audit.Write(PatientLinkActor, AuditActions.Cancel, "success", "Appointment", Id(appointment.Id), appointment.PatientId, appointment.HubId, "via patient cancel link");
        await SaveChangeAsync(appointment, cancellationToken, before, appointment.Status, withdrawReminders, freesSlots: true);
        return AfterChange(view, appointment);
    }

    /// <summary>
    /// Attended or did not attend. With <paramref name="expectedVersion"/> (the day list's form, an API If-Match) an
    /// appointment changed since it was read is refused, so a stale list cannot overwrite an outcome someone recorded.
    /// </summary>
    public async Task<AppointmentView> RecordOutcomeAsync(long appointmentId, bool attended, Actor actor, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsHubClinician)
        {
            throw DomainException.Forbidden("hub-only", "Only the hub's clinicians record attended or did not attend.");
        }

        var (appointment, view) = await LoadForChangeAsync(appointmentId, actor, expectedVersion, cancellationToken);
        var before = await ComplianceDayStore.FactsAsync(db, appointmentId, cancellationToken);
        appointment.RecordOutcome(attended, Now, actor.UserName);
        audit.Write(actor, attended ? AuditActions.Attended : AuditActions.DidNotAttend, "success", "Appointment", Id(appointment.Id), appointment.PatientId, appointment.HubId);
        await SaveChangeAsync(appointment, cancellationToken, before, appointment.Status);
        return AfterChange(view, appointment);
    }

    /// <summary>
    /// The patient's answer, given to the hub, on sharing their record for this appointment (Granted or Refused): only
    /// the hub's clinicians, when <see cref="Appointment.ConsentRefusal"/> allows. With <paramref name="expectedVersion"/>
    /// (the day list's form, an API If-Match) an appointment changed since it was read is refused. Audited with the
    /// answer and the one it replaced.
    /// </summary>
    public async Task<AppointmentView> RecordConsentAsync(long appointmentId, RecordSharingConsent? consent, Actor actor, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsHubClinician)
        {
            throw DomainException.Forbidden("hub-only", "Only the hub's clinicians record the patient's consent to share their record.");
        }

        if (consent is not (RecordSharingConsent.Granted or RecordSharingConsent.Refused))
        {
            throw ValidationFailedException.On("Consent", "Say whether the patient agrees to share their record with the hub: Granted or Refused");
        }

        var (appointment, view) = await LoadForChangeAsync(appointmentId, actor, expectedVersion, cancellationToken);
        var before = appointment.Consent;
        appointment.RecordConsent(consent.Value, Now);
        audit.Write(actor, AuditActions.Consent, "success", "Appointment", Id(appointment.Id), appointment.PatientId, appointment.HubId, $"consent={appointment.Consent}; was={before}");
        await SaveChangeAsync(appointment, cancellationToken);
        return AfterChange(view, appointment);
    }

    /// <summary>Amends the free-text parts (GP Connect allows description and comment only).</summary>
    public async Task<AppointmentView> AmendAsync(long appointmentId, string? description, string? comment, Actor actor, int? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsCommissioner)
        {
            // Nor would they see what they wrote: a commissioner's view of an appointment leaves its free text out.
            throw DomainException.Forbidden("cannot-amend", "Commissioners do not amend appointments.");
        }

        var errors = new Dictionary<string, string>();
        CheckLength(description, Appointment.MaxDescriptionLength, "Description", "Description", errors);
        CheckLength(comment, Appointment.MaxCommentLength, "Comment", "Comment", errors);
        ValidationFailedException.ThrowIfAny(errors);
        var (appointment, view) = await LoadForChangeAsync(appointmentId, actor, expectedVersion, cancellationToken);
        appointment.Amend(description, comment, Now);
        audit.Write(actor, AuditActions.Amend, "success", "Appointment", Id(appointment.Id), appointment.PatientId, appointment.HubId);
        await SaveChangeAsync(appointment, cancellationToken);
        return AfterChange(view, appointment);
    }

    /// <summary>
    /// Finds a patient by Forward id or NHS number, if the actor may book for them: practice staff their own practice's
    /// patients, hub clinicians patients of the practices their hub serves, NHS 111 anyone. Null when not found or not
    /// visible, so nobody learns that a patient they may not see exists.
    /// </summary>
    public async Task<PatientView?> FindPatientAsync(int? patientId, string? nhsNumber, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsCommissioner)
        {
            throw DomainException.Forbidden("cannot-book", "Commissioners do not look up patients.");
        }

        var query = db.Patients.AsNoTracking();
        query = patientId is { } id ? query.Where(p => p.Id == id) : query.Where(p => p.NhsNumber == nhsNumber);
        var patient = await query
            .Select(p => new { p.Id, p.NhsNumber, p.GivenName, p.FamilyName, p.DateOfBirth, p.Phone, p.RegisteredPracticeId, PracticeOds = p.RegisteredPractice!.OdsCode, PracticeName = p.RegisteredPractice.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return patient is not null && await CanSeePatientAsync(patient.RegisteredPracticeId, actor, cancellationToken)
            ? new PatientView(patient.Id, patient.NhsNumber, patient.GivenName, patient.FamilyName, patient.DateOfBirth, patient.Phone, patient.PracticeOds, patient.PracticeName)
            : null;
    }

    /// <summary>A patient's appointments starting on the London dates from..to (inclusive), cancelled ones too, that the actor may see.</summary>
    public async Task<IReadOnlyList<AppointmentView>> PatientAppointmentsAsync(int patientId, DateOnly from, DateOnly to, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        _ = await FindPatientAsync(patientId, null, actor, cancellationToken)
            ?? throw DomainException.NotFound("patient-not-found", $"There is no patient {patientId}.");
        RequireWithinBounds(from, "start");
        RequireWithinBounds(to, "end");
        var fromUtc = London.StartOfDayUtc(from);
        var toUtc = London.StartOfDayUtc(to.AddDays(1));
        var ids = await db.Appointments.Where(a => a.PatientId == patientId && a.StartUtc >= fromUtc && a.StartUtc < toUtc)
            .OrderBy(a => a.StartUtc).ThenBy(a => a.Id).Select(a => a.Id).ToListAsync(cancellationToken);
        var visible = new List<AppointmentView>();
        foreach (var view in await ViewsAsync(ids, cancellationToken))
        {
            if (await CanSeeAsync(view, actor, cancellationToken))
            {
                visible.Add(view);
            }
        }

        return visible;
    }

    /// <summary>A hub's appointments on one London date, in time order.</summary>
    public async Task<IReadOnlyList<AppointmentView>> DayListAsync(int hubId, DateOnly date, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var hub = await db.Hubs.AsNoTracking().FirstOrDefaultAsync(h => h.Id == hubId, cancellationToken)
            ?? throw DomainException.NotFound("hub-not-found", $"There is no hub {hubId}.");
        var refusal = actor.Role switch
        {
            Domain.Access.Roles.HubClinician => actor.HubId == hubId ? null : DomainException.Forbidden("other-hub", "You can see the day list of your own hub only."),
            Domain.Access.Roles.Commissioner => actor.CcgId == hub.CcgId ? null : DomainException.Forbidden("other-ccg", "You can see the day lists of your own CCG's hubs only."),
            _ => DomainException.Forbidden("hubs-and-commissioners-only", "Only a hub's clinicians and its commissioners see its day list."),
        };
        if (refusal is not null)
        {
            throw refusal;
        }

        RequireWithinBounds(date, "date");
        var fromUtc = London.StartOfDayUtc(date);
        var toUtc = London.StartOfDayUtc(date.AddDays(1));
        var rows = await db.Appointments.Where(a => a.HubId == hubId && a.StartUtc >= fromUtc && a.StartUtc < toUtc)
            .OrderBy(a => a.StartUtc).Select(a => new ListedAppointment(a.Id, a.PatientId, a.HubId)).ToListAsync(cancellationToken);
        await AuditListShownAsync(
            actor,
            AuditActions.DayListView,
            "Hub",
            Id(hubId),
            hubId,
            FormattableString.Invariant($"date={date:yyyy-MM-dd}; rows={rows.Count}"),
            rows,
            FormattableString.Invariant($"named on the day list of {date:yyyy-MM-dd}"),
            cancellationToken);
        return await MarkOffRotaAsync([.. (await ViewsAsync([.. rows.Select(r => r.Id)], cancellationToken)).Select(v => ForViewer(v, actor))], cancellationToken);
    }

    /// <summary>
    /// The appointments the actor may see, as <see cref="CanSeeAsync"/> judges one (practice staff: their practice's
    /// patients'; NHS 111: those its own organisation booked; hub clinicians: their hub's), by NHS number and/or London
    /// dates, cancelled ones included: how a booking is found again when the patient rings back. Commissioners oversee
    /// the service without the patients, so they do not search for them (403). Audited as a day list is.
    /// </summary>
    public async Task<AppointmentSearchResult> SearchAppointmentsAsync(AppointmentSearch search, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.IsCommissioner)
        {
            throw DomainException.Forbidden("cannot-search-patients", "Commissioners do not search patients' appointments: the hubs' day lists show them without the patients.");
        }

        var query = VisibleTo(actor) ?? throw DomainException.Forbidden("cannot-search-appointments", "Your role cannot search appointments.");
        var errors = new Dictionary<string, string>();
        var (nhsNumber, from, to) = CheckAppointmentSearch(search, London.Today(clock), errors);
        ValidationFailedException.ThrowIfAny(errors);

        var fromUtc = London.StartOfDayUtc(from);
        var toUtc = London.StartOfDayUtc(to.AddDays(1));
        query = query.Where(a => a.StartUtc >= fromUtc && a.StartUtc < toUtc);
        if (nhsNumber is { } number)
        {
            query = query.Where(a => a.Patient!.NhsNumber == number);
        }

        // Upcoming first (what a caller ringing back means), then those already started, latest first. Two queries, as
        // one ordering that runs forwards and then backwards in time would need date arithmetic each provider writes
        // differently; each reads at most one more row than the limit, to know whether it cut.
        var now = Now;
        const int Limit = MaxAppointmentSearchResults;
        var rows = await query.Where(a => a.StartUtc >= now).OrderBy(a => a.StartUtc).ThenBy(a => a.Id)
            .Select(a => new ListedAppointment(a.Id, a.PatientId, a.HubId)).Take(Limit + 1).ToListAsync(cancellationToken);
        if (rows.Count <= Limit)
        {
            rows.AddRange(await query.Where(a => a.StartUtc < now).OrderByDescending(a => a.StartUtc).ThenByDescending(a => a.Id)
                .Select(a => new ListedAppointment(a.Id, a.PatientId, a.HubId)).Take(Limit + 1 - rows.Count).ToListAsync(cancellationToken));
        }

        var truncated = rows.Count > Limit;
        var shown = rows.Take(Limit).ToList();

        // Ids only: the NHS number searched for is the patient's identity, and the rows shown name the patients anyway.
        var detail = FormattableString.Invariant($"nhs-number={(nhsNumber is null ? "none" : "given")}; from={from:yyyy-MM-dd}; to={to:yyyy-MM-dd}; rows={shown.Count}{(truncated ? "; truncated" : string.Empty)}");
        await AuditListShownAsync(actor, AuditActions.AppointmentSearch, null, null, actor.HubId, detail, shown, "shown in an appointment search", cancellationToken);
        var views = await ViewsAsync([.. shown.Select(r => r.Id)], cancellationToken);
        return new AppointmentSearchResult(from, to, await MarkOffRotaAsync(views, cancellationToken), truncated);
    }

    /// <summary>
    /// The errors of an appointment search as its fields are named (NhsNumber, From, To), before anything is read: for a
    /// caller that checks other fields of its own first (the API's dates as typed) and reports all of them together.
    /// </summary>
    public IReadOnlyDictionary<string, string> ValidateAppointmentSearch(AppointmentSearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var errors = new Dictionary<string, string>();
        _ = CheckAppointmentSearch(search, London.Today(clock), errors);
        return errors;
    }

    private static (string? NhsNumber, DateOnly From, DateOnly To) CheckAppointmentSearch(AppointmentSearch search, DateOnly today, Dictionary<string, string> errors)
    {
        string? nhsNumber = null;
        if (!string.IsNullOrWhiteSpace(search.NhsNumber))
        {
            if (NhsNumber.TryParse(search.NhsNumber, out var parsed, out var error))
            {
                nhsNumber = parsed.Value.Value;
            }
            else
            {
                errors["NhsNumber"] = error ?? "Enter a valid NHS number";
            }
        }

        var from = search.From ?? today;
        if (!DateBounds.Contains(from))
        {
            // Checked before the default end is worked out from it: two weeks after the last DateOnly does not exist.
            errors["From"] = DateBounds.Message;
            return (nhsNumber, today, today);
        }

        // A default end never falls past the last date Forward takes: the client did not send it, so it is no error of theirs.
        var to = search.To ?? (from.AddDays(DefaultAppointmentSearchDays) is var fortnight && fortnight > DateBounds.Latest ? DateBounds.Latest : fortnight);
        if (!DateBounds.Contains(to))
        {
            errors["To"] = DateBounds.Message;
        }
        else if (to < from)
        {
            errors["To"] = "End date must be on or after the start date";
        }
        else if (to.DayNumber - from.DayNumber >= MaxAppointmentSearchDays)
        {
            errors["To"] = $"Search at most {MaxAppointmentSearchDays} days at a time";
        }

        return (nhsNumber, from, to);
    }

    /// <summary>
    /// The views with <see cref="AppointmentView.OffRota"/> set on those booked into slots their session's rota no longer
    /// plans: a closed date, a stopped session, a changed time or shape.
    /// </summary>
    private async Task<IReadOnlyList<AppointmentView>> MarkOffRotaAsync(IReadOnlyList<AppointmentView> views, CancellationToken cancellationToken)
    {
        var booked = views.Where(v => v.Status == AppointmentStatus.Booked).Select(v => v.Id).ToList();
        var off = booked.Count == 0
            ? new HashSet<long>()
            : await OffRotaAppointments.AmongAsync(db, db.AppointmentSlots.Where(h => booked.Contains(h.AppointmentId)), Now, cancellationToken);
        return [.. views.Select(v => off.Contains(v.Id) ? v with { OffRota = true } : v)];
    }

    /// <summary>Opens a patient's record summary for a hub appointment: only the hub's clinicians, only with consent, always audited.</summary>
    public async Task<RecordSummaryView> ViewRecordAsync(long appointmentId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        const string NotTheirs = "Only clinicians at the appointment's hub can open the patient's record.";
        if (!actor.IsHubClinician)
        {
            // Refused whether or not the appointment exists, so the answer does not tell; the audit record still names
            // its patient and hub when there is one, so the attempt shows where it belongs.
            var owner = await db.Appointments.AsNoTracking().Where(a => a.Id == appointmentId)
                .Select(a => new { a.PatientId, a.HubId }).FirstOrDefaultAsync(cancellationToken);
            audit.Write(actor, AuditActions.RecordViewDenied, "denied", "Appointment", Id(appointmentId), owner?.PatientId, owner?.HubId, NotTheirs);
            await db.SaveChangesAsync(cancellationToken);
            throw DomainException.Forbidden("not-hub-clinician", NotTheirs);
        }

        var appointment = await db.Appointments.AsNoTracking().Include(a => a.Patient!).ThenInclude(p => p.RegisteredPractice)
            .FirstOrDefaultAsync(a => a.Id == appointmentId, cancellationToken);
        if (appointment is null)
        {
            // Every attempt is audited, this one too: ids probed one after another leave a trace.
            audit.Write(actor, AuditActions.RecordViewDenied, "not-found", "Appointment", Id(appointmentId), null, actor.HubId, "No such appointment.");
            await db.SaveChangesAsync(cancellationToken);
            throw DomainException.NotFound("appointment-not-found", $"There is no appointment {appointmentId}.");
        }

        (string Code, string Message)? refused = actor.HubId != appointment.HubId ? ("other-hub", NotTheirs) : appointment.RecordAccessRefusal(Now);
        audit.Write(actor, refused is null ? AuditActions.RecordView : AuditActions.RecordViewDenied, refused is null ? "success" : "denied", "Appointment", Id(appointment.Id), appointment.PatientId, appointment.HubId, refused?.Message);
        await db.SaveChangesAsync(cancellationToken);
        if (refused is { } refusal)
        {
            throw DomainException.Forbidden(refusal.Code, refusal.Message);
        }

        var p = appointment.Patient!;
        return new RecordSummaryView(p.Id, p.NhsNumber, p.FullName, p.DateOfBirth, p.RegisteredPractice!.Name, p.SummaryProblems, p.SummaryMedications, p.SummaryAllergies, p.IsSynthetic);
    }

    private async Task<BookingOutcome?> FindReplayAsync(BookingRequest request, Actor actor, CancellationToken ct)
    {
        var existing = await db.Appointments.AsNoTracking()
            .Where(a => a.BookedBy == actor.UserName && a.IdempotencyKey == request.IdempotencyKey)
            .Select(a => new
            {
                a.Id,
                a.Status,
                a.PatientId,
                a.Patient!.NhsNumber,
                a.Patient.FamilyName,
                a.Patient.DateOfBirth,
                a.Patient.Phone,
                RegisteredPracticeOds = a.Patient.RegisteredPractice!.OdsCode,
                a.Consent,
                a.Reason,
                a.BookingOrganisationOds,
                SlotIds = a.Slots.Select(s => s.SlotId).ToList(),
            })
            .FirstOrDefaultAsync(ct);
        if (existing is null)
        {
            return null;
        }

        // The same slots for another patient is another booking: answering it with the first would tell the booker
        // that patient is booked when they are not.
        var samePatient = request.PatientId is { } patientId
            ? patientId == existing.PatientId
            : NhsNumber.TryParse(request.Patient.NhsNumber, out var nhsNumber, out _) && nhsNumber.Value.Value == existing.NhsNumber;
        if (!samePatient || !existing.SlotIds.OrderBy(x => x).SequenceEqual(request.SlotIds.Distinct().OrderBy(x => x)))
        {
            throw new IdempotencyKeyReusedException(existing.Id, existing.Status == AppointmentStatus.Cancelled, "This idempotency key was already used for a different booking.");
        }

        // So is the same booking with other details, compared as the writer stores them: answered with the first, a
        // consent the patient withdrew would be kept, and a corrected last name, date of birth or phone silently lost
        // (texts going on to the number the booker had just put right), as would a registered practice that is not the
        // patient's, which the writer refuses as a sign of the wrong patient or a move. Only what nothing else changes is
        // compared, so a genuine retry is never refused: the description and comment may have been amended since, the
        // practice is compared only when given (as the writer checks it), and the patient's phone only while no later
        // booking of theirs can have changed it. The consent is compared only while it is the booker's: once the hub has
        // recorded the patient's own answer (RecordConsentAsync), that answer is the newer one and the retry is answered
        // with it.
        var samePatientDetails = request.PatientId is not null
            || (string.Equals(request.Patient.FamilyName?.Trim(), existing.FamilyName, StringComparison.OrdinalIgnoreCase)
                && request.Patient.DateOfBirth == existing.DateOfBirth
                && (BookingWriter.RegisteredPracticeOdsGiven(request) is not { } givenPractice || givenPractice == existing.RegisteredPracticeOds)
                && (request.Patient.Phone?.Trim() == existing.Phone
                    || await db.Appointments.AnyAsync(a => a.PatientId == existing.PatientId && a.Id > existing.Id, ct)));
        var sameDetails = samePatientDetails
            && Appointment.CleanText(request.Reason) == existing.Reason
            && BookingWriter.OrganisationOdsToStore(request, actor) == existing.BookingOrganisationOds
            && (request.Consent == existing.Consent || await HubRecordedConsentAsync(existing.Id, existing.PatientId, ct));
        if (!sameDetails)
        {
            throw new IdempotencyKeyReusedException(existing.Id, existing.Status == AppointmentStatus.Cancelled, "This idempotency key was already used to book these slots for this patient with other details (last name, date of birth, phone, registered practice, consent, reason or booking organisation). The first booking stands unchanged.");
        }

        return new BookingOutcome(await FindViewAsync(existing.Id, ct), Replayed: true);
    }

    /// <summary>Whether the hub has recorded the patient's consent for this appointment since it was booked (its audit entry says so).</summary>
    private Task<bool> HubRecordedConsentAsync(long appointmentId, int patientId, CancellationToken ct)
    {
        var id = Id(appointmentId);
        return db.AuditEvents.AsNoTracking().AnyAsync(e => e.PatientId == patientId && e.Action == AuditActions.Consent && e.EntityType == "Appointment" && e.EntityId == id && e.Outcome == "success", ct);
    }

    /// <summary>
    /// A cancelled appointment's slots go back on offer only as the rota now has them, which the slot planner decides
    /// once the cancellation is saved (<see cref="SaveChangeAsync"/>): a slot the rota no longer offers (its date
    /// closed or its session stopped while it was booked) is withdrawn, one whose session changed length, role or mode
    /// takes the new shape, and the slots the booking kept off the clinician's time are laid beside it. Runs inside the
    /// cancellation's transaction, the hub and then (PostgreSQL) its slots on those dates taken first, as a rota change
    /// takes them: a rota change at the hub has either committed before the rota is read or waits for this
    /// cancellation, so a date closed meanwhile cannot get its slot back on offer, and the two never hold what the other
    /// waits for. Returns the London dates of the freed slots.
    /// </summary>
    private async Task<(DateOnly From, DateOnly To)?> HoldFreedSlotsAsync(Appointment appointment, CancellationToken ct)
    {
        // Cancel freed every slot; a retried transaction plans again from the rota as it is then.
        var freed = appointment.Slots.Select(h => h.Slot).OfType<Slot>().ToList();
        freed.ForEach(s => s.Status = SlotStatus.Free);
        if (freed.Count == 0)
        {
            return null;
        }

        var dates = freed.Select(s => DateOnly.FromDateTime(London.ToLocal(s.StartUtc))).ToList();
        var (from, to) = (dates.Min(), dates.Max());
        await planner.HoldAsync(appointment.HubId, from, to, ct);
        return (from, to);
    }

    private static void RequireWithinBounds(DateOnly date, string field)
    {
        if (!DateBounds.Contains(date))
        {
            throw ValidationFailedException.On(field, DateBounds.Message);
        }
    }

    /// <summary>The appointment to change, tracked, and the view of it the answer is made from once the change commits.</summary>
    private async Task<(Appointment Appointment, AppointmentView View)> LoadForChangeAsync(long appointmentId, Actor actor, int? expectedVersion, CancellationToken ct)
    {
        var view = await FindViewAsync(appointmentId, ct);
        await EnsureCanSeeAsync(view, actor, ct);
        var appointment = await db.Appointments.Include(a => a.Slots).ThenInclude(s => s.Slot).FirstAsync(a => a.Id == appointmentId, ct);
        if (expectedVersion is { } v && v != appointment.Version)
        {
            throw DomainException.Conflict("version-mismatch", $"The appointment has changed since version {v}; it is now version {appointment.Version}. Read it again and retry.");
        }

        return (appointment, view);
    }

    /// <summary>
    /// The answer to a committed change: the view read before it with what the change wrote. Nothing is read after the
    /// commit, where a database gone away would turn a change that was made into an error saying nothing was saved.
    /// </summary>
    private static AppointmentView AfterChange(AppointmentView before, Appointment changed) => before with
    {
        Status = changed.Status,
        Description = changed.Description,
        Comment = changed.Comment,
        CancelledUtc = changed.CancelledUtc,
        CancellationReason = changed.CancellationReason,
        CancelledBy = changed.CancelledBy,
        OutcomeRecordedUtc = changed.OutcomeRecordedUtc,
        OutcomeRecordedBy = changed.OutcomeRecordedBy,
        Consent = changed.Consent,
        Version = changed.Version,
    };

    /// <summary>
    /// Saves a change to <paramref name="changed"/>; when its status changed (<paramref name="statusBefore"/> is what it was), its
    /// compliance day summary moves in the same transaction. A cancellation says it frees the appointment's slots
    /// (<paramref name="freesSlots"/>), for the rota to decide which go back on offer inside the transaction.
    /// </summary>
    private async Task SaveChangeAsync(Appointment changed, CancellationToken ct, BookedAppointment? statusBefore = null, AppointmentStatus statusAfter = default, Func<CancellationToken, Task>? alsoInTransaction = null, bool freesSlots = false)
    {
        changed.ChangeId = Guid.NewGuid();
        try
        {
            // Writers take turns with bookings on SQLite instead of sleeping in its busy handler.
            using var turn = await writeGate.EnterAsync(db, ct);
            if (statusBefore is null && alsoInTransaction is null && !freesSlots)
            {
                await db.SaveChangesAsync(ct);
                return;
            }

            await db.InTransactionAsync(
                async token =>
                {
                    var freedDates = freesSlots ? await HoldFreedSlotsAsync(changed, token) : null;
                    await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, token);
                    if (freedDates is { } dates)
                    {
                        await planner.PlanAsync(dates.From, dates.To, changed.HubId, token);
                    }

                    if (statusBefore is not null)
                    {
                        await ComplianceDayStore.ChangeStatusAsync(db, statusBefore, statusAfter, token);
                    }

                    if (alsoInTransaction is not null)
                    {
                        await alsoInTransaction(token);
                    }
                },
                ct);
            db.ChangeTracker.AcceptAllChanges();
        }
        catch (DbUpdateException ex)
        {
            // Each change saves its own id, so the stored row tells whether this change committed (identical changes
            // made at once write the same values, so only the id tells them apart) or another committed after this one
            // read the appointment.
            var stored = await db.Appointments.AsNoTracking().Where(a => a.Id == changed.Id)
                .Select(a => new { a.Version, a.ChangeId }).FirstOrDefaultAsync(CancellationToken.None);
            if (stored is not null && stored.ChangeId == changed.ChangeId && stored.Version == changed.Version)
            {
                // PostgreSQL's connection dropped as the change committed: the execution strategy sent it again, and found
                // its own first attempt there (the version it expected moved on, its reminder withdrawal's key taken).
                // The change is in the database.
                db.ChangeTracker.AcceptAllChanges();
                return;
            }

            // A unique key this change shares with another that committed since it read the appointment (the cancellation
            // notice of two cancellations at once, which PostgreSQL reports before the version check) is the same lost
            // race as a version that moved on, not a fault.
            var movedOn = stored?.Version != db.Entry(changed).Property(a => a.Version).OriginalValue;
            if (ex is not DbUpdateConcurrencyException && !movedOn)
            {
                throw;
            }

            // Nothing of the refused change may stay tracked: the page goes on to show the list, which saves its audit row
            // through the same context and would send the stale update again.
            db.ChangeTracker.Clear();
            throw DomainException.Conflict("version-mismatch", "Someone else changed this appointment at the same time. Read it again and retry.");
        }
    }

    private async Task EnsureCanSeeAsync(AppointmentView view, Actor actor, CancellationToken ct)
    {
        if (!await CanSeeAsync(view, actor, ct))
        {
            // Not found rather than forbidden: do not confirm that an appointment exists to someone who may not see it.
            throw DomainException.NotFound("appointment-not-found", $"There is no appointment {view.Id}.");
        }
    }

    private async Task<bool> CanSeeAsync(AppointmentView view, Actor actor, CancellationToken ct) => actor.Role switch
    {
        Domain.Access.Roles.HubClinician => view.HubId == actor.HubId,
        Domain.Access.Roles.PracticeStaff => await db.Patients.AnyAsync(p => p.Id == view.PatientId && p.RegisteredPracticeId == actor.PracticeId, ct),
        // An NHS 111 provider's own bookings only: another provider's callers are not its to see, change or cancel.
        Domain.Access.Roles.Nhs111 => view.Channel == BookingChannel.Nhs111 && actor.OrganisationOds is { } ods
            && string.Equals(view.BookingOrganisationOds, ods, StringComparison.OrdinalIgnoreCase),
        Domain.Access.Roles.Commissioner => await db.Hubs.AnyAsync(h => h.Id == view.HubId && h.CcgId == actor.CcgId, ct),
        _ => false,
    };

    /// <summary>
    /// <see cref="CanSeeAsync"/>'s rule for all of an actor's appointments at once, as a query, for searches; null for a
    /// role that finds none by searching (commissioners see their hubs' appointments only without the patients). The two
    /// must agree: AppointmentSearchTests checks each role's search against <see cref="GetAsync"/> appointment by appointment.
    /// </summary>
    private IQueryable<Appointment>? VisibleTo(Actor actor)
    {
        var all = db.Appointments.AsNoTracking();
        return actor.Role switch
        {
            Domain.Access.Roles.HubClinician => actor.HubId is { } hubId ? all.Where(a => a.HubId == hubId) : all.Where(a => false),
            Domain.Access.Roles.PracticeStaff => actor.PracticeId is { } practiceId ? all.Where(a => a.Patient!.RegisteredPracticeId == practiceId) : all.Where(a => false),
            // Bookings store the organisation's code in capitals (BookingWriter; the migration that added the index
            // put older rows right), so this equals CanSeeAsync's ignore-case comparison and is served by
            // IX_Appointments_BookingOrganisationOds_StartUtc.
            Domain.Access.Roles.Nhs111 => actor.OrganisationOds?.ToUpperInvariant() is { } ods
                ? all.Where(a => a.BookingOrganisationOds == ods && a.Channel == BookingChannel.Nhs111)
                : all.Where(a => false),
            _ => null,
        };
    }

    /// <summary>An appointment a list showed, with whom and where it names for the audit log.</summary>
    private sealed record ListedAppointment(long Id, int PatientId, int HubId);

    /// <summary>
    /// Records that a list of appointments was shown. It names each patient with their NHS number, so who saw it, and
    /// when, is kept as for a record: once for the list, and once under each appointment and patient it named, so a
    /// search of the log for a patient finds every list that showed them. A commissioner's list names nobody and is
    /// audited once. Saved before the list is returned: a list whose showing cannot be recorded is not shown.
    /// </summary>
    private async Task AuditListShownAsync(Actor actor, string action, string? listEntityType, string? listEntityId, int? listHubId, string listDetail, IReadOnlyCollection<ListedAppointment> shown, string shownDetail, CancellationToken ct)
    {
        audit.Write(actor, action, "success", listEntityType, listEntityId, hubId: listHubId, detail: listDetail);
        if (!actor.IsCommissioner)
        {
            foreach (var row in shown)
            {
                audit.Write(actor, action, "success", "Appointment", Id(row.Id), row.PatientId, row.HubId, shownDetail);
            }
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>A hub clinician's patients are those of the practices an active hub of theirs serves, as for booking.</summary>
    private async Task<bool> CanSeePatientAsync(int registeredPracticeId, Actor actor, CancellationToken ct) =>
        actor.MayBookForPatientOf(
            registeredPracticeId,
            actor.IsHubClinician && await db.HubPractices.AnyAsync(hp => hp.HubId == actor.HubId && hp.PracticeId == registeredPracticeId && hp.Hub!.IsActive, ct));

    private async Task<AppointmentView> FindViewAsync(long appointmentId, CancellationToken ct) =>
        await ViewsAsync([appointmentId], ct) is [var view, ..]
            ? view
            : throw DomainException.NotFound("appointment-not-found", $"There is no appointment {appointmentId}.");

    private Task<IReadOnlyList<AppointmentView>> ViewsAsync(IReadOnlyCollection<long> ids, CancellationToken ct) => AppointmentViews.LoadAsync(db, ids, ct);

    private static SlotView ToView(Slot s, string hubCode, string hubName, string? town, string sessionName) =>
        new(s.Id, s.HubId, hubCode, hubName, town, s.SessionId, sessionName, s.ClinicianIndex, s.StartUtc, s.EndUtc, London.ToLocalWithOffset(s.StartUtc), London.ToLocalWithOffset(s.EndUtc), s.Role, s.Mode, s.Status);

    private static void CheckLength(string? value, int max, string field, string label, Dictionary<string, string> errors)
    {
        if (FreeText.Characters(value) > max)
        {
            errors[field] = $"{label} must be {max} characters or fewer";
        }
        else if (FreeText.HasControlCharacters(value))
        {
            // PostgreSQL refuses a NUL in text, and it would fail every booking written with this one.
            errors[field] = $"{label} must not contain control characters";
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
