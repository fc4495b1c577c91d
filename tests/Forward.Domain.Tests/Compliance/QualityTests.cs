using Forward.Domain.Booking;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

public class QualityTests
{
    // Monday 1 to Sunday 14 June 2026: two weeks, no bank holiday, British Summer Time.
    private static readonly DateRange Fortnight = Range("2026-06-01", "2026-06-14");

    /// <summary>Ten offered 15-minute slots on Tuesday 2 June evening and two withdrawn ones.</summary>
    private static IEnumerable<OfferedSlot> TenOffered() =>
        Block(1, "2026-06-02", "18:30", 10, 15).Concat(Block(1, "2026-06-02", "21:00", 2, 15, status: SlotStatus.Withdrawn));

    private static DateTime Evening(int slot = 0) => At("2026-06-02", "18:30").AddMinutes(15 * slot);

    private static List<BookedAppointment> Mixed() =>
    [
        Appointment(1, 1, Evening(0), AppointmentStatus.Booked, BookingChannel.Practice, DeliveryMode.FaceToFace),
        Appointment(2, 1, Evening(1), AppointmentStatus.Booked, BookingChannel.Nhs111, DeliveryMode.Telephone),
        Appointment(3, 1, Evening(2), AppointmentStatus.Booked, BookingChannel.Hub, DeliveryMode.Video),
        Appointment(4, 1, Evening(3), AppointmentStatus.Attended, BookingChannel.Practice, DeliveryMode.FaceToFace),
        Appointment(5, 1, Evening(4), AppointmentStatus.Attended, BookingChannel.Online, DeliveryMode.Telephone),
        Appointment(6, 1, Evening(5), AppointmentStatus.DidNotAttend, BookingChannel.Practice, DeliveryMode.FaceToFace),
        Appointment(7, 1, Evening(6), AppointmentStatus.Cancelled, BookingChannel.Nhs111, DeliveryMode.Telephone),
        Appointment(8, 1, Evening(7), AppointmentStatus.Cancelled, BookingChannel.Practice, DeliveryMode.FaceToFace),
    ];

    private static ComplianceFigures Figures(IEnumerable<BookedAppointment> appointments, int listSize = 1_000) =>
        Ledger(Fortnight, [Practice(1, listSize)], [Serves(1, 1)], TenOffered(), appointments).Overall();

    [Fact]
    public void Utilisation_is_slots_held_by_live_appointments_over_offered_slots()
    {
        var figures = Figures(Mixed());

        Assert.Equal(10m, figures.Totals.OfferedSlots);
        Assert.Equal(6, figures.Totals.UsedSlots);
        Assert.Equal(0.6m, figures.Utilisation);
    }

    [Fact]
    public void A_double_appointment_uses_two_slots()
    {
        var figures = Figures([Appointment(1, 1, Evening(), slotCount: 2)]);

        Assert.Equal(0.2m, figures.Utilisation);
    }

    [Fact]
    public void Dna_rate_is_over_appointments_with_an_outcome_only()
    {
        Assert.Equal(1m / 3m, Figures(Mixed()).DnaRate);
        Assert.Null(Figures([Appointment(1, 1, Evening())]).DnaRate);
    }

    [Fact]
    public void Cancellations_are_counted_and_rated_over_all_appointments()
    {
        var figures = Figures(Mixed());

        Assert.Equal(2, figures.Totals.Cancelled);
        Assert.Equal(0.25m, figures.CancellationRate);
    }

    [Fact]
    public void Same_day_means_booked_on_the_london_date_of_the_appointment()
    {
        // 23:30 UTC on 1 June is 00:30 BST on 2 June: same day. 22:30 UTC on 1 June is still 1 June in London.
        var sameDay = Appointment(1, 1, Evening(0), created: Utc("2026-06-01 23:30"));
        var preBooked = Appointment(2, 1, Evening(1), created: Utc("2026-06-01 22:30"));
        var late = Appointment(3, 1, Evening(2), created: Evening(4));

        var figures = Figures([sameDay, preBooked, late]);

        Assert.Equal((2, 1), (figures.Totals.SameDay, figures.Totals.PreBooked));
        Assert.Equal(2m / 3m, figures.SameDayShare);
    }

    [Fact]
    public void Remote_is_telephone_and_video_among_appointments_not_cancelled()
    {
        var figures = Figures(Mixed());

        Assert.Equal((3, 3), (figures.Totals.Remote, figures.Totals.FaceToFace));
        Assert.Equal(0.5m, figures.RemoteShare);
    }

    [Fact]
    public void Channel_mix_covers_every_booking()
    {
        var figures = Figures(Mixed());

        Assert.Equal(0.5m, figures.ChannelShare(BookingChannel.Practice));
        Assert.Equal(0.25m, figures.ChannelShare(BookingChannel.Nhs111));
        Assert.Equal(0.125m, figures.ChannelShare(BookingChannel.Hub));
        Assert.Equal(0.125m, figures.ChannelShare(BookingChannel.Online));
        Assert.Equal(1m, Enum.GetValues<BookingChannel>().Sum(c => figures.ChannelShare(c)!.Value));
    }

    [Fact]
    public void Appointments_per_thousand_and_consultations_are_per_week()
    {
        // Six appointments not cancelled, 2,000 patients, two weeks: 6 / 2 / 2 = 1.5. Five booked or attended: 2.5 a week.
        var figures = Figures(Mixed(), listSize: 2_000);

        Assert.Equal(1.5m, figures.AppointmentsPer1000PerWeek);
        Assert.Equal(2.5m, figures.ConsultationsPerWeek);
    }

    [Fact]
    public void With_no_appointments_the_rates_are_not_applicable_rather_than_zero()
    {
        var figures = Figures([]);

        Assert.Equal(0m, figures.Utilisation);
        Assert.Null(figures.DnaRate);
        Assert.Null(figures.CancellationRate);
        Assert.Null(figures.SameDayShare);
        Assert.Null(figures.RemoteShare);
        Assert.Null(figures.ChannelShare(BookingChannel.Practice));
        Assert.Equal(0m, figures.AppointmentsPer1000PerWeek);
    }

    [Fact]
    public void Appointments_belong_to_the_range_by_their_london_start_date()
    {
        // 23:30 UTC on 31 May is 00:30 BST on 1 June; 23:30 UTC on 14 June is 15 June in London.
        var inRange = Appointment(1, 1, Utc("2026-05-31 23:30"));
        var after = Appointment(2, 1, Utc("2026-06-14 23:30"));

        Assert.Equal(1, Figures([inRange]).Totals.Appointments);
        Assert.Equal(0, Figures([after]).Totals.Appointments);
    }

    [Fact]
    public void Utilisation_by_practice_is_against_its_apportioned_share_of_slots()
    {
        // Practices 1 (3,000) and 2 (1,000) share eight slots: 6 and 2 offered. Each uses three.
        var appointments = Enumerable.Range(0, 6).Select(i => Appointment(i, i < 3 ? 1 : 2, Evening(i))).ToList();
        var ledger = Ledger(Fortnight, [Practice(1, 3_000), Practice(2, 1_000)], [Serves(1, 1, 2)], Block(1, "2026-06-02", "18:30", 8, 15), appointments);

        Assert.Equal(0.5m, ledger.Figures(ledger.Practice(1).Totals).Utilisation);
        Assert.Equal(1.5m, ledger.Figures(ledger.Practice(2).Totals).Utilisation);
        Assert.Equal(0.75m, ledger.Overall().Utilisation);
    }

    [Fact]
    public void An_appointment_for_a_practice_missing_from_the_input_is_refused() =>
        Assert.Throws<ArgumentException>(() => Figures([Appointment(1, 99, Evening())]));

    [Fact]
    public void Drilling_below_a_practice_gives_its_hub_and_session_parts()
    {
        var appointments = new[]
        {
            Appointment(1, 1, Evening(0), hub: 1, session: 1),
            Appointment(2, 1, Evening(1), hub: 1, session: 1),
            Appointment(3, 1, Evening(0), hub: 2, session: 5),
        };
        var slots = Block(1, "2026-06-02", "18:30", 4, 15).Concat(Block(2, "2026-06-02", "18:30", 2, 15, session: 5));
        var ledger = Ledger(Fortnight, [Practice(1, 1_000)], [Serves(1, 1), Serves(2, 1)], slots, appointments);

        var entries = ledger.EntriesFor(1);
        var byHub = ComplianceLedger.TotalsBy(entries, e => e.HubId);

        Assert.Equal([(1, 1), (2, 5)], entries.Select(e => (e.HubId, e.SessionId)));
        Assert.Equal((2, 4m), (byHub[1].Appointments, byHub[1].OfferedSlots));
        Assert.Equal((1, 2m), (byHub[2].Appointments, byHub[2].OfferedSlots));
        Assert.Equal(ledger.Practice(1).Totals with { Population = 0, EveningAssessedPopulation = 0, EveningCoveredPopulation = 0, WeekendAssessedPopulation = 0, WeekendCoveredPopulation = 0, FullyAssessedPopulation = 0, FullyCoveredPopulation = 0 }, ComplianceTotals.Sum(entries.Select(e => e.Parts)));
    }
}
