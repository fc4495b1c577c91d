using Forward.Data;
using Forward.Data.Compliance;
using Forward.Data.Seeding;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Compliance;

/// <summary>
/// A database from before the compliance day summaries already holds slots and appointments. Bringing it up to date
/// must make the summaries from them, or its compliance report would show nothing until every booking was remade.
/// </summary>
public sealed class ComplianceDaysUpgradeTests : IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Migrating_a_database_with_slots_and_appointments_makes_their_day_summaries()
    {
        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync();
            await new ReferenceDataSeeder().SeedAsync(db);

            // Written as the application of the time would have: slots from a rota, one booked and one cancelled.
            var session = await db.Sessions.AsNoTracking().Include(s => s.Overrides).OrderBy(s => s.Id).FirstAsync();
            session.ValidFrom = new DateOnly(2026, 3, 1);
            var planned = SlotGenerator.Generate(session, new DateOnly(2026, 3, 23), new DateOnly(2026, 4, 5), BankHolidayCalendar.England).ToList();
            await SlotBulkWriter.InsertAsync(db, planned.Select(p => p.ToFreeSlot()).ToList());
            var practiceId = await db.HubPractices.Where(hp => hp.HubId == session.HubId).Select(hp => hp.PracticeId).FirstAsync();
            var patient = new Patient { NhsNumber = "9990000018", GivenName = "Upgrade", FamilyName = "Patient", DateOfBirth = new DateOnly(1970, 1, 1), RegisteredPracticeId = practiceId, IsSynthetic = true };
            var slots = await db.Slots.OrderBy(s => s.StartUtc).ThenBy(s => s.Id).Take(2).ToListAsync();
            foreach (var (slot, status) in slots.Zip([AppointmentStatus.Attended, AppointmentStatus.Cancelled]))
            {
                slot.Status = status == AppointmentStatus.Cancelled ? SlotStatus.Free : SlotStatus.Booked;
                var appointment = new Appointment
                {
                    Patient = patient,
                    HubId = slot.HubId,
                    StartUtc = slot.StartUtc,
                    EndUtc = slot.EndUtc,
                    Channel = BookingChannel.Practice,
                    BookedBy = "upgrade-test",
                    Status = status,
                    CreatedUtc = slot.StartUtc.AddDays(-3),
                };
                appointment.Slots.Add(new AppointmentSlot { Slot = slot, IsActive = status != AppointmentStatus.Cancelled });
                db.Appointments.Add(appointment);
            }

            await db.SaveChangesAsync();

            // Back to a database from before the summaries: their tables and their migration's record gone. (Rows written
            // above went past the booking code, so there were no summaries of them anyway.)
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"ComplianceSessionDays\"");
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"ComplianceAppointmentDays\"");
            var migration = db.Database.GetMigrations().Single(m => m.EndsWith("_ComplianceDays", StringComparison.Ordinal));
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {0}", migration);
        }

        await using (var db = database.OpenContext())
        {
            await DatabaseInitializer.MigrateAsync(db);

            var range = new DateRange(new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 30));
            var stored = await ComplianceDayStore.SessionDaysAsync(db, db.Hubs.Select(h => h.Id), range, default);
            var storedAppointments = await ComplianceDayStore.AppointmentDaysAsync(db, db.Practices.Select(p => p.Id), null, range, default);
            var slots = await db.Slots.AsNoTracking().Select(s => new OfferedSlot(s.HubId, s.SessionId, s.StartUtc, s.EndUtc, s.Mode, s.Role, s.Status)).ToListAsync();
            var facts = await ComplianceDayStore.Facts(db.Appointments.AsNoTracking()).ToListAsync();

            Assert.NotEmpty(stored);
            Assert.Equal(
                ComplianceDaySummaries.Sessions(slots, BankHolidayCalendar.England).Select(d => (d.HubId, d.SessionId, d.Date, d.StartingSlots, d.ExtendedMinutes, d.TouchingSlots, d.EveningCover.Count)),
                stored.OrderBy(d => d.HubId).ThenBy(d => d.SessionId).ThenBy(d => d.Date).Select(d => (d.HubId, d.SessionId, d.Date, d.StartingSlots, d.ExtendedMinutes, d.TouchingSlots, d.EveningCover.Count)));
            Assert.Equal(
                ComplianceDaySummaries.Appointments(facts, BankHolidayCalendar.England).Select(d => (d.PracticeId, d.HubId, d.SessionId, d.Date, d.Parts)),
                storedAppointments.Select(d => (d.PracticeId, d.HubId, d.SessionId, d.Date, d.Parts)));
            Assert.Equal(1, storedAppointments.Sum(d => d.Parts.Attended));
            Assert.Equal(1, storedAppointments.Sum(d => d.Parts.Cancelled));
        }
    }
}
