using Forward.Domain.Compliance;
using Forward.Web.Compliance;
using Forward.Web.Pages.Compliance;

namespace Forward.Web.Tests.Compliance;

public sealed class ComplianceChartsTests
{
    [Fact]
    public void A_period_with_no_registered_patients_is_drawn_as_not_applicable_not_as_a_red_bar_of_zero()
    {
        CompliancePeriod Week(DateOnly monday, ComplianceTotals totals)
        {
            var range = new DateRange(monday, monday.AddDays(6));
            return new CompliancePeriod(range, new ComplianceFigures(totals, range), []);
        }

        var series = new ComplianceSeries(
            new ComplianceEntity(ComplianceLevel.Practice, 1, "A00001", "Test practice"),
            TrendPeriod.Week,
            [
                Week(new DateOnly(2026, 6, 1), ComplianceTotals.Zero),
                Week(new DateOnly(2026, 6, 8), ComplianceTotals.Zero with { Population = 10_000, ExtendedMinutes = 480 }),
            ]);

        var svg = ComplianceCharts.Capacity(series, 30m, 45m).ToString()!;

        Assert.Contains("<text data-period=\"2026-06-01\" data-value=\"\"", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<rect data-period=\"2026-06-01\"", svg, StringComparison.Ordinal);
        Assert.Contains("<rect data-period=\"2026-06-08\" data-value=\"48\"", svg, StringComparison.Ordinal);
    }
}
