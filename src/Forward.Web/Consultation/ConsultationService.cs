using System.Globalization;
using System.Text.Json;
using Forward.Data;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Audit;
using Forward.Domain.Calendar;
using Forward.Domain.Consultation;
using Forward.Domain.Notifications;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Audit;
using Forward.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Web.Consultation;

/// <summary>A practice a patient can pick, and whether it takes a request now.</summary>
public sealed record ConsultPractice(int Id, string OdsCode, string Name, string CcgName, CapDecision Decision);

public enum SubmitStatus
{
    Submitted,

    /// <summary>The practice paused online requests, or reached today's cap, since the patient chose it.</summary>
    PracticeUnavailable,

    /// <summary>This NHS number has sent as many requests as allowed in 24 hours.</summary>
    NhsNumberLimit,
}

public sealed record SubmitResult(SubmitStatus Status, string? Reference = null, DateTime? DeadlineUtc = null, string? Message = null);

/// <summary>
/// The public side of online consultation: which practices take requests now, and storing a request with its deadline,
/// its acknowledgement in the outbox and its audit entry, in one transaction. Logs and audit carry ids and the reference,
/// never the patient's details.
/// </summary>
public sealed class ConsultationService(
    ForwardDbContext db,
    TimeProvider clock,
    IOptions<ConsultationOptions> options,
    IOptions<NotificationOptions> notificationOptions,
    AuditLog audit)
{
    /// <summary>How many times the per-patient limit one NHS number may send in 24 hours, whatever dates of birth it comes with (the patient's own requests, as far as the form can tell them, apart).</summary>
    public const int AnyDateOfBirthFactor = 3;

    /// <summary>Who the audit log names for a request made on the public form.</summary>
    public static readonly Actor OnlinePatient = new("online-consultation-form", Roles.Patient, null, null, null, null);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Every practice, name order, for the chooser (312 of them: small enough to read at once), with the locality its
    /// network is in (Bedford, Evesham, City North), the area a patient searches by as often as the CCG.
    /// </summary>
    public async Task<IReadOnlyList<(string OdsCode, string Name, string Locality, string CcgName)>> PracticesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await db.Practices.AsNoTracking()
            .Select(p => new { p.OdsCode, p.Name, p.Network!.Locality, Ccg = p.Network.Ccg!.Name })
            .ToListAsync(cancellationToken);

        // Sorted here, not in SQL: SQLite and PostgreSQL collate names differently.
        return rows.OrderBy(r => r.Ccg, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => (r.OdsCode, r.Name, r.Locality, r.Ccg)).ToList();
    }

    /// <summary>The practice with this ODS code and whether it takes a request now; null when there is none.</summary>
    public async Task<ConsultPractice?> FindPracticeAsync(string? odsCode, CancellationToken cancellationToken = default)
    {
        if (PracticeCode(odsCode) is not { } code)
        {
            return null;
        }

        var practice = await db.Practices.AsNoTracking().Where(p => p.OdsCode == code)
            .Select(p => new { p.Id, p.OdsCode, p.Name, Ccg = p.Network!.Ccg!.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (practice is null)
        {
            return null;
        }

        var decision = await DecideAsync(practice.Id, practice.Name, cancellationToken);
        return new ConsultPractice(practice.Id, practice.OdsCode, practice.Name, practice.Ccg, decision);
    }

    /// <summary>
    /// Stores the request. The draft must already have passed every step's validation; it is checked again here (a
    /// form is only a client). Returns why not when the practice stopped taking requests or the NHS number hit its limit.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(ConsultationDraft draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var now = Now;
        var errors = draft.Identity.Validate(London.Today(clock));
        foreach (var (k, v) in draft.RequestDetails.Validate())
        {
            errors[k] = v;
        }

        var flags = RedFlags.Evaluate(draft.RedFlags);
        if (!flags.Complete || flags.Stop)
        {
            // Never queue a request with a red flag, even if the form was skipped.
            errors["RedFlags"] = "Answer the urgent symptom questions";
        }

        ValidationFailedException.ThrowIfAny(errors);
        var nhsNumber = NhsNumber.Parse(draft.NhsNumber!).Value;

        try
        {
            return await SubmitOnceAsync(draft, nhsNumber, now, cancellationToken);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex) && KeyOf(draft) is not null)
        {
            // The same form sent at the same moment by another request that committed first: its answer.
            db.ChangeTracker.Clear();
            return await SentAlreadyAsync(draft, cancellationToken)
                ?? throw new InvalidOperationException("A request clashed on a unique key, and no request was sent from this form.", ex);
        }
    }

    private async Task<SubmitResult> SubmitOnceAsync(ConsultationDraft draft, string nhsNumber, DateTime now, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await TakeTurnAsync(draft.PracticeOds, nhsNumber, ct);
            if (await SentAlreadyAsync(draft, ct) is { } sent)
            {
                // The same form sent again: the answer it got the first time, and nothing new written or counted.
                return sent;
            }

            var practice = await FindPracticeAsync(draft.PracticeOds, ct)
                ?? throw DomainException.NotFound("practice-not-found", "Choose your GP practice.");
            if (!practice.Decision.Accepted)
            {
                return new SubmitResult(SubmitStatus.PracticeUnavailable, Message: practice.Decision.Message);
            }

            var since = now.AddHours(-24);
            // Someone who knows only a patient's NHS number must not be able to use up the patient's requests by sending
            // them in their name, nor get round the limit by changing the date of birth, nor learn the patient's date of
            // birth (or that Forward knows them) from which guesses are refused. So one rule holds for every request the
            // form cannot tell came from the patient: each date of birth has the limit and the NHS number three times it.
            // Only a request with the date of birth and a mobile or email on the patient's record, which such a person
            // would also have to know, is counted apart, with the patient's own.
            var limit = options.Value.PerNhsNumberPer24Hours; // 1–100, checked at start (ConsultationOptions.Problem)
            // A handful of rows at most: the limits below keep them so.
            var recent = await db.ConsultationRequests.AsNoTracking().Where(r => r.NhsNumber == nhsNumber && r.SubmittedUtc > since)
                .Select(r => new { r.DateOfBirth, r.Mobile, r.Email }).ToListAsync(ct);
            var patient = await db.Patients.AsNoTracking().Where(p => p.NhsNumber == nhsNumber)
                .Select(p => new { p.DateOfBirth, p.Phone, p.Email }).FirstOrDefaultAsync(ct);
            var mobileOnRecord = UkPhoneNumber.Mobile(patient?.Phone);
            var emailOnRecord = string.IsNullOrWhiteSpace(patient?.Email) ? null : patient.Email.Trim();
            bool FromPatient(DateOnly? born, string? mobile, string? email) =>
                patient is not null && born == patient.DateOfBirth
                && ((mobileOnRecord is not null && UkPhoneNumber.Mobile(mobile) == mobileOnRecord)
                    || (emailOnRecord is not null && string.Equals(email?.Trim(), emailOnRecord, StringComparison.OrdinalIgnoreCase)));
            var isFromPatient = FromPatient(draft.DateOfBirth, draft.Mobile, draft.Email);
            var counted = recent.Where(r => FromPatient(r.DateOfBirth, r.Mobile, r.Email) == isFromPatient).ToList();
            var sameBirth = counted.Count(r => r.DateOfBirth == draft.DateOfBirth);
            var overLimit = sameBirth >= limit || (!isFromPatient && counted.Count >= limit * AnyDateOfBirthFactor);
            if (overLimit)
            {
                audit.Write(OnlinePatient, AuditActions.ConsultationSubmit, "nhs-number-limit", "Practice", practice.Id.ToString(CultureInfo.InvariantCulture), practiceId: practice.Id);
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return new SubmitResult(
                    SubmitStatus.NhsNumberLimit,
                    Message: sameBirth >= limit
                        ? $"You have already sent {options.Value.PerNhsNumberPer24Hours} online requests in the last 24 hours. Your practice will reply to those. If you need help sooner, contact your practice by phone or call 111."
                        : "Too many online requests have been sent with this NHS number in the last 24 hours. If you need help, contact your practice by phone or call 111.");
            }

            var details = draft.RequestDetails;
            var admin = details.Kind == ConsultationKind.Admin;
            var patientId = await db.Patients.AsNoTracking()
                .Where(ConsultationRequest.MatchingPatients(nhsNumber, draft.DateOfBirth!.Value, practice.Id))
                .Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);
            var request = new ConsultationRequest
            {
                PracticeId = practice.Id,
                Reference = ConsultationRequest.NewReference(),
                SubmissionKey = KeyOf(draft),
                NhsNumber = nhsNumber,
                GivenName = draft.GivenName!.Trim(),
                FamilyName = draft.FamilyName!.Trim(),
                DateOfBirth = draft.DateOfBirth!.Value,
                // In lower case, as mail systems treat addresses: the per-contact acknowledgement limit compares them.
                Email = string.IsNullOrWhiteSpace(draft.Email) ? null : draft.Email.Trim().ToLowerInvariant(),
                Mobile = UkPhoneNumber.Mobile(draft.Mobile),
                PatientId = patientId,
                Kind = details.Kind!.Value,
                AdminType = admin ? details.AdminType : null,
                ProblemSummary = admin ? null : details.ProblemSummary?.Trim(),
                Duration = admin ? null : details.Duration,
                Severity = admin ? null : details.Severity,
                Details = ConsultationDetails.Given(details.Details),
                RedFlagAnswers = RedFlags.Describe(draft.RedFlags),
                Status = ConsultationStatus.New,
                SubmittedUtc = now,
                DeadlineUtc = ResponseDeadline.DeadlineUtc(now, options.Value.Policy, BankHolidayCalendar.England),
            };
            request.RecordSubmitted(now);
            db.ConsultationRequests.Add(request);
            await db.SaveChangesAsync(ct);

            await QueueAcknowledgementAsync(request, practice.Name, now, ct);
            audit.Write(OnlinePatient, AuditActions.ConsultationSubmit, "submitted", "ConsultationRequest", request.Id.ToString(CultureInfo.InvariantCulture), patientId, detail: $"Reference {request.Reference}, {request.Kind}", practiceId: practice.Id);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new SubmitResult(SubmitStatus.Submitted, request.Reference, request.DeadlineUtc);
        }, cancellationToken);
    }

    /// <summary>The answer the request this form already sent got, if it sent one.</summary>
    private async Task<SubmitResult?> SentAlreadyAsync(ConsultationDraft draft, CancellationToken ct)
    {
        if (KeyOf(draft) is not { } key)
        {
            return null;
        }

        var sent = await db.ConsultationRequests.AsNoTracking().Where(r => r.SubmissionKey == key)
            .Select(r => new { r.Reference, r.DeadlineUtc }).FirstOrDefaultAsync(ct);
        return sent is null ? null : new SubmitResult(SubmitStatus.Submitted, sent.Reference, sent.DeadlineUtc);
    }

    /// <summary>
    /// What the request is stored under: the form's key and every answer together (a hash), so the same form sent again
    /// finds its request, while the same form changed after sending (back, change an answer, send: a second child, a
    /// second problem) is a new request. A draft whose key Forward did not make sends without de-duplication.
    /// </summary>
    private static string? KeyOf(ConsultationDraft draft)
    {
        if (!FormKeys.IsWellFormed(draft.SubmissionKey))
        {
            return null;
        }

        var answers = JsonSerializer.SerializeToUtf8Bytes(draft);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(answers))[..FormKeys.MaxLength];
    }

    /// <summary>
    /// The practice's daily cap and the NHS number's limit are counted and then added to, so two requests sent at the same
    /// moment must not both count before either adds. SQLite's transactions take the write lock when they begin, which
    /// queues them; PostgreSQL's do not, so there the transaction waits for its practice's and its NHS number's turn
    /// (advisory locks, released at commit; always in that order, so two never wait on each other).
    /// </summary>
    private async Task TakeTurnAsync(string? practiceOds, string nhsNumber, CancellationToken cancellationToken)
    {
        if (!db.IsPostgres)
        {
            return;
        }

        var practiceKey = "consultation-practice:" + PracticeCode(practiceOds);
        var patientKey = "consultation-nhs-number:" + nhsNumber;
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({practiceKey}, 0))", cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({patientKey}, 0))", cancellationToken);
    }

    /// <summary>The practice code as stored (trimmed, upper case), or null when it is not the shape of an ODS code.</summary>
    private static string? PracticeCode(string? ods) => ods?.Trim().ToUpperInvariant() is { } code && OdsCodes.IsWellFormed(code) ? code : null;

    /// <summary>
    /// For the confirmation page, by reference: the practice's name, the deadline, and whether an acknowledgement was
    /// queued (one is not when the mobile and email given have each had too many today). Nothing about the patient.
    /// </summary>
    public async Task<(string PracticeName, DateTime DeadlineUtc, bool Acknowledged)?> ConfirmationAsync(string reference, CancellationToken cancellationToken = default)
    {
        var row = await db.ConsultationRequests.AsNoTracking().Where(r => r.Reference == reference)
            .Select(r => new
            {
                r.Practice!.Name,
                r.DeadlineUtc,
                Acknowledged = db.OutboxMessages.Any(m => m.ConsultationRequestId == r.Id && m.Kind == NotificationKind.ConsultationAcknowledgement),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : (row.Name, row.DeadlineUtc, row.Acknowledged);
    }

    /// <summary>The reply-by words patients see: "6:30pm on Tuesday 9 June".</summary>
    public static string ReplyBy(DateTime deadlineUtc)
    {
        var local = London.ToLocal(deadlineUtc);
        return $"{ClockTime(TimeOnly.FromDateTime(local))} on {local.ToString("dddd d MMMM", CultureInfo.GetCultureInfo("en-GB"))}";
    }

    /// <summary>
    /// What patients are told before they send a request, from the policy the deadline is worked out by: a request sent
    /// on Friday evening is due on Tuesday, not Monday, and "by the end of the next working day" alone would not say so.
    /// </summary>
    public static string ReplyPromise(ResponseDeadlinePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var day = policy.WorkingDays == 1 ? "on the next working day" : $"{policy.WorkingDays} working days later";
        return $"Your practice will reply by {ClockTime(policy.RespondBy)} {day}. A request sent from {ClockTime(policy.CutOff)}, at a weekend or on a bank holiday counts as sent on the next working day.";
    }

    /// <summary>NHS style: "6:30pm", "9am".</summary>
    private static string ClockTime(TimeOnly time) =>
        // "%h", not "h": a one-letter format string is read as a standard format, and "h" is not one (FormatException).
        time.ToString(time.Minute == 0 ? "%h" : "h:mm", CultureInfo.InvariantCulture) + time.ToString("tt", CultureInfo.InvariantCulture).ToLowerInvariant();

    private async Task<CapDecision> DecideAsync(int practiceId, string practiceName, CancellationToken ct)
    {
        var settings = await db.PracticeOnlineSettings.AsNoTracking().FirstOrDefaultAsync(s => s.PracticeId == practiceId, ct);
        var (start, end) = DailyCap.LondonDay(Now);
        var today = await db.ConsultationRequests.CountAsync(r => r.PracticeId == practiceId && r.SubmittedUtc >= start && r.SubmittedUtc < end, ct);
        return DailyCap.Check(settings, today, practiceName);
    }

    /// <summary>
    /// One acknowledgement per contact given, due now. Only the practice, the reference and the reply-by time. A contact
    /// given on more requests in the last 24 hours than <see cref="ConsultationOptions.AcknowledgementsPerContactPer24Hours"/>
    /// is not sent one: the request stands, and the practice replies to it as to any other.
    /// </summary>
    private async Task QueueAcknowledgementAsync(ConsultationRequest request, string practiceName, DateTime now, CancellationToken ct)
    {
        var personalisation = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["practice_name"] = practiceName,
            ["reference"] = request.Reference,
            ["reply_by"] = ReplyBy(request.DeadlineUtc),
        });
        var since = now.AddHours(-24);
        var limit = options.Value.AcknowledgementsPerContactPer24Hours; // 1–100, checked at start (ConsultationOptions.Problem)
        foreach (var (channel, recipient) in new PatientContact(request.Mobile, request.Email).Channels())
        {
            // This request is saved already, so it is among those counted. Mobiles and emails are stored normalised.
            var given = channel == NotificationChannel.Sms
                ? await db.ConsultationRequests.CountAsync(r => r.Mobile == recipient && r.SubmittedUtc > since, ct)
                : await db.ConsultationRequests.CountAsync(r => r.Email == recipient && r.SubmittedUtc > since, ct);
            if (given > limit)
            {
                continue;
            }

            db.OutboxMessages.Add(new OutboxMessage
            {
                Kind = NotificationKind.ConsultationAcknowledgement,
                Channel = channel,
                ConsultationRequestId = request.Id,
                TemplateId = notificationOptions.Value.TemplateFor(NotificationKind.ConsultationAcknowledgement, channel),
                Personalisation = personalisation,
                Recipient = recipient,
                DueUtc = now,
                Status = OutboxStatus.Pending,
                CreatedUtc = now,
                IdempotencyKey = OutboxMessage.KeyForConsultation(request.Id, NotificationKind.ConsultationAcknowledgement, channel),
            });
        }
    }
}
