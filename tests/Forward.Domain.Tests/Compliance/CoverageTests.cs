using Forward.Domain.Compliance;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using static Forward.Domain.Tests.Compliance.ComplianceTestData;

namespace Forward.Domain.Tests.Compliance;

public class CoverageTests
{
    // Monday 12 to Sunday 25 January 2026: two whole weeks, no bank holiday.
    private static readonly DateRange TwoWeeks = Range("2026-01-12", "2026-01-25");

    private static IEnumerable<OfferedSlot> Evenings(int hub, DateRange range, string start = "18:30", string end = "20:00", int slotMinutes = 15) =>
        FromRota(hub, 1, SessionDays.Weekdays, start, end, slotMinutes, range);

    private static IEnumerable<OfferedSlot> Weekends(int hub, DateRange range, SessionDays days = SessionDays.Weekends) =>
        FromRota(hub, 2, days, "10:00", "12:00", 15, range);

    private static PracticeCoverage Assess(DateRange range, IEnumerable<OfferedSlot> slots, ComplianceRules? rules = null, int practice = 1, params HubCoverage[] hubs) =>
        CoverageAssessor.Assess(range, [practice], hubs.Length == 0 ? [Serves(1, 1)] : hubs, slots.ToList(), Holidays, rules)[practice];

    [Fact]
    public void Evening_and_weekend_sessions_every_day_cover_the_practice()
    {
        var coverage = Assess(TwoWeeks, Evenings(1, TwoWeeks).Concat(Weekends(1, TwoWeeks)));

        Assert.True(coverage.Evening);
        Assert.True(coverage.Weekend);
        Assert.True(coverage.Full);
        Assert.Empty(coverage.EveningGaps);
    }

    [Fact]
    public void Evenings_starting_at_seven_do_not_cover_from_half_past_six()
    {
        // Hinckley's hours: 19:00–22:00 on weekdays.
        var coverage = Assess(TwoWeeks, Evenings(1, TwoWeeks, "19:00", "22:00").Concat(Weekends(1, TwoWeeks)));

        Assert.False(coverage.Evening);
        Assert.Equal(10, coverage.EveningGaps.Count);
        Assert.False(coverage.Full);
    }

    [Fact]
    public void One_weekday_with_withdrawn_slots_breaks_evening_coverage_on_that_date()
    {
        var slots = Evenings(1, TwoWeeks)
            .Select(s => DateOnly.FromDateTime(London.ToLocal(s.StartUtc)) == D("2026-01-21") ? s with { Status = SlotStatus.Withdrawn } : s)
            .Concat(Weekends(1, TwoWeeks));

        var coverage = Assess(TwoWeeks, slots);

        Assert.False(coverage.Evening);
        Assert.Equal([D("2026-01-21")], coverage.EveningGaps);
        Assert.True(coverage.Weekend);
    }

    [Fact]
    public void A_weekday_bank_holiday_is_not_required_in_the_evening()
    {
        // Monday 24 to Sunday 30 August 2026 plus the summer bank holiday, Monday 31 August: weekday rota only.
        var range = Range("2026-08-24", "2026-08-31");
        var coverage = Assess(range, Evenings(1, range).Concat(Weekends(1, range)));

        Assert.Empty(Evenings(1, Range("2026-08-31", "2026-08-31")));
        Assert.True(coverage.Evening);
    }

    [Fact]
    public void Two_hubs_may_share_the_evening_window_between_them()
    {
        var slots = Evenings(1, TwoWeeks, "18:30", "19:15").Concat(Evenings(2, TwoWeeks, "19:15", "20:00"));

        Assert.True(Assess(TwoWeeks, slots, practice: 1, hubs: [Serves(1, 1, 2), Serves(2, 1)]).Evening);
        Assert.False(Assess(TwoWeeks, slots, practice: 2, hubs: [Serves(1, 1, 2), Serves(2, 1)]).Evening);
    }

    [Fact]
    public void Slots_that_stop_short_of_eight_fail_unless_a_tolerance_is_allowed()
    {
        // 20-minute slots from 18:30 end at 19:50.
        var slots = Evenings(1, TwoWeeks, slotMinutes: 20).ToList();

        Assert.False(Assess(TwoWeeks, slots).Evening);
        Assert.True(Assess(TwoWeeks, slots, ComplianceRules.Default with { EveningCoverageTolerance = TimeSpan.FromMinutes(10) }).Evening);
        Assert.False(Assess(TwoWeeks, slots, ComplianceRules.Default with { EveningCoverageTolerance = TimeSpan.FromMinutes(9) }).Evening);
    }

    [Fact]
    public void Parallel_clinicians_do_not_fill_a_gap_twice()
    {
        // Two clinicians 18:30–19:15 give 90 offered minutes in the window but leave 19:15–20:00 empty.
        var slots = FromRota(1, 1, SessionDays.Weekdays, "18:30", "19:15", 15, TwoWeeks, clinicians: 2);

        Assert.False(Assess(TwoWeeks, slots).Evening);
    }

    [Fact]
    public void Saturday_only_is_not_weekend_coverage()
    {
        var coverage = Assess(TwoWeeks, Evenings(1, TwoWeeks).Concat(Weekends(1, TwoWeeks, SessionDays.Saturday)));

        Assert.False(coverage.Weekend);
        Assert.Equal([D("2026-01-18"), D("2026-01-25")], coverage.WeekendGaps);
    }

    [Fact]
    public void A_range_without_a_weekend_cannot_judge_weekend_coverage()
    {
        var range = Range("2026-01-12", "2026-01-16");
        var coverage = Assess(range, Evenings(1, range));

        Assert.Null(coverage.Weekend);
        Assert.True(coverage.Evening);
        Assert.True(coverage.Full);
    }

    [Fact]
    public void Percentage_of_population_covered_weights_practices_by_list_size()
    {
        // Practice 1 (30,000) is served by a hub with the full rota; practice 2 (10,000) by one with evenings only.
        var slots = Evenings(1, TwoWeeks).Concat(Weekends(1, TwoWeeks)).Concat(Evenings(2, TwoWeeks));
        var ledger = Ledger(TwoWeeks, [Practice(1, 30_000), Practice(2, 10_000)], [Serves(1, 1), Serves(2, 2)], slots);

        var figures = ledger.Overall();
        Assert.Equal(1m, figures.EveningCoverage);
        Assert.Equal(0.75m, figures.WeekendCoverage);
        Assert.Equal(0.75m, figures.FullCoverage);
        Assert.Equal(Rag.Green, figures.EveningCoverageRag);
        Assert.Equal(Rag.Amber, figures.FullCoverageRag);
        Assert.Equal(0m, ledger.Figures(ledger.Practice(2).Totals).FullCoverage);
        Assert.Equal(Rag.Red, ledger.Figures(ledger.Practice(2).Totals).FullCoverageRag);
    }

    [Fact]
    public void A_practice_no_hub_serves_is_not_covered()
    {
        var coverage = CoverageAssessor.Assess(TwoWeeks, [1, 2], [Serves(1, 1)], Evenings(1, TwoWeeks).ToList(), Holidays);

        Assert.True(coverage[1].Evening);
        Assert.False(coverage[2].Evening);
        Assert.False(coverage[2].Weekend);
    }
}
