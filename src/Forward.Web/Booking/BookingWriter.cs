using System.Diagnostics;
using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Infrastructure;
using Forward.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Booking;

/// <summary>
/// Writes validated bookings, many in one transaction (group commit). Each booking is checked against the database as
/// it stands plus the bookings before it in the same batch, so a slot taken earlier in the batch is not free for a later
/// one and a patient's earlier booking counts towards the overlap rule. The batch reads what it needs in one query per
/// kind (patients, practices, slots, hub links, held appointments) and saves in one go, so the write lock is held for
/// a fraction of what one transaction per booking costs. A booking the rules refuse is left out and told why; the rest
/// commit together. If the database refuses the batch (a unique index: another server booked a slot first; or a slot is
/// no longer free when it is marked booked: a rota change withdrew it), every booking in it is tried again on its own,
/// so only the one that lost is refused.
/// </summary>
public sealed class BookingWriter(ForwardDbContext db, IOptions<BookingPolicy> policy, AuditLog audit, NotificationScheduler notifications, SqliteWriteGate writeGate)
{
    /// <summary>Writes the batch and decides every booking in it; the outcomes are set once the transaction has ended.</summary>
    /// <remarks>
    /// It does not throw: whatever stops a booking (the rules, a unique index, the database being down, the SQLite write
    /// turn timing out) becomes that booking's outcome, and its booker sees it as if it had booked alone.
    /// </remarks>
    public async Task CommitAsync(IReadOnlyList<PendingBooking> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var activity = ForwardTelemetry.StartBookingWrite(batch.Select(b => b.RequestActivity), batch.Count);
        try
        {
            await CommitTogetherAsync(batch, cancellationToken);
            activity?.SetTag("forward.booked", batch.Count(b => b.Outcome.IsCompletedSuccessfully));
        }
        catch (Exception ex) when (batch.Count > 1 && LostARace(ex))
        {
            foreach (var booking in batch)
            {
                await CommitAsync([booking], cancellationToken);
            }
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
            RefuseUndecided(batch, ex);
        }
    }

    /// <summary>
    /// The group collided with other writers (a unique index, a slot no longer free, a deadlock PostgreSQL broke): nothing
    /// was written, and each booking alone is decided afresh.
    /// </summary>
    private static bool LostARace(Exception ex) =>
        ex is DbUpdateConcurrencyException || (ex is DbUpdateException update && DbErrors.IsUniqueViolation(update)) || DbErrors.IsDeadlock(ex);

    /// <summary>Gives every booking of the batch not yet decided this reason.</summary>
    public static void RefuseUndecided(IEnumerable<PendingBooking> batch, Exception reason)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var booking in batch.Where(b => !b.IsDecided))
        {
            booking.Refused(reason);
        }
    }

    private async Task CommitTogetherAsync(IReadOnlyList<PendingBooking> batch, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();

        // Any failure rolls the whole batch back, so the savepoint EF would set around each save in the transaction is
        // two wasted round trips.
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            var attempt = 0;
            var decided = await strategy.ExecuteAsync(
                async ct =>
                {
                    db.ChangeTracker.Clear();
                    var outcomes = new Dictionary<PendingBooking, object>();

                    // On PostgreSQL a dropped connection retries the whole batch. If it dropped as the commit went
                    // through, the first attempt booked: answer with those bookings rather than 409 for the slots they
                    // now hold.
                    if (attempt++ > 0)
                    {
                        foreach (var booking in batch)
                        {
                            if (await FindCommittedAsync(booking, ct) is { } committed)
                            {
                                outcomes[booking] = committed;
                            }
                        }
                    }

                    var work = batch.Where(b => !outcomes.ContainsKey(b)).ToList();
                    if (work.Count > 0)
                    {
                        using var turn = await writeGate.EnterAsync(db, ct);
                        await using var tempInMemory = await SqliteTempStore.InMemoryAsync(db, ct);
                        await using var transaction = await db.Database.BeginTransactionAsync(ct);
                        if (await WriteAsync(work, outcomes, retried: attempt > 1, ct))
                        {
                            await transaction.CommitAsync(ct);
                        }
                    }

                    return outcomes;
                },
                cancellationToken);

            foreach (var (booking, outcome) in decided)
            {
                if (outcome is Exception reason)
                {
                    booking.Refused(reason);
                }
            }

            // Committed: if showing them fails now (the database has just gone), their bookers hear that failure, as
            // after any commit whose answer is lost, and a retry with their Idempotency-Key finds the booking.
            foreach (var (booking, view) in await ViewsAsync(decided, cancellationToken))
            {
                booking.Booked(view);
            }
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }

    /// <summary>
    /// Checks and writes each booking in the open transaction; returns whether it wrote anything to commit (bookings, or
    /// the audit of refusals that named a patient Forward holds).
    /// </summary>
    private async Task<bool> WriteAsync(List<PendingBooking> work, Dictionary<PendingBooking, object> outcomes, bool retried, CancellationToken ct)
    {
        var known = await KnownAsync(work, ct);
        var accepted = new List<Accepted>();
        var phonesChanged = new HashSet<Patient>();
        var refusals = new List<AuditEvent>();
        foreach (var booking in work)
        {
            // The hub of the slots tried, once the patient named has been looked up: only a refusal after that can have
            // told the sender anything about them.
            int? lookedUpAtHub = null;
            try
            {
                // Slots first, taken ones included: a booking of no real slot, or of one it cannot have, must not tell its
                // sender anything about the patient it names.
                var slots = known.SlotsFor(booking.Request.SlotIds!);
                var hubId = slots[0].HubId;
                if (booking.Actor.IsHubClinician && hubId != booking.Actor.HubId)
                {
                    throw DomainException.Forbidden("other-hub", "Hub staff can book only into their own hub.");
                }

                BookingRules.CheckFree(slots.Select(s => s.Status));
                lookedUpAtHub = hubId;
                var patient = known.Resolve(booking);

                BookingRules.CheckCanBook(
                    slots.Select(s => new SlotToBook(s.Id, s.SessionId, s.HubId, s.StartUtc, s.EndUtc, s.Role, s.Mode, s.Status, s.ClinicianIndex)).ToList(),
                    booking.Actor.Channel,
                    booking.RequestedUtc,
                    policy.Value,
                    known.Serves(hubId, patient.RegisteredPracticeId),
                    known.HeldBy(patient),
                    known.Hub(hubId).MaximumBookingAheadHours is { } hours ? TimeSpan.FromHours(hours) : null);

                // Checked: only now does the booking change anything, so a refused one leaves no trace in the batch.
                var appointment = Book(booking, patient, slots, phonesChanged);
                known.Accept(booking, patient, appointment);
                accepted.Add(new Accepted(booking, appointment, patient, slots, known.Practice(patient.RegisteredPracticeId), known.Hub(hubId), known.SessionNames));
            }
            catch (DomainException ex)
            {
                outcomes[booking] = ex;
                if (lookedUpAtHub is not null && ex.Kind == DomainErrorKind.Forbidden && known.Held(booking) is { } refusedFor)
                {
                    // Refused for a patient Forward holds (registered at another practice, or one the hub does not
                    // serve), its sender has learnt that Forward knows the NHS number: the attempt is kept under the
                    // patient, where their practice's commissioner sees it.
                    refusals.Add(audit.Entry(
                        booking.Actor,
                        AuditActions.Book,
                        "denied",
                        "Patient",
                        refusedFor.Id.ToString(CultureInfo.InvariantCulture),
                        refusedFor.Id,
                        lookedUpAtHub,
                        $"{ex.Code}; channel={booking.Actor.Channel}; slots={string.Join(',', booking.Request.SlotIds!)}",
                        booking.TraceId,
                        refusedFor.RegisteredPracticeId));
                }
            }
        }

        if (retried && refusals.Count > 0)
        {
            // PostgreSQL's connection dropped as the first attempt committed: the refusals it audited are there already.
            var traces = refusals.Select(r => r.TraceId).OfType<string>().Distinct().ToList();
            var audited = (await db.AuditEvents.AsNoTracking()
                    .Where(e => e.Action == AuditActions.Book && e.Outcome == "denied" && e.TraceId != null && traces.Contains(e.TraceId))
                    .Select(e => new { e.TraceId, e.PatientId }).ToListAsync(ct))
                .Select(e => (e.TraceId, e.PatientId)).ToHashSet();
            refusals.RemoveAll(r => audited.Contains((r.TraceId, r.PatientId)));
        }

        if (accepted.Count == 0)
        {
            if (refusals.Count == 0)
            {
                return false;
            }

            db.AuditEvents.AddRange(refusals);
            await db.SaveChangesAsync(ct);
            return true;
        }

        await SaveAsync(accepted, phonesChanged, refusals, alone: work.Count == 1, ct);
        var alsoInTransaction = accepted.Where(a => a.Booking.AlsoInTransaction is not null).ToList();
        foreach (var a in alsoInTransaction)
        {
            await a.Booking.AlsoInTransaction!(a.Appointment, ct);
        }

        if (alsoInTransaction.Count > 0)
        {
            // What the callbacks changed is tracked by EF; the booking's own rows are already written.
            await db.SaveChangesAsync(ct);
        }

        foreach (var a in accepted)
        {
            outcomes[a.Booking] = a;
        }

        return true;
    }

    /// <summary>
    /// The booked appointments as their bookers see them: those this batch wrote from memory, any a retry found already
    /// committed read back.
    /// </summary>
    private async Task<List<(PendingBooking Booking, AppointmentView View)>> ViewsAsync(Dictionary<PendingBooking, object> decided, CancellationToken ct)
    {
        var committedIds = decided.Values.OfType<long>().ToList();
        var committed = committedIds.Count == 0 ? [] : (await AppointmentViews.LoadAsync(db, committedIds, ct)).ToDictionary(v => v.Id);

        var views = new List<(PendingBooking, AppointmentView)>();
        foreach (var (booking, outcome) in decided)
        {
            if (outcome is Accepted a)
            {
                var p = a.Patient;
                views.Add((booking, AppointmentViews.Of(
                    a.Appointment,
                    a.Hub.Code,
                    a.Hub.Name,
                    new AppointmentViews.PatientFacts(p.NhsNumber, p.GivenName, p.FamilyName, p.DateOfBirth, p.Phone, a.Practice.OdsCode, a.Practice.Name),
                    a.Slots.Select(s => new AppointmentViews.HeldSlot(s.Id, s.StartUtc, a.SessionNames[s.SessionId])))));
            }
            else if (outcome is long id)
            {
                views.Add((booking, committed[id]));
            }
        }

        return views;
    }

    /// <summary>
    /// Writes the accepted bookings and what goes with them (new patients, changed phone numbers, appointments, slot
    /// holds, slot status, confirmation and reminder messages, audit records, compliance day counts) as a few multi-row
    /// statements: one round trip on PostgreSQL. EF's change tracking cost more per group than the database's own work,
    /// so these rows are never tracked; their keys are handed out first.
    /// </summary>
    /// <param name="alone">Whether the batch is this one booking: a slot lost then is its answer; in a group, each booking is decided again alone.</param>
    private async Task SaveAsync(List<Accepted> accepted, HashSet<Patient> phonesChanged, List<AuditEvent> auditEntries, bool alone, CancellationToken ct)
    {
        // New patients and slot holds go in key order: two writers (PostgreSQL) inserting the same keys in opposite
        // orders would deadlock on the unique indexes, where in the same order the second simply waits for the first.
        var newPatients = accepted.Select(a => a.Patient).Where(p => p.Id == 0).Distinct().OrderBy(p => p.NhsNumber, StringComparer.Ordinal).ToList();
        var patientIds = await StatementBatch.NextIdsAsync<Patient>(db, newPatients.Count, ct);
        for (var i = 0; i < newPatients.Count; i++)
        {
            newPatients[i].Id = checked((int)patientIds[i]);
        }

        var appointmentIds = await StatementBatch.NextIdsAsync<Appointment>(db, accepted.Count, ct);
        var holds = new List<AppointmentSlot>();
        for (var i = 0; i < accepted.Count; i++)
        {
            var appointment = accepted[i].Appointment;
            appointment.Id = appointmentIds[i];
            appointment.PatientId = appointment.Patient!.Id;
            foreach (var hold in appointment.Slots)
            {
                hold.AppointmentId = appointment.Id;
                holds.Add(hold);
            }
        }

        var batch = new StatementBatch(db);
        batch.Insert(newPatients);
        var messages = new List<OutboxMessage>();
        foreach (var patient in phonesChanged.Where(p => !newPatients.Contains(p)))
        {
            batch.Update<Patient>(nameof(Patient.Phone), patient.Phone, [patient.Id]);
            messages.AddRange(await notifications.ReaddressTextsAsync(patient.Id, patient.Phone, ct));
        }

        batch.Insert(accepted.Select(a => a.Appointment).ToList());
        holds.Sort((x, y) => x.SlotId.CompareTo(y.SlotId));
        batch.Insert(holds);
        var slotsBooked = batch.UpdateFrom<Slot>(nameof(Slot.Status), SlotStatus.Free, SlotStatus.Booked, holds.Select(h => (object)h.SlotId).ToList());
        foreach (var (booking, appointment, patient, slots, _, hub, _) in accepted)
        {
            // Confirmation and reminder rows join this transaction: the booking and its messages commit together.
            messages.AddRange(notifications.PlanBooking(appointment, new NotificationScheduler.HubPlace(hub.Name, hub.SiteName, hub.Town), patient.Phone, patient.Email));
            auditEntries.Add(audit.Entry(
                booking.Actor,
                AuditActions.Book,
                "success",
                "Appointment",
                appointment.Id.ToString(CultureInfo.InvariantCulture),
                patient.Id,
                appointment.HubId,
                $"channel={booking.Actor.Channel}; slots={string.Join(',', slots.Select(s => s.Id))}; consent={booking.Request.Consent}",
                booking.TraceId));
        }

        // Keys left to the database: nothing in the transaction reads these rows back, and the audit trail reads in key order.
        batch.Insert(messages, withKeys: false);
        batch.Insert(auditEntries, withKeys: false);

        // Last: on PostgreSQL a day's summary row stays locked until the commit.
        ComplianceDayStore.Add(
            batch,
            accepted.Select(a =>
            {
                var first = a.Slots.MinBy(s => s.Id)!;
                return new BookedAppointment(a.Appointment.Id, a.Patient.RegisteredPracticeId, a.Appointment.HubId, first.SessionId, a.Appointment.StartUtc, a.Appointment.CreatedUtc, a.Appointment.Status, a.Appointment.Channel, first.Mode, a.Slots.Count);
            }));
        var booked = (await batch.ExecuteAsync(ct))[slotsBooked];
        if (booked != holds.Count)
        {
            // A slot changed after the group read it: on PostgreSQL a rota change on another connection can withdraw a
            // free slot meanwhile (the active-hold index guards only against two bookings). Undo the group; alone, each
            // booking reads its slots again and the one that lost is refused.
            throw alone
                ? DomainException.Conflict("slot-not-free", "That slot has just been taken or withdrawn. Choose another slot.")
                : new DbUpdateConcurrencyException($"{holds.Count} slots were to be booked and {booked} still were free.");
        }
    }

    /// <summary>The booking's appointment, with its slots marked booked; nothing is tracked or written yet.</summary>
    private static Appointment Book(PendingBooking booking, Patient patient, List<Slot> slots, HashSet<Patient> phonesChanged)
    {
        var request = booking.Request;
        var first = slots.MinBy(s => s.StartUtc)!;
        var appointment = new Appointment
        {
            Patient = patient,
            HubId = slots[0].HubId,
            StartUtc = first.StartUtc,
            EndUtc = slots.Max(s => s.EndUtc),
            Role = first.Role,
            Mode = first.Mode,
            Channel = booking.Actor.Channel,
            BookedBy = booking.Actor.UserName,
            BookingOrganisationOds = OrganisationOdsToStore(request, booking.Actor),
            Reason = Appointment.CleanText(request.Reason),
            Description = Appointment.CleanText(request.Description),
            Comment = Appointment.CleanText(request.Comment),
            Consent = request.Consent,
            Status = AppointmentStatus.Booked,
            CreatedUtc = booking.RequestedUtc,
            IdempotencyKey = request.IdempotencyKey,
        };
        foreach (var slot in slots)
        {
            // Later bookings in the batch see the slot taken.
            slot.Status = SlotStatus.Booked;
            appointment.Slots.Add(new AppointmentSlot { Appointment = appointment, SlotId = slot.Id, Slot = slot, IsActive = true });
        }

        if (request.PatientId is null && request.Patient.Phone!.Trim() is var phone && phone != patient.Phone)
        {
            // Keep the contact number the patient just gave, as given: the hub calls it, and texts go to it when it is a mobile.
            patient.Phone = phone;
            phonesChanged.Add(patient);
        }

        return appointment;
    }

    /// <summary>
    /// The booking organisation's code as a booking stores it: in capitals, as ODS codes are written, so a search by
    /// organisation compares codes as they are, through an index, and a retry compares its own the same way.
    /// </summary>
    public static string? OrganisationOdsToStore(BookingRequest request, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        return (request.BookingOrganisationOds ?? actor.OrganisationOds)?.ToUpperInvariant();
    }

    /// <summary>The code of a booking refused because a slot id it gives names no slot (400, against SlotIds).</summary>
    private const string SlotNotFound = "slot-not-found";

    public const string SlotGivenTwice = "Give each slot once: the same slot is given more than once";

    public static string NoSuchSlot(IEnumerable<long> slotIds) => $"There is no slot {string.Join(", ", slotIds)}";

    /// <summary>
    /// The registered practice the booker gave, as ODS codes are stored (in capitals), or null when none was given: the
    /// writer checks it against the patient's, and a retry compares its own the same way.
    /// </summary>
    public static string? RegisteredPracticeOdsGiven(BookingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.RegisteredPracticeOds?.Trim().ToUpperInvariant() is { Length: > 0 } ods ? ods : null;
    }

    /// <summary>What the batch's bookings need from the database, read at once, plus what the batch has booked so far.</summary>
    private async Task<BatchKnowledge> KnownAsync(List<PendingBooking> work, CancellationToken ct)
    {
        var keys = new BookingGroupReads.Keys(
            PatientIds: [.. work.Where(b => b.Request.PatientId is not null).Select(b => b.Request.PatientId!.Value).Distinct()],
            NhsNumbers: [.. work.Where(b => b.NhsNumber is not null).Select(b => b.NhsNumber!).Distinct()],
            OdsCodes: [.. work.Where(b => b.Request.PatientId is null && !b.Actor.IsPracticeStaff)
                .Select(b => RegisteredPracticeOdsGiven(b.Request))
                .Where(OdsCodes.IsWellFormed) // PostgreSQL refuses a NUL in text; a code of another shape names no practice
                .Select(o => o!)
                .Distinct()],
            BookerPracticeIds: [.. work.Select(b => b.Actor.PracticeId).OfType<int>().Distinct()],
            SlotIds: [.. work.SelectMany(b => b.Request.SlotIds!).Distinct()],
            BookerHubIds: [.. work.Select(b => b.Actor.HubId).OfType<int>().Distinct()]);
        return new BatchKnowledge(await BookingGroupReads.ReadAsync(db, keys, ct));
    }

    /// <summary>The actor's booked appointment for this patient holding the request's first slot, if there is one.</summary>
    private async Task<long?> FindCommittedAsync(PendingBooking booking, CancellationToken ct)
    {
        var slotId = booking.Request.SlotIds![0];
        var mine = db.Appointments.AsNoTracking()
            .Where(a => a.BookedBy == booking.Actor.UserName && a.Status == AppointmentStatus.Booked && a.Slots.Any(s => s.SlotId == slotId && s.IsActive));
        mine = booking.Request.PatientId is { } patientId
            ? mine.Where(a => a.PatientId == patientId)
            : mine.Where(a => a.Patient!.NhsNumber == booking.NhsNumber);
        return await mine.Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>A booking the rules let through, with what it booked, until its batch commits.</summary>
    private sealed record Accepted(PendingBooking Booking, Appointment Appointment, Patient Patient, List<Slot> Slots, BookingGroupReads.PracticeFacts Practice, BookingGroupReads.HubFacts Hub, IReadOnlyDictionary<int, string> SessionNames);

    private sealed class BatchKnowledge(BookingGroupReads.Found found)
    {
        private readonly Dictionary<long, Slot> slots = found.Slots;
        private readonly Dictionary<(int HubId, int PracticeId), bool> links = found.Links;
        private readonly Dictionary<string, Patient> byNhsNumber = found.Patients.ToDictionary(p => p.NhsNumber);
        private readonly Dictionary<string, int> practiceIdsByOds = found.Practices.Values.ToDictionary(p => p.OdsCode, p => p.Id);
        private readonly Dictionary<int, Patient> byId = found.Patients.ToDictionary(p => p.Id);
        private readonly Dictionary<Patient, List<HeldAppointment>> held = found.Patients.ToDictionary(p => p, p => found.HeldByPatientId.GetValueOrDefault(p.Id) ?? []);

        /// <summary>The patient the booking is for: named by id, found by NHS number (here or earlier in the batch), or new.</summary>
        public Patient Resolve(PendingBooking booking)
        {
            var request = booking.Request;
            var actor = booking.Actor;
            if (request.PatientId is { } patientId)
            {
                return byId.TryGetValue(patientId, out var named) && actor.MayBookForPatientOf(named.RegisteredPracticeId, links.GetValueOrDefault((actor.HubId ?? 0, named.RegisteredPracticeId)))
                    ? named
                    : throw DomainException.NotFound("patient-not-found", $"There is no patient {patientId}.");
            }

            var details = request.Patient;
            if (byNhsNumber.TryGetValue(booking.NhsNumber!, out var patient))
            {
                // Whether they may book for this patient is decided before the details are compared, and the answer is
                // the same whatever details were sent: otherwise anyone who books could test a guessed name and date of
                // birth against any NHS number in Forward.
                if (!actor.MayBookForPatientOf(patient.RegisteredPracticeId, links.GetValueOrDefault((actor.HubId ?? 0, patient.RegisteredPracticeId))))
                {
                    throw actor.IsHubClinician
                        ? DomainException.Forbidden("practice-not-served", "This hub does not serve the patient's registered practice.")
                        : DomainException.Forbidden("other-practice", "This patient is registered at another practice.");
                }

                if (!string.Equals(patient.FamilyName, details.FamilyName!.Trim(), StringComparison.OrdinalIgnoreCase) || patient.DateOfBirth != details.DateOfBirth)
                {
                    throw ValidationFailedException.On("NhsNumber", "The last name and date of birth do not match the patient with this NHS number");
                }

                // A practice given that is not the one Forward has is a mistake to say, not to ignore: the booker may be
                // looking at the wrong patient, or the patient has moved practice.
                if (RegisteredPracticeOdsGiven(request) is { } given && Practice(patient.RegisteredPracticeId).OdsCode is var registered && given != registered)
                {
                    throw ValidationFailedException.On("RegisteredPracticeOds", $"This patient is registered at {registered}, not {given}. Give that code or leave the practice out");
                }

                return patient;
            }

            int practiceId;
            if (actor.IsPracticeStaff)
            {
                practiceId = actor.PracticeId ?? throw DomainException.Forbidden("no-practice", "Your account is not linked to a practice.");
                if (RegisteredPracticeOdsGiven(request) is { } given && found.Practices.TryGetValue(practiceId, out var own) && given != own.OdsCode)
                {
                    throw ValidationFailedException.On("RegisteredPracticeOds", $"You book for patients registered at your practice ({own.OdsCode}). Give that code or leave the practice out");
                }
            }
            else
            {
                var ods = RegisteredPracticeOdsGiven(request) ?? throw ValidationFailedException.On("RegisteredPracticeOds", "Choose the patient's registered practice");
                practiceId = practiceIdsByOds.TryGetValue(ods, out var id)
                    ? id
                    : throw ValidationFailedException.On("RegisteredPracticeOds", $"No practice has the code {ods}");
            }

            return new Patient
            {
                NhsNumber = booking.NhsNumber!,
                GivenName = details.GivenName!.Trim(),
                FamilyName = details.FamilyName!.Trim(),
                DateOfBirth = details.DateOfBirth!.Value,
                Phone = details.Phone!.Trim(),
                RegisteredPracticeId = practiceId,
            };
        }

        public List<Slot> SlotsFor(IReadOnlyList<long> requested)
        {
            // Refused against the field, as a practice code that names no practice is: a 404 for a POST would read as no
            // such endpoint. Its own code stays, so a client can tell a slot gone from its list from other invalid input.
            var missing = requested.Where(id => !slots.ContainsKey(id)).Distinct().ToList();
            if (missing.Count > 0)
            {
                throw ValidationFailedException.On("SlotIds", NoSuchSlot(missing), SlotNotFound);
            }

            // The service refuses a slot given twice before anything is read; a booking written here directly is too.
            return requested.Distinct().Count() == requested.Count
                ? [.. requested.Select(id => slots[id])]
                : throw ValidationFailedException.On("SlotIds", SlotGivenTwice);
        }

        public BookingGroupReads.PracticeFacts Practice(int practiceId) => found.Practices[practiceId];

        public BookingGroupReads.HubFacts Hub(int hubId) => found.Hubs[hubId];

        public IReadOnlyDictionary<int, string> SessionNames => found.SessionNames;

        public bool Serves(int hubId, int practiceId) => links.GetValueOrDefault((hubId, practiceId));

        public List<HeldAppointment> HeldBy(Patient patient) => held.GetValueOrDefault(patient) ?? [];

        /// <summary>The patient already in the database whom the booking names by NHS number, if there is one.</summary>
        public Patient? Held(PendingBooking booking) =>
            booking.NhsNumber is { } nhsNumber && byNhsNumber.TryGetValue(nhsNumber, out var patient) && patient.Id > 0 ? patient : null;

        /// <summary>Later bookings in the batch see this one: its patient by NHS number, its time for the overlap rule.</summary>
        public void Accept(PendingBooking booking, Patient patient, Appointment appointment)
        {
            if (booking.NhsNumber is not null)
            {
                byNhsNumber[booking.NhsNumber] = patient;
            }

            if (!held.TryGetValue(patient, out var list))
            {
                held[patient] = list = [];
            }

            list.Add(new HeldAppointment(0, appointment.StartUtc, appointment.EndUtc));
        }
    }
}
