using System.Globalization;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;

namespace Forward.Domain.Tests.Hubs;

/// <summary>Which booked slots a session, as it now is, no longer plans (so their patients must be contacted).</summary>
public class RotaCheckTests
{
    private static readonly BankHolidayCalendar Holidays = BankHolidayCalendar.England;

    private static Session Evening() => SlotGeneratorTests.Evening();

    private static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The slots the session plans on a date, as stored and booked (ids 1, 2, ...).</summary>
    private static List<StoredSlot> BookedOn(Session session, string date) =>
        SlotGenerator.Generate(session, D(date), D(date), Holidays)
            .Select((p, i) => new StoredSlot(i + 1, p.Key, p.EndUtc, p.Role, p.Mode, SlotStatus.Booked))
            .ToList();

    [Fact]
    public void Slots_the_rota_still_plans_as_booked_are_on_it()
    {
        var session = Evening();
        Assert.Empty(RotaCheck.NotPlanned(session, BookedOn(session, "2026-06-09"), Holidays));
        Assert.Empty(RotaCheck.NotPlanned(session, [], Holidays));
    }

    [Fact]
    public void A_closed_date_a_stopped_session_or_an_earlier_end_leaves_the_days_bookings_out()
    {
        var session = Evening();
        var tuesday = BookedOn(session, "2026-06-09");
        var wednesday = BookedOn(session, "2026-06-10").Select(s => s with { Id = s.Id + 100 }).ToList();
        var all = tuesday.Concat(wednesday).ToList();

        session.Overrides.Add(new SessionOverride { SessionId = session.Id, Date = D("2026-06-09"), Kind = SessionOverrideKind.Closed });
        Assert.Equal(tuesday.Select(s => s.Id).ToHashSet(), RotaCheck.NotPlanned(session, all, Holidays));

        session.Overrides.Clear();
        session.ValidUntil = D("2026-06-09");
        Assert.Equal(wednesday.Select(s => s.Id).ToHashSet(), RotaCheck.NotPlanned(session, all, Holidays));

        session.ValidUntil = null;
        session.IsActive = false;
        Assert.Equal(all.Select(s => s.Id).ToHashSet(), RotaCheck.NotPlanned(session, all, Holidays));
    }

    [Fact]
    public void A_booking_kept_with_a_type_or_length_the_session_no_longer_offers_is_left_out()
    {
        var session = Evening();
        var booked = BookedOn(session, "2026-06-09");

        session.Mode = DeliveryMode.Telephone;
        Assert.Equal(booked.Count, RotaCheck.NotPlanned(session, booked, Holidays).Count);

        session.Mode = DeliveryMode.FaceToFace;
        session.SlotMinutes = 30; // 18:30 and 19:00 keep their keys but not their length; the others' starts are gone
        Assert.Equal(booked.Count, RotaCheck.NotPlanned(session, booked, Holidays).Count);
    }

    [Fact]
    public void A_late_slot_is_judged_by_its_london_date_not_its_utc_one()
    {
        // 23:45 on Monday 8 June in London is 22:45 UTC; the session runs on Mondays only, to midnight.
        var late = Evening();
        late.StartTime = new TimeOnly(22, 0);
        late.EndTime = new TimeOnly(0, 0);
        late.Days = SessionDays.Monday;
        var booked = BookedOn(late, "2026-06-08");
        Assert.Equal(new DateTime(2026, 6, 8, 22, 45, 0, DateTimeKind.Utc), booked[^1].Key.StartUtc);

        Assert.Empty(RotaCheck.NotPlanned(late, booked, Holidays));
        late.Overrides.Add(new SessionOverride { SessionId = late.Id, Date = D("2026-06-08"), Kind = SessionOverrideKind.Closed });
        Assert.Equal(booked.Count, RotaCheck.NotPlanned(late, booked, Holidays).Count);
    }

    [Fact]
    public void An_appointment_of_several_slots_is_on_the_rota_while_the_session_plans_its_time_as_slots_end_to_end()
    {
        var session = Evening(); // 15-minute slots from 18:30
        var booked = BookedOn(session, "2026-06-09").Take(3).ToList(); // 18:30, 18:45, 19:00
        var appointment = booked.Take(2).ToList(); // one appointment of 18:30 to 19:00

        Assert.True(RotaCheck.PlansTogether(session, appointment, Holidays));

        session.SlotMinutes = 30; // 18:30 to 19:00 is one slot now: neither booked slot is planned, the appointment is
        Assert.Equal(2, RotaCheck.NotPlanned(session, appointment, Holidays).Count);
        Assert.True(RotaCheck.PlansTogether(session, appointment, Holidays));

        session.SlotMinutes = 5; // six slots end to end make the same time
        Assert.True(RotaCheck.PlansTogether(session, appointment, Holidays));

        session.SlotMinutes = 20; // 18:30 to 18:50 and 18:50 to 19:10: the appointment's end falls inside a slot
        Assert.False(RotaCheck.PlansTogether(session, appointment, Holidays));

        session.SlotMinutes = 30;
        session.Mode = DeliveryMode.Telephone; // the time is planned, but for another type of appointment
        Assert.False(RotaCheck.PlansTogether(session, appointment, Holidays));

        session.Mode = DeliveryMode.FaceToFace;
        session.Overrides.Add(new SessionOverride { SessionId = session.Id, Date = D("2026-06-09"), Kind = SessionOverrideKind.Closed });
        Assert.False(RotaCheck.PlansTogether(session, appointment, Holidays));

        session.Overrides.Clear();
        Assert.False(RotaCheck.PlansTogether(session, [booked[0], booked[2]], Holidays)); // not end to end
        Assert.False(RotaCheck.PlansTogether(session, [], Holidays));
    }
}
