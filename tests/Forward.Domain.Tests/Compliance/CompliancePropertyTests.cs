using Forward.Domain.Booking;
using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

/// <summary>
/// Random practices (some with no patients), random hubs serving random subsets of them (some serving nobody, one
/// hub in no coverage list at all), random slots and appointments around a random range in 2026 (so clock changes and
/// bank holidays turn up), and a random PCN → CCG hierarchy.
/// </summary>
public sealed record ComplianceScenario(
    DateRange Range,
    IReadOnlyList<PracticePopulation> Practices,
    IReadOnlyList<int> PcnOfPractice,
    IReadOnlyList<int> CcgOfPcn,
    IReadOnlyList<HubCoverage> Hubs,
    IReadOnlyList<OfferedSlot> Slots,
    IReadOnlyList<BookedAppointment> Appointments)
{
    public ComplianceInput Input => new(Range, Practices, Hubs, Slots, Appointments);

    public int PcnOf(int practiceId) => PcnOfPractice[practiceId - 1];

    public int CcgOf(int practiceId) => CcgOfPcn[PcnOf(practiceId) - 1];

    public override string ToString() =>
        $"{Range}; list sizes [{string.Join(", ", Practices.Select(p => p.ListSize))}]; PCNs [{string.Join(", ", PcnOfPractice)}]; CCG of PCN [{string.Join(", ", CcgOfPcn)}]; " +
        $"hubs [{string.Join("; ", Hubs.Select(h => $"{h.HubId}→{string.Join(",", h.PracticeIds)}"))}]; {Slots.Count} slots; {Appointments.Count} appointments";
}

public static class ComplianceArbitraries
{
    private const int Pcns = 3;
    private static readonly DateOnly FirstDay = new(2026, 1, 1);

    public static Arbitrary<ComplianceScenario> Scenario() => Arb.From(Scenarios());

    private static Gen<ComplianceScenario> Scenarios() =>
        from startDay in Gen.Choose(0, 364)
        from days in Gen.Frequency((3, Gen.Choose(1, 10)), (1, Gen.Choose(11, 45)))
        let range = new DateRange(FirstDay.AddDays(startDay), FirstDay.AddDays(startDay + days - 1))
        from practiceCount in Gen.Choose(1, 8)
        from listSizes in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (6, Gen.Choose(1, 60_000))), practiceCount)
        from pcnOf in Gen.ArrayOf(Gen.Choose(1, Pcns), practiceCount)
        from ccgOfPcn in Gen.ArrayOf(Gen.Choose(1, 2), Pcns)
        from hubCount in Gen.Choose(1, 4)
        from served in Gen.ArrayOf(Gen.SubListOf(Enumerable.Range(1, practiceCount).ToArray()), hubCount)
        from fullRota in Gen.ArrayOf(Gen.Elements(true, false), hubCount)
        from randomSlots in Gen.ListOf(Slots(range, hubCount + 1))
        from appointments in Gen.ListOf(Appointments(range, practiceCount, hubCount + 1))
        select new ComplianceScenario(
            range,
            listSizes.Select((size, i) => Practice(i + 1, size)).ToList(),
            pcnOf,
            ccgOfPcn,
            served.Select((ids, i) => new HubCoverage(i + 1, ids.ToList())).ToList(),
            randomSlots.Concat(Enumerable.Range(1, hubCount).Where(h => fullRota[h - 1]).SelectMany(h => Rota(h, range))).ToList(),
            appointments.Select((a, i) => a with { AppointmentId = i + 1 }).ToList());

    /// <summary>An evening and weekend rota, so that coverage is sometimes met and not only ever missed.</summary>
    private static IEnumerable<OfferedSlot> Rota(int hub, DateRange range) =>
        FromRota(hub, 90, SessionDays.Weekdays, "18:30", "20:00", 15, range)
            .Concat(FromRota(hub, 91, SessionDays.Weekends | SessionDays.BankHolidays, "10:00", "12:00", 30, range));

    private static Gen<OfferedSlot> Slots(DateRange range, int hubs) =>
        from hub in Gen.Choose(1, hubs)
        from session in Gen.Choose(1, 3)
        from day in Gen.Choose(-1, range.Days)
        from minute in Gen.Choose(0, 1439)
        from length in Gen.Elements(5, 10, 15, 20, 30, 60, 90, 120, 240)
        from status in Gen.Elements(SlotStatus.Free, SlotStatus.Booked, SlotStatus.Withdrawn)
        from mode in Gen.Elements(DeliveryMode.FaceToFace, DeliveryMode.Telephone, DeliveryMode.Video)
        let start = London.StartOfDayUtc(range.From.AddDays(day)).AddMinutes(minute)
        select new OfferedSlot(hub, (hub * 10) + session, start, start.AddMinutes(length), mode, ClinicianRole.GeneralPractitioner, status);

    private static Gen<BookedAppointment> Appointments(DateRange range, int practices, int hubs) =>
        from practice in Gen.Choose(1, practices)
        from hub in Gen.Choose(1, hubs)
        from session in Gen.Choose(1, 3)
        from day in Gen.Choose(-1, range.Days)
        from minute in Gen.Choose(0, 1439)
        from leadMinutes in Gen.Choose(-60, 3 * 24 * 60)
        from status in Gen.Elements(Enum.GetValues<AppointmentStatus>())
        from channel in Gen.Elements(Enum.GetValues<BookingChannel>())
        from mode in Gen.Elements(Enum.GetValues<DeliveryMode>())
        from slotCount in Gen.Choose(1, 2)
        let start = London.StartOfDayUtc(range.From.AddDays(day)).AddMinutes(minute)
        select new BookedAppointment(0, practice, hub, (hub * 10) + session, start, start.AddMinutes(-leadMinutes), status, channel, mode, slotCount);
}

[Properties(Arbitrary = [typeof(ComplianceArbitraries)], MaxTest = 150)]
public class CompliancePropertyTests
{
    private static ComplianceLedger Build(ComplianceScenario s) => ComplianceLedger.Build(s.Input, Holidays);

    [Property]
    public void Minutes_per_thousand_weighted_across_practices_equals_the_ccg_and_pcn_figures(ComplianceScenario s)
    {
        var ledger = Build(s);
        foreach (var groupOf in new Func<int, int>[] { s.CcgOf, s.PcnOf, _ => 0 })
        {
            foreach (var (group, figures) in ledger.FiguresBy(groupOf))
            {
                var members = ledger.Practices.Where(p => groupOf(p.PracticeId) == group).ToList();
                var population = members.Sum(p => (decimal)p.ListSize);
                Assert.Equal(members.Sum(p => p.Totals.ExtendedMinutes), figures.Totals.ExtendedMinutes);
                if (population == 0)
                {
                    Assert.Null(figures.MinutesPer1000PerWeek);
                    Assert.All(members, p => Assert.Equal(0m, p.Totals.ExtendedMinutes));
                    continue;
                }

                var weighted = members
                    .Where(p => p.ListSize > 0)
                    .Sum(p => ledger.Figures(p.Totals).MinutesPer1000PerWeek!.Value * p.ListSize) / population;
                Assert.Equal(weighted, figures.MinutesPer1000PerWeek!.Value, 12);
            }
        }
    }

    [Property]
    public void Drill_down_totals_equal_the_parent_at_every_level(ComplianceScenario s)
    {
        var ledger = Build(s);
        var byCcg = ledger.TotalsBy(s.CcgOf);
        var byPcn = ledger.TotalsBy(s.PcnOf);

        Assert.Equal(ledger.Total, ComplianceTotals.Sum(byCcg.Values));
        foreach (var (ccg, totals) in byCcg)
        {
            Assert.Equal(totals, ComplianceTotals.Sum(byPcn.Where(p => s.CcgOfPcn[p.Key - 1] == ccg).Select(p => p.Value)));
            Assert.Equal(ledger.Figures(totals).MinutesPer1000PerWeek, ledger.FiguresBy(s.CcgOf)[ccg].MinutesPer1000PerWeek);
        }

        foreach (var (pcn, totals) in byPcn)
        {
            Assert.Equal(totals, ComplianceTotals.Sum(ledger.Practices.Where(p => s.PcnOf(p.PracticeId) == pcn).Select(p => p.Totals)));
        }

        foreach (var practice in ledger.Practices)
        {
            var entries = ComplianceTotals.Sum(ledger.EntriesFor(practice.PracticeId).Select(e => e.Parts));
            var populationOnly = practice.Totals with
            {
                ExtendedMinutes = 0,
                OfferedSlots = 0,
                UsedSlots = 0,
                Booked = 0,
                Attended = 0,
                DidNotAttend = 0,
                Cancelled = 0,
                SameDay = 0,
                PreBooked = 0,
                Remote = 0,
                FaceToFace = 0,
                ViaPractice = 0,
                ViaNhs111 = 0,
                ViaHub = 0,
                ViaOnline = 0,
            };
            Assert.Equal(practice.Totals, populationOnly + entries);
            Assert.Equal(practice.ListSize, practice.Totals.Population);
        }
    }

    [Property]
    public void No_offered_minute_or_slot_is_created_or_lost_by_apportioning(ComplianceScenario s)
    {
        var ledger = Build(s);
        var offered = s.Slots.Where(x => x.Status != SlotStatus.Withdrawn).ToList();

        var minutes = offered.Sum(x => ExtendedHours.MinutesWithin(s.Range, x.StartUtc, x.EndUtc, Holidays));
        var slots = offered.Count(x => s.Range.Contains(DateOnly.FromDateTime(London.ToLocal(x.StartUtc))));
        var appointments = s.Appointments.Count(a => s.Range.Contains(DateOnly.FromDateTime(London.ToLocal(a.StartUtc))));

        Assert.Equal(minutes, ledger.Total.ExtendedMinutes + ledger.Unallocated.Sum(u => u.ExtendedMinutes));
        Assert.Equal(slots, ledger.Total.OfferedSlots + ledger.Unallocated.Sum(u => u.OfferedSlots));
        Assert.Equal(appointments, ledger.Total.Appointments);
        Assert.Equal(s.Practices.Sum(p => (long)p.ListSize), ledger.Total.Population);
    }

    [Property]
    public void Weekly_ledgers_add_up_to_the_whole_range(ComplianceScenario s)
    {
        var whole = Build(s);
        var weeks = s.Range.SplitIntoWeeks().Select(w => ComplianceLedger.Build(s.Input with { Range = w }, Holidays)).ToList();
        var narrowed = s.Range.SplitIntoWeeks().Select(w => ComplianceLedger.Build(s.Input.Narrow(w), Holidays)).ToList();

        Assert.Equal(s.Range.Dates(), weeks.SelectMany(w => w.Range.Dates()));
        Assert.Equal(
            whole.Total.ExtendedMinutes + whole.Unallocated.Sum(u => u.ExtendedMinutes),
            weeks.Sum(w => w.Total.ExtendedMinutes + w.Unallocated.Sum(u => u.ExtendedMinutes)));
        Assert.Equal(whole.Total.Appointments, weeks.Sum(w => w.Total.Appointments));
        Assert.Equal(weeks.Select(w => w.Total), narrowed.Select(w => w.Total));
        Assert.Equal(weeks.Select(w => w.Unallocated.Count), narrowed.Select(w => w.Unallocated.Count));
    }

    [Property]
    public void Day_summaries_kept_for_every_date_one_booking_at_a_time_give_the_same_ledger(ComplianceScenario s)
    {
        // What the database keeps: every date's summary regardless of any report's range, appointments added one by one.
        var kept = new ComplianceDays(
            s.Range,
            s.Practices,
            s.Hubs,
            ComplianceDaySummaries.Sessions(s.Slots, Holidays),
            s.Appointments.Select(a => ComplianceDaySummaries.Contribution(a, Holidays)).ToList());
        var fromDays = ComplianceLedger.Build(kept, Holidays);
        var fromRows = Build(s);

        Assert.Equal(fromRows.Total, fromDays.Total);
        Assert.Equal(fromRows.Entries, fromDays.Entries);
        Assert.Equal(fromRows.Unallocated, fromDays.Unallocated);
        Assert.Equal(
            fromRows.Practices.Select(p => (p.PracticeId, p.Totals, p.Coverage.Evening, p.Coverage.Weekend, string.Join(",", p.Coverage.EveningGaps), string.Join(",", p.Coverage.WeekendGaps))),
            fromDays.Practices.Select(p => (p.PracticeId, p.Totals, p.Coverage.Evening, p.Coverage.Weekend, string.Join(",", p.Coverage.EveningGaps), string.Join(",", p.Coverage.WeekendGaps))));
    }

    [Property]
    public void Day_summaries_split_into_weeks_give_each_week_the_ledger_of_its_own_rows(ComplianceScenario s)
    {
        var weeks = s.Range.SplitIntoWeeks();
        var split = ComplianceDaySummaries.Of(s.Input, Holidays).Split(weeks);

        Assert.Equal(weeks, split.Select(d => d.Range));
        for (var i = 0; i < weeks.Count; i++)
        {
            var expected = ComplianceLedger.Build(s.Input with { Range = weeks[i] }, Holidays);
            var actual = ComplianceLedger.Build(split[i], Holidays);
            Assert.Equal(expected.Total, actual.Total);
            Assert.Equal(expected.Entries, actual.Entries);
        }
    }

    [Property]
    public void Covered_population_never_exceeds_the_population_assessed(ComplianceScenario s)
    {
        var total = Build(s).Total;

        Assert.InRange(total.EveningCoveredPopulation, 0, total.EveningAssessedPopulation);
        Assert.InRange(total.WeekendCoveredPopulation, 0, total.WeekendAssessedPopulation);
        Assert.InRange(total.FullyCoveredPopulation, 0, total.FullyAssessedPopulation);
        Assert.InRange(total.FullyAssessedPopulation, 0, total.Population);
    }
}

public class ApportionmentAndSplittingProperties
{
    [Property]
    public void Shares_add_back_exactly_and_each_is_within_a_rounding_unit_of_its_exact_quota(PositiveInt minutes, NonNegativeInt[] weights)
    {
        var amount = minutes.Get / 7m;
        amount = decimal.Round(amount, ExtendedHours.MinutePrecision);
        var w = weights.Select(x => (long)x.Get).ToList();
        var shares = Apportionment.Share(amount, w);
        var total = w.Sum();

        if (total == 0)
        {
            Assert.Null(shares);
            return;
        }

        Assert.NotNull(shares);
        Assert.Equal(amount, shares.Sum());
        for (var i = 0; i < w.Count; i++)
        {
            Assert.True(Math.Abs(shares[i] - (amount * w[i] / total)) < 0.0001m, $"share {i} is {shares[i]}");
            if (w[i] == 0)
            {
                Assert.Equal(0m, shares[i]);
            }
        }
    }

    [Property]
    public void Cutting_a_slot_anywhere_does_not_change_its_extended_minutes(NonNegativeInt startMinute, PositiveInt length, NonNegativeInt cut)
    {
        // Any instant in 2026, any length up to two days, cut at any whole minute inside it.
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(startMinute.Get % (365 * 24 * 60));
        var minutes = 1 + (length.Get % (2 * 24 * 60));
        var end = start.AddMinutes(minutes);
        var middle = start.AddMinutes(cut.Get % minutes);

        var whole = ExtendedHours.Minutes(start, end, Holidays);

        Assert.Equal(whole, ExtendedHours.Minutes(start, middle, Holidays) + ExtendedHours.Minutes(middle, end, Holidays));
        Assert.InRange(whole, 0m, minutes);
    }
}
