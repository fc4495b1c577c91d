using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Consultation;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Patients;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Booking;
using Forward.Web.Notifications;
using Forward.Web.Pages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Consultation;

/// <summary>One line of the triage queue. Summary is the admin type or the patient's few words, never the details.</summary>
public sealed record TriageRow(
    long Id,
    string Reference,
    ConsultationKind Kind,
    AdminRequestType? AdminType,
    string? ProblemSummary,
    DateTime SubmittedUtc,
    DateTime DeadlineUtc,
    string? AssignedTo,
    ConsultationStatus Status,
    ConsultationOutcome? Outcome,
    DateTime? ClosedUtc,
    SeverityBand? Severity,
    DurationBand? Duration)
{
    /// <summary>Open and <see cref="TriageService.IsReviewFirst"/>: the queue tags it and puts it first among new requests.</summary>
    public bool ReviewFirst => Status != ConsultationStatus.Closed && TriageService.IsReviewFirst(Severity, Duration);
}

/// <summary>
/// The registered patient a request was matched to, with the contact details on their record. The match is on NHS
/// number, date of birth and practice only, so the flags say where what the request gave is not what the record holds:
/// staff reply to the contacts given, and must not take "matched" to mean the sender is the patient.
/// </summary>
/// <param name="Matches">The record has the NHS number and date of birth the request gave. Only a request a booking made
/// before that was checked can be linked to a record without them: it is not shown as matched.</param>
public sealed record MatchedPatient(
    int Id,
    string Name,
    string NhsNumber,
    DateOnly DateOfBirth,
    string? Phone,
    string? Email,
    bool NameDiffers,
    bool MobileDiffers,
    bool EmailDiffers,
    bool Matches)
{
    public bool AnyDiffers => NameDiffers || MobileDiffers || EmailDiffers;

    /// <summary>
    /// Compares the request's typed details with the record. Names ignore case and spacing; a mobile is compared as the
    /// number Notify would text, so "+44 7700 900123" is "07700900123"; an email ignores case. A contact given in the
    /// request that the record does not hold (a record with a landline only, or no email) differs, since a message sent
    /// to it may reach someone else.
    /// </summary>
    public static MatchedPatient Compare(ConsultationRequest request, int id, string givenName, string familyName, string nhsNumber, DateOnly dateOfBirth, string? phone, string? email)
    {
        ArgumentNullException.ThrowIfNull(request);
        static string Name(string given, string family) =>
            string.Join(' ', $"{given} {family}".Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        var nameDiffers = !string.Equals(Name(request.GivenName, request.FamilyName), Name(givenName, familyName), StringComparison.Ordinal);
        var mobileDiffers = request.Mobile is not null && UkPhoneNumber.Mobile(request.Mobile) is var typed
            && (typed is null || typed != UkPhoneNumber.Mobile(phone));
        var emailDiffers = !string.IsNullOrWhiteSpace(request.Email)
            && !string.Equals(request.Email.Trim(), email?.Trim(), StringComparison.OrdinalIgnoreCase);
        var matches = nhsNumber == request.NhsNumber && dateOfBirth == request.DateOfBirth;
        return new MatchedPatient(id, $"{givenName} {familyName}", nhsNumber, dateOfBirth, phone, email, nameDiffers, mobileDiffers, emailDiffers, matches);
    }
}

/// <summary>
/// A request as practice staff see it: the patient's answers, the match, and the history (oldest first); for one closed
/// as booked, the appointment's status now (it may have been cancelled since).
/// </summary>
/// <param name="MessagesSent">Messages to the patient sent or waiting to go: those that tell them something.</param>
/// <param name="MessagesFailed">Messages the sender gave up on: the patient has not had them.</param>
public sealed record TriageDetail(ConsultationRequest Request, MatchedPatient? Patient, IReadOnlyList<ConsultationEvent> History, int MessagesSent, AppointmentStatus? BookedAppointmentStatus = null, int MessagesFailed = 0, int MessageRoom = TriageService.MaxMessageLength);

/// <summary>
/// The practice side of online consultation: the queue, one request, and what staff do with it. Only practice staff, and
/// only for their own practice: a request of another practice is "not found", exactly like one that does not exist, so
/// ids cannot be probed. Every view and every action is audited in the same unit of work as the change; audit entries
/// and logs carry ids and the reference, never the patient's details or a message's text.
/// </summary>
public sealed class TriageService(
    ForwardDbContext db,
    TimeProvider clock,
    AuditLog audit,
    BookingService booking,
    IOptions<NotificationOptions> notificationOptions)
{
    public const int MaxMessageLength = 1000;
    /// <summary>Requests on one page of the queue.</summary>
    public const int QueuePageSize = 100;

    private const string EntityType = "ConsultationRequest";

    private const string ClosedMessage = "This request is closed and cannot be changed. Contact the patient another way if they still need to hear from the practice.";

    private const SeverityBand ReviewFirstSeverity = SeverityBand.Severe;
    private const DurationBand ReviewFirstDuration = DurationBand.LessThanTwoDays;

    /// <summary><see cref="IsReviewFirst"/> for the queue's order in SQL.</summary>
    private static readonly Expression<Func<ConsultationRequest, bool>> ReviewFirstInQuery =
        r => r.Severity == ReviewFirstSeverity && r.Duration == ReviewFirstDuration;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// A problem the patient calls severe and has had for less than 2 days may be getting worse fast: a clinician should
    /// look at it before requests that are only due sooner.
    /// </summary>
    public static bool IsReviewFirst(SeverityBand? severity, DurationBand? duration) =>
        severity == ReviewFirstSeverity && duration == ReviewFirstDuration;

    /// <summary>
    /// One page (from 1) of the practice's requests with this status: open ones soonest deadline first, new ones to
    /// <see cref="IsReviewFirst"/> before the rest; closed ones most recently closed first, so the latest are on the
    /// first page however many the practice has closed before.
    /// </summary>
    public async Task<IReadOnlyList<TriageRow>> QueueAsync(ConsultationStatus status, int page, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        var practiceId = PracticeOf(actor);
        var query = db.ConsultationRequests.AsNoTracking().Where(r => r.PracticeId == practiceId && r.Status == status);
        var ordered = status switch
        {
            ConsultationStatus.Closed => query.OrderByDescending(r => r.ClosedUtc).ThenByDescending(r => r.Id),
            ConsultationStatus.New => query.OrderByDescending(ReviewFirstInQuery).ThenBy(r => r.DeadlineUtc).ThenBy(r => r.Id),
            _ => query.OrderBy(r => r.DeadlineUtc).ThenBy(r => r.Id),
        };
        var rows = await ordered
            .Skip((page - 1) * QueuePageSize)
            .Take(QueuePageSize)
            .Select(r => new TriageRow(r.Id, r.Reference, r.Kind, r.AdminType, r.ProblemSummary, r.SubmittedUtc, r.DeadlineUtc, r.AssignedTo, r.Status, r.Outcome, r.ClosedUtc, r.Severity, r.Duration))
            .ToListAsync(cancellationToken);
        audit.Write(actor, AuditActions.ConsultationQueue, "success", "Practice", Id(practiceId), detail: FormattableString.Invariant($"status={status}; page={page}; rows={rows.Count}"));
        await db.SaveChangesAsync(cancellationToken);
        return rows;
    }

    /// <summary>How many of the practice's requests are in each status, for the tab labels.</summary>
    public async Task<IReadOnlyDictionary<ConsultationStatus, int>> CountsAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var practiceId = PracticeOf(actor);
        var counts = await db.ConsultationRequests.AsNoTracking().Where(r => r.PracticeId == practiceId)
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return Enum.GetValues<ConsultationStatus>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0);
    }

    /// <summary>One request for the detail page; audited as a view (or a denied view, when it is another practice's).</summary>
    public async Task<TriageDetail> GetAsync(long id, Actor actor, CancellationToken cancellationToken = default)
    {
        var request = await LoadAsync(id, actor, tracked: false, cancellationToken);
        MatchedPatient? patient = null;
        if (request.PatientId is { } patientId)
        {
            var row = await db.Patients.AsNoTracking().Where(p => p.Id == patientId)
                .Select(p => new { p.Id, p.GivenName, p.FamilyName, p.NhsNumber, p.DateOfBirth, p.Phone, p.Email })
                .FirstOrDefaultAsync(cancellationToken);
            patient = row is null ? null : MatchedPatient.Compare(request, row.Id, row.GivenName, row.FamilyName, row.NhsNumber, row.DateOfBirth, row.Phone, row.Email);
        }

        var replied = await MessagesTo(id).Where(TellsThePatient).CountAsync(cancellationToken);
        var failed = await MessagesTo(id).CountAsync(m => m.Status == OutboxStatus.Failed, cancellationToken);
        var bookedStatus = request.BookedAppointmentId is { } appointmentId
            ? await db.Appointments.AsNoTracking().Where(a => a.Id == appointmentId).Select(a => (AppointmentStatus?)a.Status).FirstOrDefaultAsync(cancellationToken)
            : null;
        var practiceName = await db.Practices.Where(p => p.Id == request.PracticeId).Select(p => p.Name).FirstAsync(cancellationToken);
        audit.Write(actor, AuditActions.ConsultationView, "success", EntityType, Id(id), request.PatientId, detail: $"Reference {request.Reference}");
        await db.SaveChangesAsync(cancellationToken);
        return new TriageDetail(request, patient, InOrder(request.History).ToList(), replied, bookedStatus, failed, MessageRoom(request, practiceName));
    }

    /// <summary>The practice's staff accounts a request can be assigned to, by name, for the assign form's choices.</summary>
    public async Task<IReadOnlyList<(string UserName, string DisplayName)>> StaffAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var practiceId = PracticeOf(actor);
        var rows = await db.Users.AsNoTracking().Where(u => u.Role == Roles.PracticeStaff && u.PracticeId == practiceId)
            .Select(u => new { u.UserName, u.DisplayName }).ToListAsync(cancellationToken);

        // Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
        return rows.OrderBy(r => r.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.UserName, StringComparer.Ordinal)
            .Select(r => (r.UserName, r.DisplayName)).ToList();
    }

    /// <summary>
    /// Gives the request to <paramref name="staffName"/>, the user name of a practice staff account of the actor's
    /// practice; "me" means the signed-in user. Anyone else (a typo, a hub clinician, another practice's staff) is a form
    /// error: a request given to a name nobody signs in as would sit in nobody's list.
    /// </summary>
    public Task AssignAsync(long id, string? staffName, Actor actor, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var name = staffName?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw ValidationFailedException.On("AssignTo", "Choose who to assign it to");
        }

        if (FreeText.Characters(name) > ConsultationRequest.MaxStaffNameLength)
        {
            throw ValidationFailedException.On("AssignTo", $"The name must be {ConsultationRequest.MaxStaffNameLength} characters or fewer");
        }

        if (FreeText.HasAnyControlCharacter(name))
        {
            throw ValidationFailedException.On("AssignTo", "The name must not contain control characters");
        }

        var assignee = string.Equals(name, "me", StringComparison.OrdinalIgnoreCase) ? actor.UserName : name;
        return ChangeAsync(
            id,
            actor,
            expectedVersion,
            AuditActions.ConsultationAssign,
            async r =>
            {
                if (!await db.Users.AsNoTracking().AnyAsync(u => u.UserName == assignee && u.Role == Roles.PracticeStaff && u.PracticeId == r.PracticeId, cancellationToken))
                {
                    throw ValidationFailedException.On("AssignTo", "Choose someone on this practice's staff");
                }

                r.Assign(assignee, actor.UserName, Now);
            },
            $"Assigned to {assignee}",
            null,
            "assigned",
            cancellationToken);
    }

    public Task StartAsync(long id, Actor actor, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, actor, expectedVersion, AuditActions.ConsultationStart, r => r.Start(actor.UserName, Now), "Started", null, "started", cancellationToken);

    /// <summary>
    /// Closes with any outcome but <see cref="ConsultationOutcome.BookAppointment"/>, which only a booking sets. A patient
    /// who has had no message from the practice about the request is never closed on in silence: the close must carry
    /// <paramref name="message"/>, the outcome in words, queued to them with the close (as <see cref="MessageAsync"/>
    /// queues one) or not at all. Once they have had a message it is optional. <paramref name="messageKey"/> is new for
    /// each form shown, as the message form's is.
    /// </summary>
    public Task CloseAsync(long id, ConsultationOutcome? outcome, string? note, string? message, string? messageKey, Actor actor, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string>();
        if (outcome is not { } chosen || !Enum.IsDefined(chosen))
        {
            errors["Outcome"] = "Choose what was done about the request";
            chosen = default;
        }
        else if (chosen == ConsultationOutcome.BookAppointment)
        {
            errors["Outcome"] = "To book an appointment, use \"Book an appointment\": the request closes when the booking is made";
        }

        if (FreeText.Characters(note?.Trim()) > ConsultationRequest.MaxOutcomeNoteLength)
        {
            errors["Note"] = $"The note must be {ConsultationRequest.MaxOutcomeNoteLength} characters or fewer";
        }
        else if (FreeText.HasControlCharacters(note))
        {
            errors["Note"] = "The note must not contain control characters";
        }

        var text = string.IsNullOrWhiteSpace(message) ? null : message.Trim();
        if (text is not null)
        {
            CheckMessage(text, messageKey, "OutcomeMessage", "OutcomeMessageKey", errors);
        }

        ValidationFailedException.ThrowIfAny(errors);
        var kept = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return ChangeAsync(
            id,
            actor,
            expectedVersion,
            AuditActions.ConsultationClose,
            async r =>
            {
                if (text is not null)
                {
                    await QueueMessageAsync(r, text, messageKey!, "OutcomeMessage", actor, cancellationToken);
                }
                else if (chosen == ConsultationOutcome.Closed && kept is null)
                {
                    throw ValidationFailedException.On("Note", "Say why the request is closed with no further action and no message to the patient, for example a duplicate or not from the patient");
                }
                else if (chosen != ConsultationOutcome.Closed
                    && new PatientContact(r.Mobile, r.Email).Channels().Any()
                    && !await MessagesTo(r.Id).Where(TellsThePatient).AnyAsync(cancellationToken))
                {
                    throw ValidationFailedException.On("OutcomeMessage", "Enter a message telling the patient the outcome: they have not had a reply from the practice yet");
                }

                r.Close(chosen, note, null, actor.UserName, Now);
            },
            $"Closed: {chosen}",
            r => r.OutcomeNote == kept,
            $"outcome={chosen}",
            cancellationToken);
    }

    /// <summary>
    /// Queues <paramref name="text"/> to the patient on every contact they gave, through the outbox (sent by the
    /// dispatcher). <paramref name="formKey"/> is new for each form shown, so a double submit queues it once. The
    /// text goes only into the message's personalisation, never into history, audit or logs.
    /// </summary>
    public async Task<int> MessageAsync(long id, string? text, string? formKey, Actor actor, CancellationToken cancellationToken = default)
    {
        var trimmed = text?.Trim();
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors["Message"] = "Enter the message to the patient";
        }

        CheckMessage(trimmed, formKey, "Message", "MessageKey", errors);
        ValidationFailedException.ThrowIfAny(errors);
        var request = await LoadAsync(id, actor, tracked: true, cancellationToken);
        var channels = new PatientContact(request.Mobile, request.Email).Channels().ToList();
        if (channels.Count == 0)
        {
            throw DomainException.Invalid("no-contact", "The patient gave no mobile number or email address to send a message to.");
        }

        var keys = channels.Select(c => MessageKey(id, c.Channel, formKey!)).ToList();
        if (await db.OutboxMessages.AnyAsync(m => keys.Contains(m.IdempotencyKey), cancellationToken))
        {
            return 0;
        }

        await QueueMessageAsync(request, trimmed!, formKey!, "Message", actor, cancellationToken);
        try
        {
            await db.InTransactionAsync(
                async ct =>
                {
                    // A closed request is final: a page opened before a colleague closed it must not message the patient
                    // about it, even if the close commits this moment. Touching the row only while it is open takes its
                    // lock, so the close waits for this message or this finds it closed.
                    if (await db.ConsultationRequests.Where(r => r.Id == id && r.Status != ConsultationStatus.Closed)
                        .ExecuteUpdateAsync(u => u.SetProperty(r => r.Version, r => r.Version), ct) == 0)
                    {
                        throw DomainException.Conflict("consultation-closed", ClosedMessage);
                    }

                    await db.SaveChangesAsync(ct);
                },
                cancellationToken);
        }
        catch (DomainException)
        {
            db.ChangeTracker.Clear();
            throw;
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // The same form was submitted twice at once: the other submit queued it.
            db.ChangeTracker.Clear();
            return 0;
        }

        return channels.Count;
    }

    /// <summary>A message's text and its form's key, as both message forms (message, and close with a message) check them.</summary>
    private static void CheckMessage(string? text, string? formKey, string textField, string keyField, Dictionary<string, string> errors)
    {
        if (FreeText.Characters(text) > MaxMessageLength)
        {
            errors[textField] = $"The message must be {MaxMessageLength} characters or fewer";
        }
        else if (FreeText.HasControlCharacters(text))
        {
            errors[textField] = "The message must not contain control characters";
        }

        if (string.IsNullOrWhiteSpace(formKey) || formKey.Length > 40 || formKey.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            errors[keyField] = "Send the message from the form on this page";
        }
    }

    /// <summary>The form key of the message telling a request's contacts of the appointment booked from it.</summary>
    public static string BookedMessageKey(long appointmentId) => FormattableString.Invariant($"booked-{appointmentId}");

    /// <summary>The form key of the message telling them of its cancellation (NotificationScheduler).</summary>
    public static string CancelledMessageKey(long appointmentId) => FormattableString.Invariant($"cancelled-{appointmentId}");

    /// <summary>
    /// The outbox key of the "booked" message a "cancelled" message follows (same request and channel), or null for any
    /// other message: the dispatcher sends the second only once the first is sent.
    /// </summary>
    public static string? BookedMessageKeyBefore(string cancelledOutboxKey)
    {
        ArgumentNullException.ThrowIfNull(cancelledOutboxKey);
        var at = cancelledOutboxKey.LastIndexOf(":cancelled-", StringComparison.Ordinal);
        return at > 0 && long.TryParse(cancelledOutboxKey.AsSpan(at + ":cancelled-".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var appointmentId)
            ? cancelledOutboxKey[..(at + 1)] + BookedMessageKey(appointmentId)
            : null;
    }

    /// <summary>
    /// The most characters a message to this request's patient may have: <see cref="MaxMessageLength"/>, or less when it
    /// goes by text too, where the template, the practice's name and the reference share Notify's 918 characters with it.
    /// </summary>
    public static int MessageRoom(ConsultationRequest request, string practiceName)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new PatientContact(request.Mobile, request.Email).Channels().Any(c => c.Channel == NotificationChannel.Sms)
            ? Math.Min(MaxMessageLength, TextMessageLimit.RoomBeside(practiceName, request.Reference))
            : MaxMessageLength;
    }

    private static string MessageKey(long id, NotificationChannel channel, string formKey) =>
        $"{OutboxMessage.KeyForConsultation(id, NotificationKind.ConsultationMessage, channel)}:{formKey}";

    /// <summary>
    /// Adds <paramref name="text"/> to the outbox for each contact the request gave, with its history entry and audit
    /// entry, for the caller to save. The text goes only into the message's personalisation. Staff's text (typed into
    /// <paramref name="textField"/>) is refused when it would not fit a text message; Forward's own words always fit.
    /// </summary>
    private async Task QueueMessageAsync(ConsultationRequest request, string text, string formKey, string? textField, Actor actor, CancellationToken ct)
    {
        var channels = new PatientContact(request.Mobile, request.Email).Channels().ToList();
        if (channels.Count == 0)
        {
            throw DomainException.Invalid("no-contact", "The patient gave no mobile number or email address to send a message to.");
        }

        var practiceName = await db.Practices.Where(p => p.Id == request.PracticeId).Select(p => p.Name).FirstAsync(ct);
        var room = MessageRoom(request, practiceName);
        if (textField is not null && FreeText.Characters(text) > room)
        {
            throw ValidationFailedException.On(textField, $"The message must be {room} characters or fewer: it goes to the patient by text too, and a text holds no more beside the practice name and the reference");
        }

        var personalisation = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["practice_name"] = practiceName,
            ["reference"] = request.Reference,
            ["message"] = text,
        });
        var now = Now;
        foreach (var (channel, recipient) in channels)
        {
            db.OutboxMessages.Add(new OutboxMessage
            {
                Kind = NotificationKind.ConsultationMessage,
                Channel = channel,
                ConsultationRequestId = request.Id,
                TemplateId = notificationOptions.Value.TemplateFor(NotificationKind.ConsultationMessage, channel),
                Personalisation = personalisation,
                Recipient = recipient,
                DueUtc = now,
                Status = OutboxStatus.Pending,
                CreatedUtc = now,
                IdempotencyKey = MessageKey(request.Id, channel, formKey),
            });
        }

        request.History.Add(new ConsultationEvent
        {
            AtUtc = now,
            By = actor.UserName,
            What = $"Message sent to the patient ({string.Join(", ", channels.Select(c => c.Channel == NotificationChannel.Sms ? "text" : "email"))})",
        });
        audit.Write(actor, AuditActions.ConsultationMessage, "queued", EntityType, Id(request.Id), request.PatientId, detail: $"channels={string.Join(',', channels.Select(c => c.Channel))}");
    }

    /// <summary>The reference of an open request of the actor's practice, for the booking pages' "booking for" line.</summary>
    public async Task<string> OpenReferenceAsync(long id, Actor actor, CancellationToken cancellationToken = default)
    {
        var practiceId = PracticeOf(actor);
        var row = await db.ConsultationRequests.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new { r.Reference, r.Status, r.PracticeId }).FirstOrDefaultAsync(cancellationToken);
        if (row is null || row.PracticeId != practiceId)
        {
            throw await NotFoundAsync(id, row?.PracticeId, actor, cancellationToken);
        }

        return row.Status == ConsultationStatus.Closed
            ? throw DomainException.Conflict("consultation-closed", "This request is closed and cannot be changed.")
            : row.Reference;
    }

    /// <summary>
    /// The patient's details to pre-fill the booking form with, for a request of the staff member's own practice that is
    /// still open: for a request matched to a patient Forward knows, the record's name, date of birth and number.
    /// </summary>
    public async Task<(string Reference, PatientDetails Details)> PrefillAsync(long id, Actor actor, CancellationToken cancellationToken = default)
    {
        var request = await LoadAsync(id, actor, tracked: false, cancellationToken);
        if (request.IsClosed)
        {
            throw DomainException.Conflict("consultation-closed", "This request is closed and cannot be changed.");
        }

        // A matched record has the request's NHS number and date of birth (that is what matching means), but its name
        // may be written otherwise than the patient typed it: the booking checks the surname it is given against the
        // record, so the request's spelling would fail until retyped. The record's phone is the one its other
        // appointments' reminders go to, so it is kept over the request's mobile.
        var details = new PatientDetails(request.NhsNumber, request.GivenName, request.FamilyName, request.DateOfBirth, request.Mobile);
        if (request.PatientId is { } patientId
            && await db.Patients.AsNoTracking().Where(p => p.Id == patientId).Select(p => new { p.GivenName, p.FamilyName, p.DateOfBirth, p.Phone }).FirstOrDefaultAsync(cancellationToken) is { } record)
        {
            details = details with { GivenName = record.GivenName, FamilyName = record.FamilyName, DateOfBirth = record.DateOfBirth, Phone = record.Phone ?? request.Mobile };
        }

        audit.Write(actor, AuditActions.ConsultationView, "success", EntityType, Id(id), request.PatientId, detail: "pre-filled a booking");
        await db.SaveChangesAsync(cancellationToken);
        return (request.Reference, details);
    }

    /// <summary>
    /// Books the slot for the request's patient and closes the request as <see cref="ConsultationOutcome.BookAppointment"/>
    /// with the appointment, in the booking's transaction: both happen or neither does. A replayed booking (the same form
    /// submitted again) books nothing new; the request is then closed with the replayed appointment if it is still open.
    /// A booking for anyone but the request's patient is refused with field errors (NhsNumber, DateOfBirth), and books nothing.
    /// </summary>
    public async Task<BookingOutcome> BookFromRequestAsync(long id, BookingRequest bookingRequest, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bookingRequest);

        // Checked before booking, so a closed or foreign request books nothing; checked again inside the transaction.
        var current = await LoadAsync(id, actor, tracked: false, cancellationToken);
        if (current.IsClosed)
        {
            // Only the form that closed it may come again (a double submit), and then BookAsync replays its booking.
            var key = bookingRequest.IdempotencyKey;
            var sameForm = current.BookedAppointmentId is { } booked && key is not null
                && await db.Appointments.AnyAsync(a => a.Id == booked && a.IdempotencyKey == key, cancellationToken);
            if (!sameForm)
            {
                throw DomainException.Conflict("consultation-closed", "This request is closed and cannot be changed.");
            }
        }

        // Said with the booking's own errors, so everything wrong with the form is said at once; checked again, against
        // the patient actually booked, inside the transaction.
        var errors = booking.Validate(bookingRequest);
        var nhsNumber = NhsNumber.TryParse(bookingRequest.Patient.NhsNumber, out var parsed, out _) ? parsed.Value.Value : null;
        foreach (var (field, message) in NotFromThePatientOf(current, nhsNumber, bookingRequest.Patient.DateOfBirth, bookingRequest.PatientId))
        {
            errors.TryAdd(field, message);
        }

        ValidationFailedException.ThrowIfAny(errors);

        try
        {
            var outcome = await booking.BookAsync(
                bookingRequest,
                actor,
                async (appointment, ct) => await CloseAsBookedAsync(id, appointment.Id, appointment.Patient!, actor, ct),
                cancellationToken);
            if (outcome.Replayed && !current.IsClosed)
            {
                db.ChangeTracker.Clear();
                var request = await LoadAsync(id, actor, tracked: true, cancellationToken);
                if (!request.IsClosed)
                {
                    var replayed = outcome.Appointment;
                    var patient = await db.Patients.AsNoTracking().FirstAsync(p => p.Id == replayed.PatientId, cancellationToken);
                    await CloseAsBookedAsync(id, replayed.Id, patient, actor, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                }
            }

            return outcome;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another clinician changed or closed the request while this booking was written: the booking rolled back
            // with the request's version check, so nothing was booked.
            db.ChangeTracker.Clear();
            throw DomainException.Conflict("consultation-changed", "Someone else changed this request at the same time. Look at it again and retry.");
        }
    }

    /// <summary>The request's id for a booked appointment, if it was booked from one of the actor's practice's requests.</summary>
    public Task<string?> ReferenceForAppointmentAsync(long appointmentId, Actor actor, CancellationToken cancellationToken = default)
    {
        var practiceId = actor.IsPracticeStaff ? actor.PracticeId : null;
        return db.ConsultationRequests.AsNoTracking()
            .Where(r => r.BookedAppointmentId == appointmentId && r.PracticeId == practiceId)
            .Select(r => r.Reference).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Why a booking from <paramref name="request"/> is not for the patient who sent it, if it is not (field → message):
    /// another NHS number or date of birth than the request gave, or another record than the one it was matched to. Booked
    /// anyway, the request would close as answered while the patient who sent it has no appointment and is told nothing,
    /// and an unmatched request would be shown as matched to whoever was booked. Someone else is booked without the request.
    /// </summary>
    /// <param name="nhsNumber">As the booking stores it (ten digits), or null when it is no NHS number: the booking says so.</param>
    private static Dictionary<string, string> NotFromThePatientOf(ConsultationRequest request, string? nhsNumber, DateOnly? dateOfBirth, int? patientId)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if ((nhsNumber is not null && nhsNumber != request.NhsNumber)
            || (patientId is { } booked && request.PatientId is { } matched && booked != matched))
        {
            errors["NhsNumber"] = $"This request is from NHS number {Wording.NhsNumber(request.NhsNumber)}. To book someone else, book without the request";
        }

        if (dateOfBirth is { } born && born != request.DateOfBirth)
        {
            errors["DateOfBirth"] = $"This request is from someone born on {Wording.Date(request.DateOfBirth)}. To book someone else, book without the request";
        }

        return errors;
    }

    private async Task CloseAsBookedAsync(long id, long appointmentId, Patient patient, Actor actor, CancellationToken ct)
    {
        var request = await LoadAsync(id, actor, tracked: true, ct);

        // Thrown here, the booking rolls back with it: the slot stays free and the request open.
        ValidationFailedException.ThrowIfAny(NotFromThePatientOf(request, patient.NhsNumber, patient.DateOfBirth, patient.Id));

        // The booking's confirmation goes to the contacts on the patient's record. With no mobile or email there (a
        // landline only), the contacts the request gave are told instead, so the patient who asked hears the answer.
        if (new PatientContact(request.Mobile, request.Email).Channels().Any()
            && !await db.OutboxMessages.AnyAsync(m => m.AppointmentId == appointmentId && m.Kind == NotificationKind.BookingConfirmation, ct))
        {
            var booked = await db.Appointments.Where(a => a.Id == appointmentId)
                .Select(a => new { a.StartUtc, a.Mode, a.Hub!.Name, a.Hub.SiteName, a.Hub.Town }).FirstAsync(ct);
            var text = AppointmentMessage.BookedFromRequest(booked.Mode, booked.Name, Hub.Address(booked.SiteName, booked.Town), booked.StartUtc);
            await QueueMessageAsync(request, text, BookedMessageKey(appointmentId), textField: null, actor, ct);
        }

        // A request the form matched to no one (the patient was not in Forward yet, or not at this practice) is matched to
        // the patient booked only as the form would have matched them: the request page says "matched on NHS number and
        // date of birth".
        request.Close(ConsultationOutcome.BookAppointment, null, appointmentId, actor.UserName, Now);
        if (request.PatientId is null && patient.Id > 0 && request.IsMatchedBy(patient))
        {
            request.PatientId = patient.Id;
        }

        audit.Write(actor, AuditActions.ConsultationClose, $"outcome={ConsultationOutcome.BookAppointment}", EntityType, Id(id), request.PatientId, detail: $"appointment={Id(appointmentId)}");
    }

    /// <param name="expectedVersion">The version the user's page showed, when the change comes from one: a colleague's change
    /// since (started it, assigned it, closed it) is not silently overridden.</param>
    /// <param name="madeEvent">The history entry the change writes. The same form sent twice (a double click without
    /// JavaScript) finds its own first change, the one change since its version and the last entry, written by the same
    /// user, and is done, not refused as someone else's.</param>
    /// <param name="madeSame">What else the first change must have left as this one would (a close's note).</param>
    private Task ChangeAsync(long id, Actor actor, int? expectedVersion, string action, Action<ConsultationRequest> change, string madeEvent, Func<ConsultationRequest, bool>? madeSame, string outcome, CancellationToken ct) =>
        ChangeAsync(
            id,
            actor,
            expectedVersion,
            action,
            r =>
            {
                change(r);
                return Task.CompletedTask;
            },
            madeEvent,
            madeSame,
            outcome,
            ct);

    private async Task ChangeAsync(long id, Actor actor, int? expectedVersion, string action, Func<ConsultationRequest, Task> change, string madeEvent, Func<ConsultationRequest, bool>? madeSame, string outcome, CancellationToken ct)
    {
        var request = await LoadAsync(id, actor, tracked: true, ct);
        var loaded = request.Version;
        bool MadeAlready(ConsultationRequest now, int seen) =>
            now.Version == seen + 1
            && InOrder(now.History).LastOrDefault() is { } last && last.By == actor.UserName && last.What == madeEvent
            && (madeSame is null || madeSame(now));
        if (expectedVersion is { } seen && seen != loaded)
        {
            if (MadeAlready(request, seen))
            {
                return;
            }

            // Closed meanwhile (perhaps by this same user in another tab) is final, not a change to look at and retry.
            if (request.IsClosed)
            {
                throw DomainException.Conflict("consultation-closed", ClosedMessage);
            }

            throw DomainException.Conflict("consultation-changed", "Someone else has changed this request since you opened it. It is shown as it is now: check it and try again.");
        }

        try
        {
            await change(request);
        }
        catch (DomainException)
        {
            // The page shows itself again with the error and saves its view's audit entry: nothing of a change refused
            // half-way (a message queued for a close that was not made) may be saved with it.
            db.ChangeTracker.Clear();
            throw;
        }

        audit.Write(actor, action, outcome, EntityType, Id(id), request.PatientId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(ex))
        {
            // The two sends of one double click, at once: the one that lost finds the other's change as its own (a close
            // with a message may lose on the message's key before its version is checked).
            db.ChangeTracker.Clear();
            if (MadeAlready(await LoadAsync(id, actor, tracked: false, ct), loaded))
            {
                return;
            }

            throw DomainException.Conflict("consultation-changed", "Someone else changed this request at the same time. Look at it again and retry.");
        }
    }

    /// <summary>A request's history as it happened (events of one moment in the order they were written).</summary>
    private static IEnumerable<ConsultationEvent> InOrder(IEnumerable<ConsultationEvent> history) => history.OrderBy(e => e.AtUtc).ThenBy(e => e.Id);

    /// <summary>
    /// Loads a request of the actor's own practice, with its history. Another practice's request is audited as a denied
    /// view and reported as not found, like one that does not exist.
    /// </summary>
    private async Task<ConsultationRequest> LoadAsync(long id, Actor actor, bool tracked, CancellationToken ct)
    {
        var practiceId = PracticeOf(actor);
        var query = db.ConsultationRequests.Include(r => r.History).Where(r => r.Id == id);
        var request = await (tracked ? query : query.AsNoTracking()).FirstOrDefaultAsync(ct);
        return request is not null && request.PracticeId == practiceId
            ? request
            : throw await NotFoundAsync(id, request?.PracticeId, actor, ct);
    }

    /// <summary>
    /// The answer to a request that is not the actor's practice's: 404 as for one that does not exist, and another
    /// practice's request (<paramref name="ownerPracticeId"/>) audited as a denied view, whichever page asked.
    /// </summary>
    private async Task<DomainException> NotFoundAsync(long id, int? ownerPracticeId, Actor actor, CancellationToken ct)
    {
        if (ownerPracticeId is { } owner)
        {
            // The practice whose request it was sees the attempt; the prober's own CCG sees it through the actor.
            audit.Write(actor, AuditActions.ConsultationViewDenied, "denied", EntityType, Id(id), detail: "another practice's request", practiceId: owner);
            await db.SaveChangesAsync(ct);
        }

        return DomainException.NotFound("consultation-not-found", $"There is no request {id}.");
    }

    /// <summary>
    /// A message to the patient that tells them something: sent, or waiting to go. One the sender gave up on, or one
    /// withdrawn, has told them nothing, so it is no reply (staff are told it failed).
    /// </summary>
    internal static readonly Expression<Func<OutboxMessage, bool>> TellsThePatient = m => m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Sent;

    /// <summary>The messages staff have sent the patient about a request, whatever became of them.</summary>
    private IQueryable<OutboxMessage> MessagesTo(long requestId) =>
        db.OutboxMessages.AsNoTracking().Where(m => m.ConsultationRequestId == requestId && m.Kind == NotificationKind.ConsultationMessage);

    private static int PracticeOf(Actor actor) =>
        actor is { IsPracticeStaff: true, PracticeId: { } practiceId }
            ? practiceId
            : throw DomainException.Forbidden("not-practice-staff", "Only staff of the patient's practice can triage online requests.");

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
