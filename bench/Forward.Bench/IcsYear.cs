using System.Diagnostics;
using Forward.Data;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Microsoft.EntityFrameworkCore;

namespace Forward.Bench;

/// <summary>What <see cref="IcsYear.GenerateAsync"/> wrote.</summary>
internal sealed record IcsYearData(DateRange Range, int SystemId, int Hubs, int Clinicians, long Slots, long Appointments, int Patients, TimeSpan Elapsed);

/// <summary>
/// Synthetic, deterministic: a whole ICS-year of extended-access appointments, far denser than any real hub (the issue
/// asks for ten million, about an ICS's GP appointments in a year). The ICS's hubs run their seeded sessions on
/// every date of the year with enough parallel clinicians that the slots hold the appointments asked for; each slot is
/// booked with the same probability by one of a pool of synthetic patients registered at the ICS's practices in
/// proportion to list size; about one in twenty bookings takes the next slot too (a double appointment), and a fifth of
/// the slots left free are withdrawn, so the comparison with DuckDB covers slots used and capacity withdrawn. Rows go in through <see cref="BulkWriter"/> with their ids, month by month, in one
/// transaction per month; the booking code is bypassed, so the caller rebuilds the compliance day summaries.
/// </summary>
internal static class IcsYear
{
    public const string BookedBy = "bench-ics-year";
    private const int PatientCount = 200_000;
    private const double Utilisation = 0.95;
    private const double TwoSlotShare = 0.05;
    private const double WithdrawnShare = 0.2;

    private const string ResetSequencesSql = """
        SELECT setval(pg_get_serial_sequence('"Patients"', 'Id'), (SELECT MAX("Id") FROM "Patients")),
               setval(pg_get_serial_sequence('"Slots"', 'Id'), (SELECT MAX("Id") FROM "Slots")),
               setval(pg_get_serial_sequence('"Appointments"', 'Id'), (SELECT MAX("Id") FROM "Appointments"))
        """;

    public static async Task<IcsYearData> GenerateAsync(ForwardDbContext db, int systemId, long appointmentsWanted, DateOnly lastDate, CancellationToken ct = default)
    {
        var started = Stopwatch.StartNew();
        var range = new DateRange(lastDate.AddDays(-364), lastDate);
        var practices = await db.Practices.AsNoTracking()
            .Select(p => new { p.Id, p.ListSize, SystemId = p.Network!.Ccg!.CareSystemId })
            .ToListAsync(ct);
        var icsPractices = practices.Where(p => p.SystemId == systemId && p.ListSize > 0).OrderBy(p => p.Id).ToList();
        var icsPracticeIds = icsPractices.Select(p => p.Id).ToList();
        var hubIds = await db.HubPractices.AsNoTracking().Where(hp => icsPracticeIds.Contains(hp.PracticeId)).Select(hp => hp.HubId).Distinct().ToListAsync(ct);
        var sessions = await db.Sessions.AsNoTracking().Include(s => s.Overrides).Where(s => hubIds.Contains(s.HubId) && s.IsActive).OrderBy(s => s.Id).ToListAsync(ct);
        foreach (var session in sessions)
        {
            // The whole year, whatever the seeded validity: the point is the volume.
            session.ValidFrom = range.From;
            session.ValidUntil = null;
            session.Overrides.Clear();
            session.Clinicians = 1;
        }

        var perClinician = sessions.Sum(s => (long)SlotGenerator.Generate(s, range.From, range.To, BankHolidayCalendar.England).Count());
        var clinicians = (int)Math.Ceiling(appointmentsWanted / Utilisation / perClinician);
        foreach (var session in sessions)
        {
            session.Clinicians = clinicians;
        }

        var random = new Random(20261204);
        var patientIdBase = (await db.Patients.MaxAsync(p => (int?)p.Id, ct) ?? 0) + 1;
        var patients = Patients(icsPractices.Select(p => (p.Id, p.ListSize)).ToList(), patientIdBase);
        await db.InTransactionAsync(token => BulkWriter.InsertAsync<Patient, Patient>(db, patients,
        [
            new(nameof(Patient.Id), p => p.Id),
            new(nameof(Patient.NhsNumber), p => p.NhsNumber),
            new(nameof(Patient.GivenName), p => p.GivenName),
            new(nameof(Patient.FamilyName), p => p.FamilyName),
            new(nameof(Patient.DateOfBirth), p => p.DateOfBirth),
            new(nameof(Patient.RegisteredPracticeId), p => p.RegisteredPracticeId),
            new(nameof(Patient.IsSynthetic), p => p.IsSynthetic),
        ], token), ct);

        var nextSlotId = (await db.Slots.MaxAsync(s => (long?)s.Id, ct) ?? 0) + 1;
        var nextAppointmentId = (await db.Appointments.MaxAsync(a => (long?)a.Id, ct) ?? 0) + 1;
        var now = DateTime.UtcNow;
        long slotCount = 0;
        long appointmentCount = 0;
        for (var monthStart = range.From; monthStart <= range.To; monthStart = monthStart.AddMonths(1))
        {
            var monthEnd = monthStart.AddMonths(1).AddDays(-1) < range.To ? monthStart.AddMonths(1).AddDays(-1) : range.To;
            var slots = new List<Slot>();
            var appointments = new List<Appointment>();
            var holds = new List<AppointmentSlot>();
            Slot? previous = null;
            Appointment? extendable = null;
            foreach (var planned in sessions.SelectMany(s => SlotGenerator.Generate(s, monthStart, monthEnd, BankHolidayCalendar.England)))
            {
                var slot = planned.ToFreeSlot();
                slot.Id = nextSlotId++;
                slots.Add(slot);

                // The generator yields a clinician's slots in time order, so the one before is next to this one when it
                // is the same session's and clinician's and ends as this starts.
                var follows = previous is { } before && before.SessionId == slot.SessionId && before.ClinicianIndex == slot.ClinicianIndex && before.EndUtc == slot.StartUtc;
                var lastBooked = follows ? extendable : null;
                previous = slot;
                extendable = null;
                if (random.NextDouble() >= Utilisation)
                {
                    // Some of the slots left free are taken out of the book (a session closed or changed), which the
                    // report must not count as capacity.
                    slot.Status = random.NextDouble() < WithdrawnShare ? SlotStatus.Withdrawn : SlotStatus.Free;
                    continue;
                }

                if (lastBooked is not null && random.NextDouble() < TwoSlotShare)
                {
                    // A longer appointment: the one booked in the slot before holds this one too, so slots used and
                    // appointments differ (they are equal if every booking holds one slot).
                    lastBooked.EndUtc = slot.EndUtc;
                    Hold(lastBooked, slot);
                    continue;
                }

                var appointment = NewAppointment(nextAppointmentId++, patients[random.Next(patients.Count)].Id, slot, now, random);
                appointments.Add(appointment);
                Hold(appointment, slot);
                extendable = appointment;
            }

            void Hold(Appointment appointment, Slot slot)
            {
                var held = appointment.Status != AppointmentStatus.Cancelled;
                holds.Add(new AppointmentSlot { AppointmentId = appointment.Id, SlotId = slot.Id, IsActive = held });
                slot.Status = held ? SlotStatus.Booked : SlotStatus.Free;
            }

            await db.InTransactionAsync(async token =>
            {
                await SlotBulkWriter.InsertWithIdsAsync(db, slots, token);
                await BulkWriter.InsertAsync<Appointment, Appointment>(db, appointments,
                [
                    new(nameof(Appointment.Id), a => a.Id),
                    new(nameof(Appointment.PatientId), a => a.PatientId),
                    new(nameof(Appointment.HubId), a => a.HubId),
                    new(nameof(Appointment.StartUtc), a => a.StartUtc),
                    new(nameof(Appointment.EndUtc), a => a.EndUtc),
                    new(nameof(Appointment.Role), a => a.Role.ToString()),
                    new(nameof(Appointment.Mode), a => a.Mode.ToString()),
                    new(nameof(Appointment.Channel), a => a.Channel.ToString()),
                    new(nameof(Appointment.BookedBy), a => a.BookedBy),
                    new(nameof(Appointment.Consent), a => a.Consent.ToString()),
                    new(nameof(Appointment.Status), a => a.Status.ToString()),
                    new(nameof(Appointment.CreatedUtc), a => a.CreatedUtc),
                    new(nameof(Appointment.CancelledUtc), a => a.CancelledUtc),
                    new(nameof(Appointment.OutcomeRecordedUtc), a => a.OutcomeRecordedUtc),
                    new(nameof(Appointment.Version), a => a.Version),
                ], token);
                await BulkWriter.InsertAsync<AppointmentSlot, AppointmentSlot>(db, holds,
                [
                    new(nameof(AppointmentSlot.AppointmentId), h => h.AppointmentId),
                    new(nameof(AppointmentSlot.SlotId), h => h.SlotId),
                    new(nameof(AppointmentSlot.IsActive), h => h.IsActive),
                ], token);
            }, ct);
            slotCount += slots.Count;
            appointmentCount += appointments.Count;
            Console.Error.WriteLine($"  {monthStart:yyyy-MM}: {slotCount:N0} slots, {appointmentCount:N0} appointments so far ({started.Elapsed.TotalSeconds:F0} s)");
        }

        if (db.IsPostgres)
        {
            // Ids were given explicitly; later inserts through EF must not collide with them.
            await db.Database.ExecuteSqlRawAsync(ResetSequencesSql, ct);
        }

        return new IcsYearData(range, systemId, hubIds.Count, clinicians, slotCount, appointmentCount, patients.Count, started.Elapsed);
    }

    private static List<Patient> Patients(List<(int Id, int ListSize)> practices, int firstId)
    {
        var total = practices.Sum(p => (long)p.ListSize);
        var patients = new List<Patient>(PatientCount);
        var practiceIndex = 0;
        long cumulative = practices[0].ListSize;
        for (var i = 0; i < PatientCount; i++)
        {
            // Patient i belongs to the practice whose share of the ICS's list covers position i of the pool.
            var position = (long)i * total / PatientCount;
            while (position >= cumulative)
            {
                cumulative += practices[++practiceIndex].ListSize;
            }

            patients.Add(new Patient
            {
                Id = firstId + i,
                NhsNumber = "97" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture),
                GivenName = "Bench",
                FamilyName = "Patient" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DateOfBirth = new DateOnly(1940, 1, 1).AddDays(i % 25_000),
                RegisteredPracticeId = practices[practiceIndex].Id,
                IsSynthetic = true,
            });
        }

        return patients;
    }

    private static Appointment NewAppointment(long id, int patientId, Slot slot, DateTime now, Random random)
    {
        var channelRoll = random.NextDouble();
        var channel = channelRoll < 0.6 ? BookingChannel.Practice : channelRoll < 0.8 ? BookingChannel.Nhs111 : channelRoll < 0.9 ? BookingChannel.Hub : BookingChannel.Online;

        // A quarter booked on the day (within six hours before), the rest up to a fortnight ahead.
        var lead = random.NextDouble() < 0.25 ? TimeSpan.FromMinutes(random.Next(10, 360)) : TimeSpan.FromMinutes(random.Next(24 * 60, 14 * 24 * 60));
        var created = slot.StartUtc - lead;
        var statusRoll = random.NextDouble();
        var status = slot.StartUtc > now
            ? (statusRoll < 0.06 ? AppointmentStatus.Cancelled : AppointmentStatus.Booked)
            : statusRoll < 0.06 ? AppointmentStatus.Cancelled
            : statusRoll < 0.11 ? AppointmentStatus.DidNotAttend
            : statusRoll < 0.14 ? AppointmentStatus.Booked
            : AppointmentStatus.Attended;
        return new Appointment
        {
            Id = id,
            PatientId = patientId,
            HubId = slot.HubId,
            StartUtc = slot.StartUtc,
            EndUtc = slot.EndUtc,
            Role = slot.Role,
            Mode = slot.Mode,
            Channel = channel,
            BookedBy = BookedBy,
            Consent = RecordSharingConsent.Granted,
            Status = status,
            CreatedUtc = created,
            CancelledUtc = status == AppointmentStatus.Cancelled ? created.AddMinutes(5) : null,
            OutcomeRecordedUtc = status is AppointmentStatus.Attended or AppointmentStatus.DidNotAttend ? slot.EndUtc : null,
            Version = 1,
        };
    }
}
