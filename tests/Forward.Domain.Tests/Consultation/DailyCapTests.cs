using Forward.Domain.Consultation;

namespace Forward.Domain.Tests.Consultation;

public class DailyCapTests
{
    [Fact]
    public void Below_the_cap_is_accepted() =>
        Assert.True(DailyCap.Check(accepting: true, cap: 10, receivedToday: 9, "Oak Tree Surgery").Accepted);

    [Fact]
    public void At_the_cap_is_refused_with_a_message()
    {
        var decision = DailyCap.Check(accepting: true, cap: 10, receivedToday: 10, "Oak Tree Surgery");
        Assert.Equal(CapDecisionKind.Full, decision.Kind);
        Assert.Contains("Oak Tree Surgery has had as many online requests today", decision.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_cap_of_zero_or_less_is_paused_not_full_so_patients_are_not_told_to_try_tomorrow(int cap)
    {
        var decision = DailyCap.Check(accepting: true, cap, receivedToday: 0, "Oak Tree Surgery", "Back on Monday.");
        Assert.Equal(CapDecisionKind.Paused, decision.Kind);
        Assert.Contains("Oak Tree Surgery is not taking online requests at the moment. Back on Monday.", decision.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tomorrow", decision.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Paused_refuses_even_when_empty_and_shows_the_practice_message()
    {
        var decision = DailyCap.Check(accepting: false, cap: 10, receivedToday: 0, "Oak Tree Surgery", "Back on Monday.");
        Assert.Equal(CapDecisionKind.Paused, decision.Kind);
        Assert.Contains("not taking online requests", decision.Message, StringComparison.Ordinal);
        Assert.Contains("Back on Monday.", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_practice_without_settings_is_treated_as_paused() =>
        Assert.Equal(CapDecisionKind.Paused, DailyCap.Check(null, 0, "P").Kind);

    [Fact]
    public void The_London_day_runs_midnight_to_midnight_in_summer_time()
    {
        var (start, end) = DailyCap.LondonDay(new DateTime(2026, 6, 8, 23, 30, 0, DateTimeKind.Utc)); // 00:30 Tuesday BST
        Assert.Equal(new DateTime(2026, 6, 8, 23, 0, 0, DateTimeKind.Utc), start);
        Assert.Equal(new DateTime(2026, 6, 9, 23, 0, 0, DateTimeKind.Utc), end);
    }
}
