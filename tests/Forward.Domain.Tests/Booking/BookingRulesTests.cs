using Forward.Domain.Booking;
using Forward.Domain.Hubs;

namespace Forward.Domain.Tests.Booking;

public class BookingRulesTests
{
    private static readonly DateTime Now = new(2026, 6, 1, 9, 0, 0, DateTimeKind.Utc);
    private static readonly BookingPolicy Policy = new();

    private static SlotToBook Slot(DateTime start, long id = 1, int session = 1, SlotStatus status = SlotStatus.Free, int minutes = 15, int clinician = 0) =>
        new(id, session, 1, start, start.AddMinutes(minutes), ClinicianRole.GeneralPractitioner, DeliveryMode.FaceToFace, status, clinician);

    private static DomainException Fails(Action act) => Assert.Throws<DomainException>(act);

    private static void Book(IReadOnlyList<SlotToBook> slots, BookingChannel channel = BookingChannel.Practice, bool served = true, params HeldAppointment[] held) =>
        BookingRules.CheckCanBook(slots, channel, Now, Policy, served, held);

    [Fact]
    public void A_free_future_slot_inside_the_window_can_be_booked() => Book([Slot(Now.AddDays(2))]);

    [Fact]
    public void A_booked_slot_is_a_conflict() =>
        Assert.Equal("slot-not-free", Fails(() => Book([Slot(Now.AddDays(1), status: SlotStatus.Booked)])).Code);

    [Fact]
    public void A_withdrawn_slot_is_a_conflict() =>
        Assert.Equal(DomainErrorKind.Conflict, Fails(() => Book([Slot(Now.AddDays(1), status: SlotStatus.Withdrawn)])).Kind);

    [Fact]
    public void A_slot_in_the_past_or_already_started_cannot_be_booked()
    {
        Assert.Equal("slot-in-past", Fails(() => Book([Slot(Now.AddMinutes(-5))])).Code);
        Assert.Equal("slot-in-past", Fails(() => Book([Slot(Now)])).Code);
    }

    [Fact]
    public void Nhs111_books_same_day_up_to_48_hours_ahead()
    {
        Book([Slot(Now.AddMinutes(30))], BookingChannel.Nhs111);
        Book([Slot(Now.AddHours(48))], BookingChannel.Nhs111);
        Assert.Equal("outside-booking-window", Fails(() => Book([Slot(Now.AddHours(48).AddMinutes(15))], BookingChannel.Nhs111)).Code);
    }

    [Fact]
    public void A_hub_with_a_nearer_window_holds_every_channel_to_it()
    {
        // Leicester City: "same day or up to 48 hours in advance", whoever books.
        var hub = TimeSpan.FromHours(48);
        foreach (var channel in new[] { BookingChannel.Practice, BookingChannel.Hub, BookingChannel.Online })
        {
            BookingRules.CheckCanBook([Slot(Now.AddHours(48))], channel, Now, Policy, true, [], hub);
            var refused = Fails(() => BookingRules.CheckCanBook([Slot(Now.AddHours(48).AddMinutes(15))], channel, Now, Policy, true, [], hub));
            Assert.Equal(("outside-booking-window", "This hub takes bookings at most 48 hours ahead."), (refused.Code, refused.Message));
        }

        // A hub window wider than the channel's changes nothing: NHS 111 still books 48 hours ahead at most.
        Assert.Equal("outside-booking-window", Fails(() => BookingRules.CheckCanBook([Slot(Now.AddHours(49))], BookingChannel.Nhs111, Now, Policy, true, [], TimeSpan.FromDays(7))).Code);
    }

    [Fact]
    public void Practices_book_up_to_two_weeks_ahead()
    {
        Book([Slot(Now.AddDays(14))]);
        Assert.Equal("outside-booking-window", Fails(() => Book([Slot(Now.AddDays(14).AddMinutes(1))])).Code);
    }

    [Fact]
    public void Windows_are_configurable()
    {
        var policy = new BookingPolicy();
        policy.Windows[BookingChannel.Practice].MaximumAhead = TimeSpan.FromDays(28);
        BookingRules.CheckCanBook([Slot(Now.AddDays(20))], BookingChannel.Practice, Now, policy, true, []);
    }

    [Fact]
    public void Online_bookings_need_notice()
    {
        Assert.Equal("too-soon", Fails(() => Book([Slot(Now.AddMinutes(30))], BookingChannel.Online)).Code);
        Book([Slot(Now.AddHours(3))], BookingChannel.Online);
    }

    [Fact]
    public void A_hub_that_does_not_serve_the_patients_practice_refuses() =>
        Assert.Equal(DomainErrorKind.Forbidden, Fails(() => Book([Slot(Now.AddDays(1))], served: false)).Kind);

    [Fact]
    public void A_patient_cannot_hold_two_overlapping_appointments()
    {
        var start = Now.AddDays(1);
        Assert.Equal("overlapping-appointment", Fails(() => Book([Slot(start)], held: new HeldAppointment(9, start.AddMinutes(10), start.AddMinutes(25)))).Code);

        // Touching end to start is not an overlap.
        Book([Slot(start)], held: new HeldAppointment(9, start.AddMinutes(15), start.AddMinutes(30)));
        Book([Slot(start)], held: new HeldAppointment(9, start.AddMinutes(-15), start));
    }

    [Fact]
    public void Several_slots_must_be_back_to_back_in_one_session()
    {
        var start = Now.AddDays(1);
        Book([Slot(start, 1), Slot(start.AddMinutes(15), 2)]);
        Assert.Equal("slots-not-adjacent", Fails(() => Book([Slot(start, 1), Slot(start.AddMinutes(30), 2)])).Code);
        Assert.Equal("slots-not-adjacent", Fails(() => Book([Slot(start, 1), Slot(start.AddMinutes(15), 2, session: 2)])).Code);
        Assert.Equal("slots-not-adjacent", Fails(() => Book([Slot(start, 1), Slot(start.AddMinutes(15), 2, clinician: 1)])).Code); // two clinicians' lists
        Book([Slot(start, 1, clinician: 1), Slot(start.AddMinutes(15), 2, clinician: 1)]);
        Assert.Equal("duplicate-slot", Fails(() => Book([Slot(start, 1), Slot(start, 1)])).Code);
        Assert.Equal("no-slot", Fails(() => Book([])).Code);
    }

    [Fact]
    public void Cancelling_frees_the_slot_and_only_before_the_start()
    {
        var slot = new Slot { Id = 1, Status = SlotStatus.Booked, StartUtc = Now.AddDays(1) };
        var appointment = new Appointment { BookedBy = "x", StartUtc = Now.AddDays(1), EndUtc = Now.AddDays(1).AddMinutes(15) };
        appointment.Slots.Add(new AppointmentSlot { Slot = slot, SlotId = 1 });

        appointment.Cancel("Patient request", Now, "hub-clinician");

        Assert.Equal(AppointmentStatus.Cancelled, appointment.Status);
        Assert.Equal("hub-clinician", appointment.CancelledBy);
        Assert.Equal(SlotStatus.Free, slot.Status);
        Assert.False(appointment.Slots[0].IsActive);
        Assert.Equal(2, appointment.Version);
        Assert.Equal("not-booked", Fails(() => appointment.Cancel(null, Now, "hub-clinician")).Code);

        var started = new Appointment { BookedBy = "x", StartUtc = Now.AddMinutes(-1), EndUtc = Now.AddMinutes(14) };
        Assert.Equal("already-started", Fails(() => started.Cancel(null, Now, "hub-clinician")).Code);
    }

    [Fact]
    public void A_refusal_names_the_appointments_state_in_plain_words()
    {
        var missed = new Appointment { BookedBy = "x", StartUtc = Now.AddMinutes(-30), EndUtc = Now.AddMinutes(-15) };
        missed.RecordOutcome(attended: false, Now, "hub-clinician");

        Assert.Equal("This appointment is recorded as did not attend and cannot be cancelled.", Fails(() => missed.Cancel(null, Now, "hub-clinician")).Message); // was "is did not attend"
        Assert.Equal("This appointment is recorded as did not attend and cannot be amended.", Fails(() => missed.Amend(null, null, Now)).Message);
    }

    [Fact]
    public void Attended_and_did_not_attend_only_after_the_start_time()
    {
        var future = new Appointment { BookedBy = "x", StartUtc = Now.AddMinutes(1), EndUtc = Now.AddMinutes(16) };
        Assert.Equal("not-started", Fails(() => future.RecordOutcome(attended: true, Now, "hub-clinician")).Code);

        var past = new Appointment { BookedBy = "x", StartUtc = Now.AddMinutes(-1), EndUtc = Now.AddMinutes(14) };
        past.RecordOutcome(attended: false, Now, "hub-clinician");
        Assert.Equal(AppointmentStatus.DidNotAttend, past.Status);
        Assert.Equal("hub-clinician", past.OutcomeRecordedBy);

        // A mistaken DNA can be corrected to attended; the history names who corrected it.
        past.RecordOutcome(attended: true, Now.AddMinutes(5), "second-clinician");
        Assert.Equal(AppointmentStatus.Attended, past.Status);
        Assert.Equal("second-clinician", past.OutcomeRecordedBy);
        Assert.Equal(Now.AddMinutes(5), past.OutcomeRecordedUtc);

        var cancelled = new Appointment { BookedBy = "x", StartUtc = Now.AddMinutes(-1), Status = AppointmentStatus.Cancelled };
        Assert.Equal("cancelled", Fails(() => cancelled.RecordOutcome(true, Now, "hub-clinician")).Code);
    }
}
