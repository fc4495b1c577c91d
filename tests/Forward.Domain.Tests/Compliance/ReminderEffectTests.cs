using Forward.Domain.Booking;
using Forward.Domain.Compliance;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

public class ReminderEffectTests
{
    [Fact]
    public void Splits_each_hubs_outcomes_at_the_start_of_its_first_reminded_appointment()
    {
        var since = At("2026-03-02", "18:30");
        var appointments = new[]
        {
            Appointment(1, 10, At("2026-02-23", "18:30"), AppointmentStatus.DidNotAttend, hub: 1),
            Appointment(2, 10, At("2026-02-24", "18:30"), AppointmentStatus.Attended, hub: 1),
            Appointment(3, 10, At("2026-02-25", "18:30"), AppointmentStatus.Attended, hub: 1),
            Appointment(4, 10, At("2026-02-26", "18:30"), AppointmentStatus.Attended, hub: 1),

            // Exactly at the moment reminders began counts as after.
            Appointment(5, 10, since, AppointmentStatus.Attended, hub: 1),
            Appointment(6, 10, At("2026-03-03", "18:30"), AppointmentStatus.Attended, hub: 1),
            Appointment(7, 10, At("2026-03-04", "18:30"), AppointmentStatus.Attended, hub: 1),
            Appointment(8, 10, At("2026-03-05", "18:30"), AppointmentStatus.DidNotAttend, hub: 1),
            Appointment(9, 10, At("2026-03-06", "18:30"), AppointmentStatus.Attended, hub: 1),

            // Booked or cancelled appointments have no outcome to count.
            Appointment(10, 10, At("2026-03-07", "10:00"), AppointmentStatus.Booked, hub: 1),
            Appointment(11, 10, At("2026-02-20", "10:00"), AppointmentStatus.Cancelled, hub: 1),
        };

        var effect = Assert.Single(ReminderEffect.Assess([1], appointments, new Dictionary<int, DateTime> { [1] = since }));

        Assert.Equal(since, effect.RemindersSinceUtc);
        Assert.Equal(new AttendanceOutcomes(3, 1), effect.Before);
        Assert.Equal(new AttendanceOutcomes(4, 1), effect.After);
        Assert.Equal(0.25m, effect.Before.DnaRate);
        Assert.Equal(0.2m, effect.After.DnaRate);
        Assert.Equal(-0.05m, effect.Change);
    }

    [Fact]
    public void A_hub_that_never_sent_a_reminder_has_everything_before_and_no_change()
    {
        var appointments = new[]
        {
            Appointment(1, 10, At("2026-02-23", "18:30"), AppointmentStatus.DidNotAttend, hub: 2),
            Appointment(2, 10, At("2026-02-24", "18:30"), AppointmentStatus.Attended, hub: 2),
        };

        var effect = Assert.Single(ReminderEffect.Assess([2], appointments, new Dictionary<int, DateTime>()));

        Assert.Null(effect.RemindersSinceUtc);
        Assert.Equal(new AttendanceOutcomes(1, 1), effect.Before);
        Assert.Equal(AttendanceOutcomes.None, effect.After);
        Assert.Null(effect.After.DnaRate);
        Assert.Null(effect.Change);
    }

    [Fact]
    public void Lists_every_hub_asked_for_once_and_ignores_appointments_at_other_hubs()
    {
        var appointments = new[] { Appointment(1, 10, At("2026-02-23", "18:30"), AppointmentStatus.Attended, hub: 9) };

        var effects = ReminderEffect.Assess([3, 1, 3], appointments, new Dictionary<int, DateTime>());

        Assert.Equal([1, 3], effects.Select(e => e.HubId));
        Assert.All(effects, e => Assert.Equal(0, e.Before.WithOutcome + e.After.WithOutcome));
    }
}
