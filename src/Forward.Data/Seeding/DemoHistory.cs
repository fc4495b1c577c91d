using System.Text.Json;
using Forward.Data.Compliance;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Forward.Domain.Patients;
using Forward.Domain.Time;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Forward.Data.Seeding;

/// <summary>What one run of the history generator wrote (all zero when history was already there).</summary>
public sealed record DemoHistoryResult(
    bool AlreadyPresent,
    DateOnly From,
    DateOnly To,
    int Slots,
    int Patients,
    int Appointments,
    int Attended,
    int DidNotAttend,
    int Cancelled,
    int Reminders);

/// <summary>
/// The rates the synthetic history is drawn with. Where the seeds give a figure it is cited (file:line under
/// /work/shared/seeds); where they give none the value is a plausible choice and says so.
/// </summary>
public static class DemoHistoryRates
{
    /// <summary>
    /// DNA rate before a hub's reminders go live: Lea Vale Medical Group's starting point, "DNA rate reduced from 8% to
    /// 2%" (000_dc1595fd4288bcbf.txt:1118).
    /// </summary>
    public const double DnaBeforeReminders = 0.08;

    /// <summary>
    /// DNA rate once SMS reminders are live: Bedfordshire's "SMS messages to remind patients of upcoming appointments"
    /// (000:1499) and Worcestershire's "MJOG/ Text messaging in place" (002_bdc0b29b92000165.txt:600) are the actions;
    /// Lea Vale reached 2% (000:1118) with wider "new ways of working", so reminders alone are taken to reach 3.5%.
    /// </summary>
    public const double DnaAfterReminders = 0.035;

    /// <summary>
    /// Cancelled appointments as a share of all appointments. Not stated in the seeds (Worcestershire lists "On line
    /// cancellations" as a DNA action, 002:600); 7% sits in the 5–10% band usual for general practice.
    /// </summary>
    public const double CancelledShare = 0.07;

    /// <summary>
    /// Each hub's usual utilisation (slots used of slots offered) lies in this band; each day varies by
    /// <see cref="DailyUtilisationSwing"/> and is clamped to 60–90%. Not stated in the seeds.
    /// </summary>
    public const double MinHubUtilisation = 0.68;

    public const double MaxHubUtilisation = 0.84;

    public const double DailyUtilisationSwing = 0.06;

    /// <summary>
    /// Who books. Practices mostly: hub appointments are "bookable on individual practice systems" (002:411); NHS 111
    /// books directly too (000:1428, "Primary care/out of hours booking interoperability"); the hub's own team and
    /// patients online make up the rest ("telephone, face-to-face and online", 002:413). The split itself is synthetic.
    /// </summary>
    public static readonly IReadOnlyList<(BookingChannel Channel, double Share)> ChannelMix =
    [
        (BookingChannel.Practice, 0.62),
        (BookingChannel.Nhs111, 0.13),
        (BookingChannel.Hub, 0.15),
        (BookingChannel.Online, 0.10),
    ];

    /// <summary>
    /// Share booked on the day itself. Evenings are "mainly pre-bookable" (002:407) but offer "pre-bookable and same-day
    /// appointments" (002:309-310); NHS 111 books for today's need. The shares are synthetic.
    /// </summary>
    public const double SameDayShare = 0.22;

    public const double SameDayShareNhs111 = 0.85;

    /// <summary>
    /// Pre-booked appointments are made 1 to this many days ahead, and never further than the channel's booking window
    /// (<see cref="BookingPolicy"/>) or the hub's own (<see cref="Hub.MaximumBookingAheadHours"/>) allows.
    /// </summary>
    public const int MaxDaysAhead = 14;

    /// <summary>
    /// Synthetic patients per practice: one per this many registered patients per month of history, so every practice
    /// has a pool in proportion to its list and a patient is seen a handful of times a year, not daily.
    /// </summary>
    public const int ListSizePerPatientMonth = 600;

    /// <summary>Reminders go live at each hub between these fractions of the history (month 3 to month 9 of 12).</summary>
    public const double RemindersEarliest = 0.25;

    public const double RemindersLatest = 0.75;
}

/// <summary>
/// Writes a deterministic, synthetic past for every seeded hub so the dashboards have something to show on first start:
/// the slots of each rota for the last N months up to yesterday, synthetic patients at every practice, and appointments
/// in those slots (attended, did not attend or cancelled) with their 24-hour reminders once each hub's reminders go live.
/// <para>
/// Deterministic: each hub's day draws from its own generator keyed by seed, hub code and date, so the same seed, the same
/// "today" and the same reference data give the same rows. All-or-nothing: everything is written in one transaction
/// (a crash leaves no half history) and a second run finds appointments booked by <see cref="BookedBy"/> and does nothing.
/// It never touches today or later, which is <c>SlotPlanner</c>'s range, and never books a slot it did not create.
/// </para>
/// <para>
/// Every booking is one the live rules (<see cref="BookingRules.CheckCanBook"/>) would have taken when it was made: inside
/// its channel's window of the app's <see cref="BookingPolicy"/> and the hub's own window, and a freed slot is booked
/// again only after the cancellation that freed it.
/// </para>
/// </summary>
public sealed class DemoHistory(ForwardDbContext db, TimeProvider clock, IOptions<BookingPolicy> bookingPolicy)
{
    /// <summary>The BookedBy of every synthetic history appointment: how history is recognised.</summary>
    public const string BookedBy = "demo-history";

    public const ulong DefaultSeed = 20260401;

    /// <summary>The longest history accepted (the compliance API reads at most a year at a time anyway).</summary>
    public const int MaxMonths = 36;

    /// <summary>History patients' NHS numbers are 999 5xx xxx(x) upward, clear of the demo patients' 999 4xx and the tests' 999 1xx.</summary>
    public const int FirstNhsSequence = 500_000;

    /// <summary>The template id the outbox uses by default for an SMS reminder (NotificationOptions.TemplateFor).</summary>
    public const string ReminderTemplateId = "forward-reminder-sms";

    private static readonly string[] CancellationReasons =
    [
        "Patient cancelled: no longer needed", "Patient cancelled: feeling better", "Patient cancelled: cannot attend",
        "Rebooked with own practice", "Patient cancelled online",
    ];

    /// <summary>The day a hub's SMS reminders went live: between month 3 and month 9 of a 12-month history.</summary>
    public static DateOnly RemindersLiveOn(string hubCode, DateOnly from, DateOnly to, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(hubCode);
        var span = to.DayNumber - from.DayNumber;
        var earliest = (int)(span * DemoHistoryRates.RemindersEarliest);
        var latest = Math.Max(earliest + 1, (int)(span * DemoHistoryRates.RemindersLatest));
        var random = SeededRandom.For(FormattableString.Invariant($"demo-history:{seed}:{hubCode}:reminders"));
        return from.AddDays(random.Next(earliest, latest));
    }

    /// <summary>The history's first and last day: <paramref name="months"/> months back from today, up to yesterday.</summary>
    public static (DateOnly From, DateOnly To) RangeFor(DateOnly today, int months) => (today.AddMonths(-months), today.AddDays(-1));

    public async Task<DemoHistoryResult> GenerateAsync(int months, ulong seed = DefaultSeed, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(months);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(months, MaxMonths);
        var (from, to) = RangeFor(London.Today(clock), months);

        var alreadyPresent = new DemoHistoryResult(true, from, to, 0, 0, 0, 0, 0, 0, 0);
        if (await db.Appointments.AnyAsync(a => a.BookedBy == BookedBy, cancellationToken))
        {
            return alreadyPresent;
        }

        // Planned before the write transaction, so the database is locked for writers only while rows are written. A slot
        // added meanwhile in the same past range would hit the slot key's unique index and roll everything back.
        var plan = await PlanAsync(from, to, months, seed, cancellationToken);

        // In the execution strategy, so a dropped connection retries the whole transaction (PostgreSQL); a retry after a
        // commit whose acknowledgement was lost finds the history present and writes nothing.
        var written = await db.Database.CreateExecutionStrategy().ExecuteAsync(
            async ct =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (db.IsPostgres)
                {
                    // SQLite's write transaction already shuts out a second generator; on PostgreSQL take a lock for the purpose.
                    await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(20260401)", ct);
                }

                if (await db.Appointments.AnyAsync(a => a.BookedBy == BookedBy, ct))
                {
                    return false;
                }

                await WriteAsync(plan, ct);

                // The history is written in bulk, past the booking code that keeps the day summaries; make them again.
                await ComplianceDayStore.RebuildAsync(db, ct);
                await transaction.CommitAsync(ct);
                return true;
            },
            cancellationToken);
        if (!written)
        {
            return alreadyPresent;
        }

        var appointments = plan.Appointments;
        return new DemoHistoryResult(
            false,
            from,
            to,
            plan.Slots.Count,
            plan.Patients.Count,
            appointments.Count,
            appointments.Count(a => a.Status == AppointmentStatus.Attended),
            appointments.Count(a => a.Status == AppointmentStatus.DidNotAttend),
            appointments.Count(a => a.Status == AppointmentStatus.Cancelled),
            appointments.Count(a => a.Reminded));
    }

    private async Task<Plan> PlanAsync(DateOnly from, DateOnly to, int months, ulong seed, CancellationToken ct)
    {
        // Ordered by codes, not ids, so the draw order depends only on the reference data.
        var practices = await db.Practices.AsNoTracking().OrderBy(p => p.OdsCode).Select(p => new { p.Id, p.OdsCode, p.ListSize }).ToListAsync(ct);
        var hubs = await db.Hubs.AsNoTracking().Include(h => h.Sessions).ThenInclude(s => s.Overrides).AsSplitQuery().ToListAsync(ct);
        hubs = [.. hubs.OrderBy(h => h.Code, StringComparer.Ordinal)];
        var served = (await db.HubPractices.AsNoTracking().Select(hp => new { hp.HubId, hp.PracticeId }).ToListAsync(ct))
            .ToLookup(hp => hp.HubId, hp => hp.PracticeId);
        var takenNumbers = (await db.Patients.AsNoTracking().Select(p => p.NhsNumber).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        var fromUtc = London.StartOfDayUtc(from);
        var toUtc = London.StartOfDayUtc(to.AddDays(1));
        var existingSlots = (await db.Slots.AsNoTracking()
                .Where(s => s.StartUtc >= fromUtc && s.StartUtc < toUtc)
                .Select(s => new { s.SessionId, s.ClinicianIndex, s.StartUtc })
                .ToListAsync(ct))
            .Select(s => new SlotKey(s.SessionId, s.ClinicianIndex, s.StartUtc))
            .ToHashSet();

        // Patients: a pool per practice in proportion to its list size, numbered on from FirstNhsSequence.
        var patients = new List<Patient>();
        var poolOf = new Dictionary<int, (int First, int Count)>();
        var patientRandom = SeededRandom.For(FormattableString.Invariant($"demo-history:{seed}:patients"));
        var sequence = FirstNhsSequence;
        foreach (var practice in practices)
        {
            var count = Math.Max(5, (int)Math.Ceiling((double)practice.ListSize * months / DemoHistoryRates.ListSizePerPatientMonth));
            poolOf[practice.Id] = (patients.Count, count);
            for (var i = 0; i < count; i++)
            {
                NhsNumber number;
                while (true)
                {
                    sequence++;
                    if (sequence > 999_999)
                    {
                        throw new InvalidOperationException("The history NHS number range is used up.");
                    }

                    if (NhsNumber.FromNineDigits(FormattableString.Invariant($"999{sequence:D6}")) is { } n && !takenNumbers.Contains(n.Value))
                    {
                        number = n;
                        break;
                    }
                }

                var patient = DemoPatients.Describe(number, patients.Count + DemoPatients.Count + 1, patientRandom);
                patient.RegisteredPracticeId = practice.Id;
                patients.Add(patient);
            }
        }

        var listSize = practices.ToDictionary(p => p.Id, p => p.ListSize);
        var odsOf = practices.ToDictionary(p => p.Id, p => p.OdsCode);
        var slots = new List<Slot>();
        var appointments = new List<PlannedAppointment>();
        var hubPlans = hubs.Select(h =>
        {
            var hubRandom = SeededRandom.For(FormattableString.Invariant($"demo-history:{seed}:{h.Code}:utilisation"));
            var utilisation = DemoHistoryRates.MinHubUtilisation + (hubRandom.NextDouble() * (DemoHistoryRates.MaxHubUtilisation - DemoHistoryRates.MinHubUtilisation));
            var pool = served[h.Id].Where(poolOf.ContainsKey).OrderBy(id => odsOf[id], StringComparer.Ordinal).ToArray();
            var cumulative = new long[pool.Length];
            long total = 0;
            for (var i = 0; i < pool.Length; i++)
            {
                total += Math.Max(1, listSize[pool[i]]);
                cumulative[i] = total;
            }

            var sessions = h.Sessions.OrderBy(s => s.StartTime).ThenBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Role).ThenBy(s => s.Mode).ThenBy(s => s.Id).ToList();
            return new HubPlan(h, utilisation, RemindersLiveOn(h.Code, from, to, seed), pool, cumulative, sessions);
        }).ToList();

        for (var date = from; date <= to; date = date.AddDays(1))
        {
            // At most one appointment per patient per day (cancelled ones too), so no patient is ever in two at once.
            var seenToday = new HashSet<int>();
            foreach (var hub in hubPlans)
            {
                var random = SeededRandom.For(FormattableString.Invariant($"demo-history:{seed}:{hub.Hub.Code}:{date:yyyy-MM-dd}"));
                var utilisation = Math.Clamp(hub.Utilisation + ((random.NextDouble() * 2) - 1) * DemoHistoryRates.DailyUtilisationSwing, 0.60, 0.90);

                // A cancelled booking frees its slot, which may then be booked again; this share of slots makes cancelled
                // appointments CancelledShare of all of them: c / (u + c) = share.
                var cancelChance = utilisation * DemoHistoryRates.CancelledShare / (1 - DemoHistoryRates.CancelledShare);
                var remindersLive = date >= hub.RemindersLiveOn;
                foreach (var session in hub.Sessions)
                {
                    foreach (var planned in SlotGenerator.Generate(session, date, date, BankHolidayCalendar.England))
                    {
                        if (existingSlots.Contains(planned.Key))
                        {
                            continue;
                        }

                        var slot = planned.ToFreeSlot();
                        slots.Add(slot);
                        var cancelled = random.NextDouble() < cancelChance;
                        var held = random.NextDouble() < utilisation;
                        if (hub.Pool.Length == 0)
                        {
                            continue;
                        }

                        // Once a booking of the slot is cancelled, the slot can be booked again only after the cancellation.
                        DateTime? freeFromUtc = null;
                        if (cancelled && PickPatient(hub, random, seenToday, patients, poolOf) is { } cancelledPatient)
                        {
                            if (PlanAppointment(slot, hub.Hub, cancelledPatient, date, AppointmentStatus.Cancelled, freeFromUtc, remindersLive, random, appointments.Count, patients, odsOf) is { } booking)
                            {
                                appointments.Add(booking);
                                freeFromUtc = booking.CancelledUtc;
                            }
                            else
                            {
                                seenToday.Remove(cancelledPatient);
                            }
                        }

                        if (held && PickPatient(hub, random, seenToday, patients, poolOf) is { } patient)
                        {
                            var dnaRate = remindersLive ? DemoHistoryRates.DnaAfterReminders : DemoHistoryRates.DnaBeforeReminders;
                            var outcome = random.NextDouble() < dnaRate ? AppointmentStatus.DidNotAttend : AppointmentStatus.Attended;

                            // A cancellation too near the start leaves no time to book the slot again: it stays free.
                            if (PlanAppointment(slot, hub.Hub, patient, date, outcome, freeFromUtc, remindersLive, random, appointments.Count, patients, odsOf) is { } booking)
                            {
                                appointments.Add(booking);
                                slot.Status = SlotStatus.Booked;
                            }
                            else
                            {
                                seenToday.Remove(patient);
                            }
                        }
                    }
                }
            }
        }

        return new Plan(patients, slots, appointments, hubs.ToDictionary(h => h.Id, h => h));
    }

    private static int? PickPatient(HubPlan hub, SeededRandom random, HashSet<int> seenToday, List<Patient> patients, Dictionary<int, (int First, int Count)> poolOf)
    {
        var target = (long)(random.NextDouble() * hub.Cumulative[^1]);
        var index = Array.BinarySearch(hub.Cumulative, target + 1);
        index = index < 0 ? ~index : index;
        var (first, count) = poolOf[hub.Pool[Math.Min(index, hub.Pool.Length - 1)]];
        var start = random.Next(count);
        for (var i = 0; i < count; i++)
        {
            var candidate = first + ((start + i) % count);
            if (seenToday.Add(candidate))
            {
                return candidate;
            }
        }

        // Everyone at that practice already has an appointment today: leave the slot as it is.
        return null;
    }

    /// <summary>
    /// One booking of <paramref name="slot"/>, made after <paramref name="freeFromUtc"/> (when a cancellation freed the
    /// slot) and inside the booking windows; null when the drawn channel has no time left in which it could have booked.
    /// </summary>
    private PlannedAppointment? PlanAppointment(Slot slot, Hub hub, int patient, DateOnly date, AppointmentStatus status, DateTime? freeFromUtc, bool remindersLive, SeededRandom random, int number, List<Patient> patients, Dictionary<int, string> odsOf)
    {
        var channel = PickChannel(random);
        var sameDayShare = channel == BookingChannel.Nhs111 ? DemoHistoryRates.SameDayShareNhs111 : DemoHistoryRates.SameDayShare;
        if (BookingTime(slot.StartUtc, date, channel, hub, freeFromUtc, random.NextDouble() < sameDayShare, random) is not { } createdUtc)
        {
            return null;
        }

        var reminderDue = NotificationRules.ReminderDue(slot.StartUtc, NotificationRules.DefaultReminderLead);
        DateTime? cancelledUtc = null;
        string? cancellationReason = null;
        if (status == AppointmentStatus.Cancelled)
        {
            var window = Math.Max(1, (int)(slot.StartUtc - createdUtc).TotalMinutes - 15);
            cancelledUtc = createdUtc.AddMinutes(1 + random.Next(window));
            cancellationReason = random.Pick(CancellationReasons);
        }

        // A reminder is sent when it was due after the booking was made and before any cancellation (NotificationRules.OnBooking).
        var reminded = remindersLive && reminderDue > createdUtc && (cancelledUtc is null || cancelledUtc > reminderDue);
        var consentDraw = random.NextDouble();
        var consent = consentDraw < 0.80 ? RecordSharingConsent.Granted : consentDraw < 0.85 ? RecordSharingConsent.Refused : RecordSharingConsent.NotAsked;
        var practiceOds = odsOf[patients[patient].RegisteredPracticeId];
        return new PlannedAppointment(
            Key: FormattableString.Invariant($"history-{number + 1}"),
            PatientIndex: patient,
            Slot: slot,
            Channel: channel,
            BookingOrganisationOds: channel switch
            {
                BookingChannel.Practice => practiceOds,
                BookingChannel.Nhs111 => "Y111",
                _ => null,
            },
            Status: status,
            Consent: consent,
            CreatedUtc: createdUtc,
            CancelledUtc: cancelledUtc,
            CancellationReason: cancellationReason,
            OutcomeRecordedUtc: status == AppointmentStatus.Cancelled ? null : slot.EndUtc.AddMinutes(random.Next(5, 90)),
            Reminded: reminded,
            ReminderDueUtc: reminderDue);
    }

    /// <summary>
    /// When a booking was made: on the day from 07:00 until half an hour before the start, or 1 to
    /// <see cref="DemoHistoryRates.MaxDaysAhead"/> days before between 08:00 and 18:30, and always where the live rules
    /// would take it: no nearer the start than the channel's minimum notice, no further ahead than the channel's or the
    /// hub's window, and after <paramref name="freeFromUtc"/>. When the preferred kind has no such time the other is
    /// used; null when neither has.
    /// </summary>
    private DateTime? BookingTime(DateTime startUtc, DateOnly date, BookingChannel channel, Hub hub, DateTime? freeFromUtc, bool preferSameDay, SeededRandom random)
    {
        var window = bookingPolicy.Value.WindowFor(channel);
        var maximumAhead = hub.MaximumBookingAheadHours is { } hours && TimeSpan.FromHours(hours) < window.MaximumAhead ? TimeSpan.FromHours(hours) : window.MaximumAhead;

        // Whole minutes inside [earliest, latest], as the draws below are.
        var earliestUtc = CeilingToMinute(startUtc - maximumAhead);
        if (freeFromUtc is { } freed && freed.AddMinutes(1) > earliestUtc)
        {
            earliestUtc = CeilingToMinute(freed.AddMinutes(1));
        }

        var latestUtc = startUtc - (window.MinimumNotice > TimeSpan.FromMinutes(30) ? window.MinimumNotice : TimeSpan.FromMinutes(30));
        latestUtc = latestUtc.AddTicks(-(latestUtc.Ticks % TimeSpan.TicksPerMinute));

        (DateTime From, DateTime To)? Within(DateTime fromUtc, DateTime toUtc)
        {
            var from = fromUtc > earliestUtc ? fromUtc : earliestUtc;
            var to = toUtc < latestUtc ? toUtc : latestUtc;
            return from <= to ? (from, to) : null;
        }

        var sameDay = Within(London.ToUtc(date, new TimeOnly(7, 0))!.Value, startUtc);
        var days = new List<(DateTime From, DateTime To)>();
        for (var daysAhead = 1; daysAhead <= DemoHistoryRates.MaxDaysAhead; daysAhead++)
        {
            var day = date.AddDays(-daysAhead);
            if (Within(London.ToUtc(day, new TimeOnly(8, 0))!.Value, London.ToUtc(day, new TimeOnly(18, 30))!.Value) is { } range)
            {
                days.Add(range);
            }
        }

        (DateTime From, DateTime To)? chosen = preferSameDay
            ? sameDay ?? (days.Count > 0 ? random.Pick(days) : null)
            : days.Count > 0 ? random.Pick(days) : sameDay;
        if (chosen is not { } r)
        {
            return null;
        }

        return r.From.AddMinutes(random.Next((int)(r.To - r.From).TotalMinutes + 1));
    }

    private static DateTime CeilingToMinute(DateTime utc) =>
        utc.Ticks % TimeSpan.TicksPerMinute == 0 ? utc : utc.AddTicks(TimeSpan.TicksPerMinute - (utc.Ticks % TimeSpan.TicksPerMinute));

    private static BookingChannel PickChannel(SeededRandom random)
    {
        var draw = random.NextDouble();
        foreach (var (channel, share) in DemoHistoryRates.ChannelMix)
        {
            draw -= share;
            if (draw < 0)
            {
                return channel;
            }
        }

        return DemoHistoryRates.ChannelMix[^1].Channel;
    }

    private async Task WriteAsync(Plan plan, CancellationToken ct)
    {
        // 1. Patients, then their ids by NHS number.
        await BulkWriter.InsertAsync<Patient, Patient>(db, plan.Patients,
        [
            new(nameof(Patient.NhsNumber), p => p.NhsNumber),
            new(nameof(Patient.GivenName), p => p.GivenName),
            new(nameof(Patient.FamilyName), p => p.FamilyName),
            new(nameof(Patient.DateOfBirth), p => p.DateOfBirth),
            new(nameof(Patient.Phone), p => p.Phone),
            new(nameof(Patient.Email), p => p.Email),
            new(nameof(Patient.RegisteredPracticeId), p => p.RegisteredPracticeId),
            new(nameof(Patient.SummaryProblems), p => p.SummaryProblems),
            new(nameof(Patient.SummaryMedications), p => p.SummaryMedications),
            new(nameof(Patient.SummaryAllergies), p => p.SummaryAllergies),
            new(nameof(Patient.IsSynthetic), p => p.IsSynthetic),
        ], ct);
        var patientIds = await db.Patients.AsNoTracking().Where(p => p.IsSynthetic)
            .Select(p => new { p.Id, p.NhsNumber })
            .ToDictionaryAsync(p => p.NhsNumber, p => p.Id, StringComparer.Ordinal, ct);

        // 2. Slots, then their ids by slot key.
        await SlotBulkWriter.InsertAsync(db, plan.Slots, ct);
        if (plan.Slots.Count > 0)
        {
            var first = plan.Slots.Min(s => s.StartUtc);
            var last = plan.Slots.Max(s => s.StartUtc);
            var slotIds = (await db.Slots.AsNoTracking()
                    .Where(s => s.StartUtc >= first && s.StartUtc <= last)
                    .Select(s => new { s.Id, s.SessionId, s.ClinicianIndex, s.StartUtc })
                    .ToListAsync(ct))
                .ToDictionary(s => new SlotKey(s.SessionId, s.ClinicianIndex, s.StartUtc), s => s.Id);
            foreach (var slot in plan.Slots)
            {
                slot.Id = slotIds[slot.Key];
            }
        }

        // 3. Appointments, then their ids by idempotency key.
        await BulkWriter.InsertAsync<Appointment, PlannedAppointment>(db, plan.Appointments,
        [
            new(nameof(Appointment.PatientId), a => patientIds[plan.Patients[a.PatientIndex].NhsNumber]),
            new(nameof(Appointment.HubId), a => a.Slot.HubId),
            new(nameof(Appointment.StartUtc), a => a.Slot.StartUtc),
            new(nameof(Appointment.EndUtc), a => a.Slot.EndUtc),
            new(nameof(Appointment.Role), a => a.Slot.Role.ToString()),
            new(nameof(Appointment.Mode), a => a.Slot.Mode.ToString()),
            new(nameof(Appointment.Channel), a => a.Channel.ToString()),
            new(nameof(Appointment.BookedBy), _ => BookedBy),
            new(nameof(Appointment.BookingOrganisationOds), a => a.BookingOrganisationOds),
            new(nameof(Appointment.Consent), a => a.Consent.ToString()),
            new(nameof(Appointment.Status), a => a.Status.ToString()),
            new(nameof(Appointment.CreatedUtc), a => a.CreatedUtc),
            new(nameof(Appointment.CancelledUtc), a => a.CancelledUtc),
            new(nameof(Appointment.CancellationReason), a => a.CancellationReason),
            new(nameof(Appointment.CancelledBy), a => a.CancelledUtc is null ? null : BookedBy),
            new(nameof(Appointment.OutcomeRecordedUtc), a => a.OutcomeRecordedUtc),
            new(nameof(Appointment.OutcomeRecordedBy), a => a.OutcomeRecordedUtc is null ? null : BookedBy),
            new(nameof(Appointment.IdempotencyKey), a => a.Key),
            new(nameof(Appointment.Version), _ => 2),
        ], ct);
        var appointmentIds = await db.Appointments.AsNoTracking().Where(a => a.BookedBy == BookedBy)
            .Select(a => new { a.Id, a.IdempotencyKey })
            .ToDictionaryAsync(a => a.IdempotencyKey!, a => a.Id, StringComparer.Ordinal, ct);

        // 4. Slot holds: a cancelled appointment's hold is inactive, so it never counts against the double-booking index.
        await BulkWriter.InsertAsync<AppointmentSlot, PlannedAppointment>(db, plan.Appointments,
        [
            new(nameof(AppointmentSlot.AppointmentId), a => appointmentIds[a.Key]),
            new(nameof(AppointmentSlot.SlotId), a => a.Slot.Id),
            new(nameof(AppointmentSlot.IsActive), a => a.Status != AppointmentStatus.Cancelled),
        ], ct);

        // 5. The sent 24-hour SMS reminders.
        var reminded = plan.Appointments.Where(a => a.Reminded).ToList();
        await BulkWriter.InsertAsync<OutboxMessage, PlannedAppointment>(db, reminded,
        [
            new(nameof(OutboxMessage.Kind), _ => nameof(NotificationKind.Reminder)),
            new(nameof(OutboxMessage.Channel), _ => nameof(NotificationChannel.Sms)),
            new(nameof(OutboxMessage.AppointmentId), a => appointmentIds[a.Key]),
            new(nameof(OutboxMessage.TemplateId), _ => ReminderTemplateId),
            new(nameof(OutboxMessage.Personalisation), a => Personalisation(plan.Hubs[a.Slot.HubId], a.Slot)),
            new(nameof(OutboxMessage.Recipient), a => plan.Patients[a.PatientIndex].Phone),
            new(nameof(OutboxMessage.DueUtc), a => a.ReminderDueUtc),
            new(nameof(OutboxMessage.Status), _ => nameof(OutboxStatus.Sent)),
            new(nameof(OutboxMessage.Attempts), _ => 1),
            new(nameof(OutboxMessage.CreatedUtc), a => a.CreatedUtc),
            new(nameof(OutboxMessage.SentUtc), a => a.ReminderDueUtc),
            new(nameof(OutboxMessage.IdempotencyKey), a => OutboxMessage.KeyFor(appointmentIds[a.Key], NotificationKind.Reminder, NotificationChannel.Sms)),
            new(nameof(OutboxMessage.ProviderReference), a => $"demo-{a.Key}"),
        ], ct);
    }

    /// <summary>The same placeholders NotificationScheduler writes: where, when and how only, never names or clinical detail.</summary>
    private static string Personalisation(Hub hub, Slot slot) =>
        JsonSerializer.Serialize(AppointmentMessage.Placeholders(hub.Name, Hub.Address(hub.SiteName, hub.Town), slot.Mode, slot.StartUtc));

    private sealed record HubPlan(Hub Hub, double Utilisation, DateOnly RemindersLiveOn, int[] Pool, long[] Cumulative, IReadOnlyList<Session> Sessions);

    private sealed record PlannedAppointment(
        string Key,
        int PatientIndex,
        Slot Slot,
        BookingChannel Channel,
        string? BookingOrganisationOds,
        AppointmentStatus Status,
        RecordSharingConsent Consent,
        DateTime CreatedUtc,
        DateTime? CancelledUtc,
        string? CancellationReason,
        DateTime? OutcomeRecordedUtc,
        bool Reminded,
        DateTime ReminderDueUtc);

    private sealed record Plan(List<Patient> Patients, List<Slot> Slots, List<PlannedAppointment> Appointments, Dictionary<int, Hub> Hubs);
}
