using System.Globalization;
using Forward.Web.Pages;

namespace Forward.Web.Tests.Compliance;

/// <summary>
/// A rated figure as shown beside its RAG is on the same side of every target as the value rated: shown at or above a
/// target only when the value is (old code rounded, so 29.998 minutes showed "30.0" beside Red).
/// </summary>
public sealed class RatedFigureWordingTests
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>Values on a fine grid around each target and across the whole range, and a few awkward ones.</summary>
    private static IEnumerable<decimal> Around(decimal target)
    {
        for (var step = -2000; step <= 2000; step++)
        {
            yield return target + (step * 0.0001m);
        }

        yield return target - 0.0000000001m;
        yield return target - (1m / 3m / 1000m);
        yield return target + 0.0000000001m;
    }

    [Theory]
    [InlineData(30)]
    [InlineData(45)]
    public void Minutes_shown_reach_a_target_only_when_the_value_does(int target)
    {
        var values = Around(target).Concat(Enumerable.Range(0, 12_000).Select(i => i * 0.0123m)).Append(29.998m).Append(44.9609m);
        foreach (var value in values)
        {
            var shown = Wording.RatedFigure(value, "none");
            Assert.Matches("^[0-9]+\\.[0-9]$", shown);
            Assert.True(decimal.Parse(shown, Uk) >= target == value >= target, $"{value} shown as {shown} against {target}");
            Assert.True(Math.Abs(decimal.Parse(shown, Uk) - value) < 0.1m, $"{value} shown as {shown}");
        }

        Assert.Equal("29.9", Wording.RatedFigure(29.998m, "none"));
        Assert.Equal("44.9", Wording.RatedFigure(44.9609m, "none"));
        Assert.Equal("30.0", Wording.RatedFigure(30m, "none"));
        Assert.Equal("none", Wording.RatedFigure(null, "none"));
    }

    [Fact]
    public void Coverage_shown_reaches_100_percent_only_when_everyone_is_covered()
    {
        foreach (var fraction in Around(1m).Where(f => f >= 0m).Concat(Enumerable.Range(0, 10_001).Select(i => i / 10_000m)))
        {
            var shown = Wording.RatedPercent(fraction, "none");
            Assert.EndsWith("%", shown, StringComparison.Ordinal);
            var percent = decimal.Parse(shown.TrimEnd('%'), Uk);
            Assert.True(percent >= 100m == fraction >= 1m, $"{fraction} shown as {shown}");
            Assert.True(Math.Abs(percent - (fraction * 100m)) < 0.1m, $"{fraction} shown as {shown}");
        }

        Assert.Equal("99.9%", Wording.RatedPercent(0.9996m, "none"));
        Assert.Equal("100.0%", Wording.RatedPercent(1m, "none"));
        Assert.Equal("none", Wording.RatedPercent(null, "none"));
    }
}
