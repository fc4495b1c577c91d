using System.Globalization;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;

namespace Forward.Domain.Tests.Hubs;

public class SlotGeneratorTests
{
    private static readonly BankHolidayCalendar Holidays = BankHolidayCalendar.England;

    internal static Session Evening(SessionDays days = SessionDays.Weekdays, int slotMinutes = 15, int clinicians = 1) => new()
    {
        Id = 7,
        HubId = 3,
        Name = "Evening GP clinic",
        Days = days,
        StartTime = new TimeOnly(18, 30),
        EndTime = new TimeOnly(20, 0),
        Role = ClinicianRole.GeneralPractitioner,
        Mode = DeliveryMode.FaceToFace,
        SlotMinutes = slotMinutes,
        Clinicians = clinicians,
        ValidFrom = new DateOnly(2026, 1, 1),
    };

    private static DateOnly D(string s) => DateOnly.Parse(s, CultureInfo.InvariantCulture);

    private static DateTime Utc(string s) => DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture), DateTimeKind.Utc);

    [Fact]
    public void An_evening_session_makes_back_to_back_slots_in_wall_clock_time()
    {
        var slots = SlotGenerator.Generate(Evening(), D("2026-01-12"), D("2026-01-12"), Holidays).ToList();

        Assert.Equal(6, slots.Count); // 90 minutes / 15
        Assert.Equal(Utc("2026-01-12 18:30"), slots[0].StartUtc); // GMT: wall clock = UTC
        Assert.Equal(Utc("2026-01-12 20:00"), slots[^1].EndUtc);
        Assert.All(slots.Zip(slots.Skip(1)), p => Assert.Equal(p.First.EndUtc, p.Second.StartUtc));
    }

    [Fact]
    public void Across_the_march_clock_change_the_evening_stays_at_half_past_six_local()
    {
        // Clocks go forward on Sunday 29 March 2026: the Friday before is GMT, the Monday after is BST.
        var session = Evening(SessionDays.Weekdays);
        var slots = SlotGenerator.Generate(session, D("2026-03-27"), D("2026-03-30"), Holidays).ToList();

        var friday = slots.Where(s => s.StartUtc.Date == new DateTime(2026, 3, 27)).ToList();
        var monday = slots.Where(s => s.StartUtc.Date == new DateTime(2026, 3, 30)).ToList();
        Assert.Equal(Utc("2026-03-27 18:30"), friday[0].StartUtc);
        Assert.Equal(Utc("2026-03-30 17:30"), monday[0].StartUtc); // 18:30 BST
        Assert.Equal(12, slots.Count); // no weekend slots, six each weekday
    }

    [Fact]
    public void A_night_session_loses_an_hour_in_march_and_gains_one_in_october()
    {
        var night = new Session
        {
            Id = 1,
            HubId = 1,
            Name = "Overnight",
            Days = SessionDays.Weekends | SessionDays.Weekdays | SessionDays.BankHolidays,
            StartTime = new TimeOnly(0, 0),
            EndTime = new TimeOnly(6, 0),
            Role = ClinicianRole.GeneralPractitioner,
            Mode = DeliveryMode.Telephone,
            SlotMinutes = 30,
            ValidFrom = new DateOnly(2026, 1, 1),
        };

        var march = SlotGenerator.Generate(night, D("2026-03-29"), D("2026-03-29"), Holidays).ToList();
        var october = SlotGenerator.Generate(night, D("2026-10-25"), D("2026-10-25"), Holidays).ToList();
        var ordinary = SlotGenerator.Generate(night, D("2026-03-22"), D("2026-03-22"), Holidays).ToList();

        Assert.Equal(12, ordinary.Count);
        Assert.Equal(10, march.Count); // 00:00 GMT to 06:00 BST is five real hours
        Assert.Equal(14, october.Count); // 00:00 BST to 06:00 GMT is seven real hours
        Assert.Equal(october.Count, october.Select(s => s.StartUtc).Distinct().Count());
        Assert.All(october.Zip(october.Skip(1)), p => Assert.Equal(p.First.EndUtc, p.Second.StartUtc));
    }

    [Theory]
    [InlineData("2026-08-31")] // the summer bank holiday
    [InlineData("2031-04-14")] // Easter Monday in a year the bank holiday file does not list yet
    public void A_weekday_session_does_not_run_on_a_bank_holiday_unless_it_says_so(string holiday)
    {
        var weekdaysOnly = SlotGenerator.Generate(Evening(SessionDays.Weekdays), D(holiday), D(holiday), Holidays);
        var withHolidays = SlotGenerator.Generate(Evening(SessionDays.Weekends | SessionDays.BankHolidays), D(holiday), D(holiday), Holidays);

        Assert.Empty(weekdaysOnly);
        Assert.Equal(6, withHolidays.Count());
    }

    [Fact]
    public void Closed_dates_and_extra_sessions_override_the_pattern()
    {
        var session = Evening(SessionDays.Monday);
        session.Overrides.Add(new SessionOverride { Date = D("2026-01-12"), Kind = SessionOverrideKind.Closed, Reason = "Training" });
        session.Overrides.Add(new SessionOverride { Date = D("2026-01-14"), Kind = SessionOverrideKind.Extra });

        var slots = SlotGenerator.Generate(session, D("2026-01-12"), D("2026-01-19"), Holidays).ToList();

        Assert.DoesNotContain(slots, s => s.StartUtc.Date == new DateTime(2026, 1, 12));
        Assert.Equal(6, slots.Count(s => s.StartUtc.Date == new DateTime(2026, 1, 14)));
        Assert.Equal(6, slots.Count(s => s.StartUtc.Date == new DateTime(2026, 1, 19)));
    }

    [Fact]
    public void Parallel_clinicians_each_get_their_own_slots_and_partial_slots_are_dropped()
    {
        var session = Evening(slotMinutes: 20, clinicians: 2);
        var slots = SlotGenerator.Generate(session, D("2026-01-12"), D("2026-01-12"), Holidays).ToList();

        Assert.Equal(8, slots.Count); // 90 / 20 = 4 whole slots each
        Assert.Equal(2, slots.Select(s => s.ClinicianIndex).Distinct().Count());
        Assert.All(slots, s => Assert.True(s.EndUtc <= Utc("2026-01-12 20:00")));
    }

    [Fact]
    public void Sessions_outside_their_validity_or_inactive_make_nothing()
    {
        var session = Evening();
        session.ValidFrom = D("2026-02-01");
        session.ValidUntil = D("2026-02-28");
        Assert.Empty(SlotGenerator.Generate(session, D("2026-01-01"), D("2026-01-31"), Holidays));
        Assert.Empty(SlotGenerator.Generate(session, D("2026-03-01"), D("2026-03-31"), Holidays));
        session.IsActive = false;
        Assert.Empty(SlotGenerator.Generate(session, D("2026-02-01"), D("2026-02-28"), Holidays));
    }

    [Fact]
    public void Reconciling_adds_only_new_slots_withdraws_unplanned_free_ones_and_never_touches_booked_ones()
    {
        var session = Evening();
        var planned = SlotGenerator.Generate(session, D("2026-01-12"), D("2026-01-12"), Holidays).ToList();
        var existing = new List<StoredSlot>
        {
            Stored(1, planned[0].Key, SlotStatus.Booked),
            Stored(2, planned[1].Key, SlotStatus.Free),
            Stored(3, planned[2].Key, SlotStatus.Withdrawn),
            Stored(4, new SlotKey(session.Id, 0, Utc("2026-01-12 21:00")), SlotStatus.Free),
            Stored(5, new SlotKey(session.Id, 0, Utc("2026-01-12 21:15")), SlotStatus.Booked),
        };

        var result = SlotReconciler.Reconcile(planned, existing, Utc("2026-01-12 09:00"));

        Assert.Equal(3, result.ToAdd.Count);
        Assert.Equal([4L], result.ToWithdraw);
        Assert.Equal([3L], result.ToRestore);

        // Second pass, as if the first result had been applied: nothing more to do.
        var applied = planned.Select((p, i) => Stored(10 + i, p.Key, i == 0 ? SlotStatus.Booked : SlotStatus.Free));
        var again = SlotReconciler.Reconcile(planned, applied, Utc("2026-01-12 09:00"));
        Assert.Empty(again.ToAdd);
        Assert.Empty(again.ToWithdraw);
        Assert.Empty(again.ToRestore);
    }

    [Theory]
    [InlineData(20, "18:30")] // slot length 15 → 20 minutes
    [InlineData(15, "18:40")] // start 18:30 → 18:40
    [InlineData(10, "18:30")] // slot length 15 → 10 minutes
    public void A_changed_rota_offers_no_slot_across_a_booked_one_of_the_same_clinician(int slotMinutes, string start)
    {
        // Stored: 15-minute slots from 18:30 for two clinicians; clinician 0's 18:45–19:00 is booked, and its 18:30 was
        // withdrawn by an earlier change (at 20 minutes it is planned again, 18:30–18:50, across the booking).
        var before = SlotGenerator.Generate(Evening(clinicians: 2), D("2026-01-12"), D("2026-01-12"), Holidays).ToList();
        var booked = before.Single(p => p.ClinicianIndex == 0 && p.StartUtc == Utc("2026-01-12 18:45"));
        var withdrawn = before.Single(p => p.ClinicianIndex == 0 && p.StartUtc == Utc("2026-01-12 18:30"));
        var stored = before.Select((p, i) => new StoredSlot(
                i + 1,
                p.Key,
                p.EndUtc,
                p.Role,
                p.Mode,
                p == booked ? SlotStatus.Booked : p == withdrawn ? SlotStatus.Withdrawn : SlotStatus.Free))
            .ToList();
        var changed = Evening(clinicians: 2, slotMinutes: slotMinutes);
        changed.StartTime = TimeOnly.Parse(start, CultureInfo.InvariantCulture);
        var planned = SlotGenerator.Generate(changed, D("2026-01-12"), D("2026-01-12"), Holidays).ToList();

        var result = SlotReconciler.Reconcile(planned, stored, Utc("2026-01-12 09:00"));

        // What is offered afterwards: planned slots kept, restored or added, never stored ones withdrawn.
        var byKey = stored.ToDictionary(s => s.Key);
        var offered = planned.Where(p => byKey.TryGetValue(p.Key, out var s)
                ? s.Status == SlotStatus.Free && !result.ToWithdraw.Contains(s.Id) || result.ToRestore.Contains(s.Id)
                : result.ToAdd.Contains(p))
            .ToList();
        bool Overlaps(PlannedSlot p) => p.ClinicianIndex == 0 && p.Key != booked.Key && p.StartUtc < booked.EndUtc && booked.StartUtc < p.EndUtc;
        Assert.DoesNotContain(offered, Overlaps);
        Assert.DoesNotContain(booked.Key, result.ToAdd.Select(p => p.Key));

        // Everything else planned is offered: the other clinician's slots all, and clinician 0's away from the booking.
        Assert.Equal(planned.Count(p => !Overlaps(p) && p.Key != booked.Key), offered.Count(p => p.Key != booked.Key));
    }

    [Fact]
    public void A_change_made_once_a_session_has_started_leaves_its_started_slots_but_still_avoids_its_bookings()
    {
        // 18:47: the 18:30 slot has run, 18:45–19:00 is booked and under way; the slot length becomes 20 minutes.
        var before = SlotGenerator.Generate(Evening(), D("2026-01-12"), D("2026-01-12"), Holidays).ToList();
        var booked = before.Single(p => p.StartUtc == Utc("2026-01-12 18:45"));
        var stored = before.Select((p, i) => new StoredSlot(i + 1, p.Key, p.EndUtc, p.Role, p.Mode, p == booked ? SlotStatus.Booked : SlotStatus.Free)).ToList();
        var planned = SlotGenerator.Generate(Evening(slotMinutes: 20), D("2026-01-12"), D("2026-01-12"), Holidays).ToList();

        var result = SlotReconciler.Reconcile(planned, stored, Utc("2026-01-12 18:47"));

        Assert.DoesNotContain(1L, result.ToWithdraw); // 18:30 has started: left as offered
        Assert.DoesNotContain(result.ToAdd, p => p.StartUtc < booked.EndUtc && booked.StartUtc < p.EndUtc); // 18:50–19:10 crosses the booking
        Assert.Contains(result.ToAdd, p => p.StartUtc == Utc("2026-01-12 19:10"));
    }

    [Fact]
    public void A_change_made_once_a_session_has_started_adds_and_withdraws_only_slots_still_to_come()
    {
        // 18:47, nothing booked: the session now starts at 18:35. 18:35 is a new slot but has already started.
        var stored = SlotGenerator.Generate(Evening(), D("2026-01-12"), D("2026-01-12"), Holidays)
            .Select((p, i) => new StoredSlot(i + 1, p.Key, p.EndUtc, p.Role, p.Mode, SlotStatus.Free)).ToList();
        var changed = Evening();
        changed.StartTime = new TimeOnly(18, 35);
        var planned = SlotGenerator.Generate(changed, D("2026-01-12"), D("2026-01-12"), Holidays).ToList();

        var result = SlotReconciler.Reconcile(planned, stored, Utc("2026-01-12 18:47"));

        Assert.Equal([Utc("2026-01-12 18:50"), Utc("2026-01-12 19:05"), Utc("2026-01-12 19:20"), Utc("2026-01-12 19:35")], result.ToAdd.Select(p => p.StartUtc));
        var withdrawn = stored.Where(s => result.ToWithdraw.Contains(s.Id)).Select(s => s.Key.StartUtc).ToList();
        Assert.Equal([Utc("2026-01-12 19:00"), Utc("2026-01-12 19:15"), Utc("2026-01-12 19:30"), Utc("2026-01-12 19:45")], withdrawn.Order());
    }

    [Fact]
    public void A_booking_cancelled_after_a_change_of_slot_length_frees_its_slot_in_the_new_length()
    {
        // 30-minute slots became 15: the booked 19:00–19:30 kept its length and kept 19:15 from being laid across it.
        // Now it is cancelled, and its slot is free again, still 19:00–19:30.
        var planned = SlotGenerator.Generate(Evening(slotMinutes: 15), D("2026-01-12"), D("2026-01-12"), Holidays).ToList();
        var stored = planned.Where(p => p.StartUtc != Utc("2026-01-12 19:15"))
            .Select((p, i) => new StoredSlot(i + 1, p.Key, p.StartUtc == Utc("2026-01-12 19:00") ? Utc("2026-01-12 19:30") : p.EndUtc, p.Role, p.Mode, SlotStatus.Free))
            .ToList();
        var freed = stored.Single(s => s.Key.StartUtc == Utc("2026-01-12 19:00"));

        var result = SlotReconciler.Reconcile(planned, stored, Utc("2026-01-12 09:00"));

        Assert.Equal([new SlotReshape(freed.Id, planned.Single(p => p.Key == freed.Key))], result.ToReshape);
        Assert.Equal([Utc("2026-01-12 19:15")], result.ToAdd.Select(p => p.StartUtc));
        Assert.Empty(result.ToWithdraw);
    }

    [Fact]
    public void A_withdrawn_slot_comes_back_in_the_session_s_new_role_and_mode_and_stays_as_it_was_while_withdrawn()
    {
        var before = SlotGenerator.Generate(Evening(), D("2026-01-12"), D("2026-01-12"), Holidays).ToList();
        var stored = before.Select((p, i) => new StoredSlot(i + 1, p.Key, p.EndUtc, p.Role, p.Mode, i == 0 ? SlotStatus.Withdrawn : SlotStatus.Free)).ToList();
        var nurseByVideo = Evening();
        nurseByVideo.Role = ClinicianRole.PracticeNurse;
        nurseByVideo.Mode = DeliveryMode.Video;
        var planned = SlotGenerator.Generate(nurseByVideo, D("2026-01-12"), D("2026-01-12"), Holidays).ToList();

        var restored = SlotReconciler.Reconcile(planned, stored, Utc("2026-01-12 09:00"));
        Assert.Equal(stored.Select(s => s.Id), restored.ToReshape.Select(r => r.SlotId).Order());
        Assert.All(restored.ToReshape, r => Assert.Equal((ClinicianRole.PracticeNurse, DeliveryMode.Video), (r.Plan.Role, r.Plan.Mode)));

        // The same date closed instead: nothing is planned, the free slots are withdrawn, none is reshaped.
        var closed = SlotReconciler.Reconcile([], stored, Utc("2026-01-12 09:00"));
        Assert.Empty(closed.ToReshape);
        Assert.Equal(stored.Count - 1, closed.ToWithdraw.Count);
    }

    private static Session Night(string start, string end, int slotMinutes, SessionDays days, string from, string? until) => new()
    {
        Id = 9,
        HubId = 3,
        Name = "Night clinic",
        Days = days,
        StartTime = TimeOnly.Parse(start, CultureInfo.InvariantCulture),
        EndTime = TimeOnly.Parse(end, CultureInfo.InvariantCulture),
        Role = ClinicianRole.GeneralPractitioner,
        Mode = DeliveryMode.Telephone,
        SlotMinutes = slotMinutes,
        ValidFrom = D(from),
        ValidUntil = until is null ? null : D(until),
    };

    [Fact]
    public void A_session_wholly_in_the_hour_the_clocks_skip_offers_no_slot_and_is_said_to()
    {
        // Clocks go forward at 01:00 on Sunday 28 March 2027: 01:00–02:00 that night is no time at all.
        var once = Night("01:00", "02:00", 30, SessionDays.Sunday, "2027-03-28", "2027-03-28");

        Assert.Empty(SlotGenerator.Generate(once, D("2027-03-28"), D("2027-03-28"), Holidays));
        Assert.False(SlotGenerator.HoldsASlot(once, D("2027-03-28")));
        Assert.True(SlotGenerator.HoldsASlot(once, D("2027-03-21")));
        Assert.True(SlotGenerator.OffersNoSlot(once, Holidays));
        Assert.Equal([D("2027-03-28")], SlotGenerator.DatesWithNoSlot(once, once.ValidFrom, once.ValidUntil!.Value, Holidays));
    }

    [Fact]
    public void A_weekly_session_whose_dates_include_the_clock_change_offers_slots_on_the_others_and_names_that_one()
    {
        var weekly = Night("01:00", "02:00", 30, SessionDays.Sunday, "2027-03-21", "2027-04-04");

        Assert.False(SlotGenerator.OffersNoSlot(weekly, Holidays));
        Assert.Equal([D("2027-03-28")], SlotGenerator.DatesWithNoSlot(weekly, weekly.ValidFrom, weekly.ValidUntil!.Value, Holidays));
        Assert.Equal(4, SlotGenerator.Generate(weekly, weekly.ValidFrom, weekly.ValidUntil!.Value, Holidays).Count()); // 21 March and 4 April, two each

        // Closed on the other Sundays, it offers nothing at all; with no end date it always has later Sundays.
        weekly.Overrides.Add(new SessionOverride { Date = D("2027-03-21"), Kind = SessionOverrideKind.Closed });
        weekly.Overrides.Add(new SessionOverride { Date = D("2027-04-04"), Kind = SessionOverrideKind.Closed });
        Assert.True(SlotGenerator.OffersNoSlot(weekly, Holidays));
        weekly.ValidUntil = null;
        Assert.False(SlotGenerator.OffersNoSlot(weekly, Holidays));

        // Every year's clock change, to the last date asked about.
        Assert.Equal([D("2027-03-28"), D("2028-03-26"), D("2029-03-25"), D("2030-03-31")], SlotGenerator.DatesWithNoSlot(weekly, D("2026-06-08"), D("2030-12-31"), Holidays));
    }

    [Theory]
    [InlineData("00:30", "01:30", 30, true)] // 00:30–01:00 GMT happens: one slot
    [InlineData("00:45", "01:45", 60, false)] // a quarter of an hour happens: too short for the hour's slot
    [InlineData("01:30", "03:00", 30, true)] // 02:00–03:00 BST happens: two slots
    [InlineData("01:00", "02:00", 5, false)]
    [InlineData("23:00", "00:00", 60, true)] // that evening, long after the change
    public void On_the_night_the_clocks_go_forward_only_times_that_leave_room_for_a_slot_hold_one(string start, string end, int slotMinutes, bool holds)
    {
        var session = Night(start, end, slotMinutes, SessionDays.Sunday | SessionDays.Saturday, "2027-03-27", "2027-03-28");
        Assert.Equal(holds, SlotGenerator.HoldsASlot(session, D("2027-03-28")));
        Assert.Equal(holds, SlotGenerator.Generate(session, D("2027-03-28"), D("2027-03-28"), Holidays).Any());
        Assert.False(SlotGenerator.OffersNoSlot(session, Holidays)); // the Saturday before holds slots
    }

    [Fact]
    public void An_evening_session_loses_no_date_to_the_clocks_in_a_century()
    {
        Assert.Empty(SlotGenerator.DatesWithNoSlot(Evening(SessionDays.Weekdays | SessionDays.Weekends | SessionDays.BankHolidays), D("2000-01-01"), D("2099-12-31"), Holidays));
        Assert.Empty(SlotGenerator.DatesWithNoSlot(Night("01:00", "02:00", 30, SessionDays.Weekdays | SessionDays.Saturday, "2000-01-01", null), D("2000-01-01"), D("2099-12-31"), Holidays)); // never on a Sunday
    }

    private static StoredSlot Stored(long id, SlotKey key, SlotStatus status) => new(id, key, key.StartUtc.AddMinutes(15), ClinicianRole.GeneralPractitioner, DeliveryMode.FaceToFace, status);

    [Theory]
    [InlineData("", SessionDays.Monday, "18:30", "20:00", 15, "Name")]
    [InlineData("Evening", SessionDays.None, "18:30", "20:00", 15, "Days")]
    [InlineData("Evening", SessionDays.Monday, "20:00", "18:30", 15, "EndTime")]
    [InlineData("Evening", SessionDays.Monday, "18:30", "18:40", 15, "SlotMinutes")]
    [InlineData("Evening", SessionDays.Monday, "18:30", "20:00", 2, "SlotMinutes")]
    [InlineData("Evening", SessionDays.Monday, "18:00:30", "20:00", 15, "StartTime")]
    [InlineData("Evening", SessionDays.Monday, "18:00", "19:59:59.5", 15, "EndTime")]
    public void Session_validation_names_the_field_at_fault(string name, SessionDays days, string start, string end, int slot, string field)
    {
        var errors = Session.Validate(name, days, TimeOnly.Parse(start, CultureInfo.InvariantCulture), TimeOnly.Parse(end, CultureInfo.InvariantCulture), slot, 1, D("2026-01-01"), null);
        Assert.True(errors.ContainsKey(field), string.Join("; ", errors));
    }

    [Fact]
    public void A_session_ending_at_midnight_is_valid()
    {
        Assert.Empty(Session.Validate("Late", SessionDays.Monday, new TimeOnly(22, 0), TimeOnly.MinValue, 30, 1, D("2026-01-01"), null));
    }
}
