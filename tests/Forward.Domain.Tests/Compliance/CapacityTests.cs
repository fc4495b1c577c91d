using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

public class CapacityTests
{
    // Monday 12 to Sunday 18 January 2026: one ordinary week.
    private static readonly DateRange Week = Range("2026-01-12", "2026-01-18");

    /// <summary>600 extended-hours minutes at hub 1 on Saturday 17 January: five 120-minute slots from 10:00.</summary>
    private static IEnumerable<OfferedSlot> SixHundredMinutes(int hub = 1) => Block(hub, "2026-01-17", "10:00", 5, 120);

    [Fact]
    public void A_shared_hub_is_apportioned_by_list_size()
    {
        var ledger = Ledger(Week, [Practice(1, 30_000), Practice(2, 10_000)], [Serves(1, 1, 2)], SixHundredMinutes());

        Assert.Equal(450m, ledger.Practice(1).Totals.ExtendedMinutes);
        Assert.Equal(150m, ledger.Practice(2).Totals.ExtendedMinutes);
        Assert.Equal(600m, ledger.Total.ExtendedMinutes);
        Assert.Equal(15m, ledger.Figures(ledger.Practice(1).Totals).MinutesPer1000PerWeek);
        Assert.Equal(15m, ledger.Figures(ledger.Practice(2).Totals).MinutesPer1000PerWeek);
        Assert.Equal(15m, ledger.Overall().MinutesPer1000PerWeek);
        Assert.Empty(ledger.Unallocated);
    }

    [Fact]
    public void Figures_with_their_rating_withheld_keep_their_values_and_carry_no_rag()
    {
        var ledger = Ledger(Week, [Practice(1, 30_000)], [Serves(1, 1)], SixHundredMinutes());
        var rated = ledger.Overall();

        var withheld = rated.WithoutRating(RatingWithheld.PartWeek);

        Assert.Equal(Rag.Red, rated.CapacityRag);
        Assert.Null(rated.Withheld);
        Assert.Equal(rated.MinutesPer1000PerWeek, withheld.MinutesPer1000PerWeek);
        Assert.Equal(rated.FullCoverage, withheld.FullCoverage);
        Assert.Equal(RatingWithheld.PartWeek, withheld.Withheld);
        Assert.All([withheld.CapacityRag, withheld.EveningCoverageRag, withheld.WeekendCoverageRag, withheld.FullCoverageRag], r => Assert.Equal(Rag.NotApplicable, r));
    }

    [Fact]
    public void A_practice_served_by_two_hubs_gets_its_share_of_each()
    {
        var slots = SixHundredMinutes(1).Concat(Block(2, "2026-01-18", "10:00", 2, 120));
        var ledger = Ledger(Week, [Practice(1, 30_000), Practice(2, 10_000)], [Serves(1, 1, 2), Serves(2, 2)], slots);

        Assert.Equal(450m, ledger.Practice(1).Totals.ExtendedMinutes);
        Assert.Equal(150m + 240m, ledger.Practice(2).Totals.ExtendedMinutes);
        Assert.Equal(
            new Dictionary<int, decimal> { [1] = 150m, [2] = 240m },
            ComplianceLedger.TotalsBy(ledger.EntriesFor(2), e => e.HubId).ToDictionary(h => h.Key, h => h.Value.ExtendedMinutes));
    }

    [Fact]
    public void Shares_that_do_not_divide_exactly_still_add_back_to_the_hub_total()
    {
        var shares = Apportionment.Share(100m, [1, 1, 1]);

        Assert.Equal([33.3334m, 33.3333m, 33.3333m], shares);
        Assert.Equal(100m, shares!.Sum());
        Assert.Null(Apportionment.Share(100m, [0, 0]));
        Assert.Equal([0m, 100m], Apportionment.Share(100m, [0, 5]));
    }

    [Fact]
    public void A_partial_week_divides_by_its_fraction_of_a_week()
    {
        // Ten days (Monday 12 to Wednesday 21 January) holding one 100-minute Saturday session: 100 / 1 / (10/7) = 70.
        var range = Range("2026-01-12", "2026-01-21");
        var ledger = Ledger(range, [Practice(1, 1_000)], [Serves(1, 1)], Block(1, "2026-01-17", "10:00", 1, 100));

        Assert.Equal(10m / 7m, range.Weeks);
        Assert.Equal(70m, ledger.Overall().MinutesPer1000PerWeek);
    }

    [Fact]
    public void A_single_day_counts_as_a_seventh_of_a_week()
    {
        var ledger = Ledger(Range("2026-01-17", "2026-01-17"), [Practice(1, 7_000)], [Serves(1, 1)], Block(1, "2026-01-17", "10:00", 1, 30));

        Assert.Equal(30m, ledger.Overall().MinutesPer1000PerWeek);
    }

    [Fact]
    public void Zero_population_is_not_applicable_and_its_minutes_are_not_lost()
    {
        var ledger = Ledger(Week, [Practice(1, 0)], [Serves(1, 1)], SixHundredMinutes());

        var figures = ledger.Overall();
        Assert.Null(figures.MinutesPer1000PerWeek);
        Assert.Equal(Rag.NotApplicable, figures.CapacityRag);
        Assert.Null(figures.AppointmentsPer1000PerWeek);
        Assert.Equal(0m, ledger.Total.ExtendedMinutes);
        var unallocated = Assert.Single(ledger.Unallocated);
        Assert.Equal((1, 1, 600m, 5m), (unallocated.HubId, unallocated.SessionId, unallocated.ExtendedMinutes, unallocated.OfferedSlots));
    }

    [Fact]
    public void A_zero_population_practice_sharing_a_hub_gets_nothing_and_does_not_dilute_the_group()
    {
        var ledger = Ledger(Week, [Practice(1, 0), Practice(2, 10_000)], [Serves(1, 1, 2)], SixHundredMinutes());

        Assert.Equal(0m, ledger.Practice(1).Totals.ExtendedMinutes);
        Assert.Null(ledger.Figures(ledger.Practice(1).Totals).MinutesPer1000PerWeek);
        Assert.Equal(60m, ledger.Overall().MinutesPer1000PerWeek);
    }

    [Fact]
    public void A_practice_no_hub_serves_still_counts_in_its_group_population()
    {
        var ledger = Ledger(Week, [Practice(1, 10_000), Practice(2, 10_000)], [Serves(1, 1)], SixHundredMinutes());

        Assert.Equal(0m, ledger.Practice(2).Totals.ExtendedMinutes);
        Assert.Equal(0m, ledger.Figures(ledger.Practice(2).Totals).MinutesPer1000PerWeek);
        Assert.Equal(30m, ledger.Overall().MinutesPer1000PerWeek);
    }

    [Theory]
    [InlineData("29.9999", Rag.Red)]
    [InlineData("30", Rag.Amber)]
    [InlineData("44.9999", Rag.Amber)]
    [InlineData("45", Rag.Green)]
    [InlineData("0", Rag.Red)]
    [InlineData("120", Rag.Green)]
    public void Capacity_is_red_below_30_amber_from_30_and_green_from_45(string value, Rag expected) =>
        Assert.Equal(expected, RagThresholds.Capacity.Classify(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(21_000, Rag.Amber)] // 630 / 21 = exactly 30
    [InlineData(21_001, Rag.Red)]
    [InlineData(14_000, Rag.Green)] // 630 / 14 = exactly 45
    [InlineData(14_001, Rag.Amber)]
    public void A_week_of_evening_and_weekend_sessions_lands_exactly_on_the_thresholds(int listSize, Rag expected)
    {
        // 18:30–20:00 every day of the clock-change week, Monday 23 to Sunday 29 March 2026: 7 × 90 = 630 minutes.
        var range = Range("2026-03-23", "2026-03-29");
        var slots = FromRota(1, 1, SessionDays.Weekdays | SessionDays.Weekends | SessionDays.BankHolidays, "18:30", "20:00", 15, range);
        var ledger = Ledger(range, [Practice(1, listSize)], [Serves(1, 1)], slots);

        Assert.Equal(630m, ledger.Total.ExtendedMinutes);
        Assert.Equal(expected, ledger.Overall().CapacityRag);
    }

    [Fact]
    public void The_targets_are_parameters_defaulting_to_30_and_45()
    {
        Assert.Equal((30m, 45m), (ComplianceRules.Default.CapacityTargets.Minimum, ComplianceRules.Default.CapacityTargets.Stretch));
        var rules = ComplianceRules.Default with { CapacityTargets = new RagThresholds(10m, 20m) };
        var ledger = Ledger(Week, [Practice(1, 40_000)], [Serves(1, 1)], SixHundredMinutes(), rules: rules);

        Assert.Equal(15m, ledger.Overall().MinutesPer1000PerWeek);
        Assert.Equal(Rag.Amber, ledger.Overall().CapacityRag);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RagThresholds(45m, 30m));
    }

    [Fact]
    public void Withdrawn_slots_and_weekday_daytime_slots_add_no_capacity()
    {
        var slots = Block(1, "2026-01-17", "10:00", 2, 60, status: SlotStatus.Withdrawn)
            .Concat(Block(1, "2026-01-13", "14:00", 4, 30))
            .Concat(Block(1, "2026-01-13", "18:30", 1, 60, status: SlotStatus.Booked));
        var ledger = Ledger(Week, [Practice(1, 1_000)], [Serves(1, 1)], slots);

        Assert.Equal(60m, ledger.Total.ExtendedMinutes);
        Assert.Equal(5m, ledger.Total.OfferedSlots); // daytime slots are still offered slots for utilisation
    }

    [Fact]
    public void A_hub_serving_a_practice_missing_from_the_input_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Ledger(Week, [Practice(1, 1_000)], [Serves(1, 1, 2)], SixHundredMinutes()));
        Assert.Throws<ArgumentException>(() => Ledger(Week, [Practice(1, 1_000), Practice(1, 2_000)], [Serves(1, 1)], SixHundredMinutes()));
    }

    [Fact]
    public void Groups_are_computed_from_the_sum_of_their_practices()
    {
        // PCN A: practices 1 (30,000) and 2 (10,000) sharing hub 1; PCN B: practice 3 (20,000) with hub 2.
        var slots = SixHundredMinutes(1).Concat(Block(2, "2026-01-18", "10:00", 3, 100));
        var ledger = Ledger(Week, [Practice(1, 30_000), Practice(2, 10_000), Practice(3, 20_000)], [Serves(1, 1, 2), Serves(2, 3)], slots);
        var pcn = new Dictionary<int, string> { [1] = "A", [2] = "A", [3] = "B" };

        var figures = ledger.FiguresBy(p => pcn[p]);

        Assert.Equal(15m, figures["A"].MinutesPer1000PerWeek);
        Assert.Equal(15m, figures["B"].MinutesPer1000PerWeek);
        Assert.Equal(900m, ledger.Total.ExtendedMinutes);
        Assert.Equal(60_000, ledger.Total.Population);
        Assert.Equal(ledger.Total, ComplianceTotals.Sum(ledger.TotalsBy(p => pcn[p]).Values));
        Assert.Equal(ledger.TotalsBy(p => pcn[p])["A"], ledger.TotalsWhere(p => pcn[p] == "A"));
    }

    [Fact]
    public void Weekly_ledgers_add_up_to_the_whole_range_even_for_a_slot_across_the_week_boundary()
    {
        // Wednesday 22 April to Sunday 10 May 2026. The slot from 23:30 on Sunday 3 May runs into the early May bank
        // holiday, so both halves count, in different weeks.
        var range = Range("2026-04-22", "2026-05-10");
        var slots = FromRota(1, 1, SessionDays.Weekdays | SessionDays.Weekends, "18:00", "21:00", 20, range)
            .Concat(Block(1, "2026-05-03", "23:30", 1, 60, session: 2))
            .ToList();
        var practices = new[] { Practice(1, 12_345), Practice(2, 6_789) };
        var hubs = new[] { Serves(1, 1, 2) };

        var whole = Ledger(range, practices, hubs, slots);
        var weeks = range.SplitIntoWeeks().Select(w => Ledger(w, practices, hubs, slots)).ToList();

        Assert.Equal(3, weeks.Count);
        Assert.Equal((5 * 150m) + (2 * 180m) + 30m, weeks[1].Total.ExtendedMinutes); // weekday evenings from 18:30, weekends all three hours
        Assert.Equal(30m + (4 * 150m) + (2 * 180m), weeks[2].Total.ExtendedMinutes); // the bank holiday has no rota session
        Assert.Equal(whole.Total.ExtendedMinutes, weeks.Sum(w => w.Total.ExtendedMinutes));
        Assert.Equal(whole.Total.OfferedSlots, weeks.Sum(w => w.Total.OfferedSlots));
    }
}
