using Forward.Data;
using Forward.Data.Seeding;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// Appointments booked before they kept their own role and mode took them from their first slot. Bringing such a
/// database up to date must copy them from that slot, or every earlier appointment would read as a face-to-face GP one.
/// </summary>
public sealed class AppointmentRoleUpgradeTests : IDisposable
{
    private readonly TestDatabase database = new();

    public void Dispose() => database.Dispose();

    [Fact]
    public async Task Migrating_copies_each_earlier_appointments_role_and_mode_from_its_first_slot()
    {
        long appointmentId;
        await using (var db = database.OpenContext())
        {
            await db.Database.MigrateAsync();
            await new ReferenceDataSeeder().SeedAsync(db);
            var session = await db.Sessions.AsNoTracking().Include(s => s.Overrides).OrderBy(s => s.Id).FirstAsync();
            session.ValidFrom = new DateOnly(2026, 3, 1);
            session.Role = ClinicianRole.AdvancedNursePractitioner;
            session.Mode = DeliveryMode.Video;
            var planned = SlotGenerator.Generate(session, new DateOnly(2026, 3, 23), new DateOnly(2026, 3, 27), BankHolidayCalendar.England).ToList();
            await SlotBulkWriter.InsertAsync(db, planned.Select(p => p.ToFreeSlot()).ToList());
            var practiceId = await db.HubPractices.Where(hp => hp.HubId == session.HubId).Select(hp => hp.PracticeId).FirstAsync();
            var slots = await db.Slots.OrderBy(s => s.StartUtc).ThenBy(s => s.Id).Take(2).ToListAsync();
            var appointment = new Appointment
            {
                Patient = new Patient { NhsNumber = "9990000018", GivenName = "Upgrade", FamilyName = "Patient", DateOfBirth = new DateOnly(1970, 1, 1), RegisteredPracticeId = practiceId, IsSynthetic = true },
                HubId = session.HubId,
                StartUtc = slots[0].StartUtc,
                EndUtc = slots[1].EndUtc,
                Channel = BookingChannel.Practice,
                BookedBy = "upgrade-test",
                Status = AppointmentStatus.Booked,
                CreatedUtc = slots[0].StartUtc.AddDays(-3),
            };
            foreach (var slot in slots)
            {
                slot.Status = SlotStatus.Booked;
                appointment.Slots.Add(new AppointmentSlot { Slot = slot, IsActive = true });
            }

            db.Appointments.Add(appointment);
            await db.SaveChangesAsync();
            appointmentId = appointment.Id;

            // Back to the version before appointments kept them (which drops the columns), then up again.
            await TestDatabase.MigrateToJustBeforeAsync(db, "AppointmentRoleAndMode");
            await db.Database.MigrateAsync();
        }

        await using (var db = database.OpenContext())
        {
            var upgraded = await db.Appointments.AsNoTracking().SingleAsync(a => a.Id == appointmentId);
            Assert.Equal((ClinicianRole.AdvancedNursePractitioner, DeliveryMode.Video), (upgraded.Role, upgraded.Mode));
        }
    }
}
