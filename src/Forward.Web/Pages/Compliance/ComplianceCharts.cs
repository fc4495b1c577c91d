using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Forward.Domain.Compliance;
using Forward.Web.Compliance;
using Microsoft.AspNetCore.Html;

namespace Forward.Web.Pages.Compliance;

/// <summary>
/// Server-rendered SVG charts of a weekly or monthly trend: no script, no CDN, and no style attributes (the content security
/// policy forbids inline style), only SVG presentation attributes. Each chart carries a title and description for
/// screen readers; the tables on the page hold the same numbers.
/// </summary>
public static class ComplianceCharts
{
    public const string Blue = "#005eb8";
    public const string Amber = "#ffb81c";
    public const string Green = "#007f3b";
    public const string Red = "#d5281b";
    public const string Grey = "#4c6272";

    /// <summary>
    /// The target lines' figures are in NHS text colour, not the line's own: amber text on the page's grey is 1.6:1,
    /// far below the 4.5:1 small text needs, and the dashed line beside it already carries the colour.
    /// </summary>
    private const string TargetLabel = "#212b32";

    private const int Width = 640;
    private const int Height = 260;
    private const int Left = 48;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 40;

    /// <summary>Which bars are grey for want of a rating, and why.</summary>
    private static string NotRatedNote(IReadOnlyList<CompliancePeriod> periods)
    {
        var reasons = periods.Select(p => p.Figures.Withheld).OfType<RatingWithheld>().Distinct().Order().Select(r => r switch
        {
            RatingWithheld.PartWeek => "a part week at either end",
            RatingWithheld.PartMonth => "a part month at either end",
            RatingWithheld.NotYetPlanned => "a period with days slots are not yet planned for",
            RatingWithheld.BeforeRecords => "a period starting before Forward holds slots",
            _ => null,
        }).OfType<string>().ToList();
        return reasons.Count == 0 ? string.Empty : $" Grey, not rated: {string.Join("; ", reasons)}.";
    }

    /// <summary>Bars of capacity minutes per 1,000 patients per week, with dashed target lines at 30 and 45.</summary>
    public static IHtmlContent Capacity(ComplianceSeries series, decimal minimum, decimal stretch)
    {
        ArgumentNullException.ThrowIfNull(series);
        var weeks = series.Periods;
        var cut = series.Period;
        var values = weeks.Select(w => w.Figures.MinutesPer1000PerWeek).ToList();
        var max = Math.Max(stretch * 1.25m, values.Max(v => v ?? 0m) * 1.1m);
        var svg = Start("capacity-chart", "Capacity offered per 1,000 patients per week", $"Extended-access minutes per 1,000 registered patients per week, for each {PeriodNoun(cut)}, against the {Num(minimum)} minute target and the {Num(stretch)} minute target.{NotRatedNote(weeks)}");
        Axis(svg, max, 4, v => Num(v));
        var slot = PlotWidth / Math.Max(1, weeks.Count);
        for (var i = 0; i < weeks.Count; i++)
        {
            var x = Left + (slot * i) + (slot * 0.15m);
            if (values[i] is not { } value)
            {
                // No registered patients in the period: no figure, as the table says, not a red bar of zero.
                svg.Append(CultureInfo.InvariantCulture, $"<text data-period=\"{Iso(weeks[i].Period.From)}\" data-value=\"\" x=\"{Num(x + (slot * 0.35m))}\" y=\"{Num(Top + PlotHeight - 4)}\" text-anchor=\"middle\" fill=\"{Grey}\">n/a<title>{Encode(Label(weeks[i], cut))}: not applicable</title></text>");
                WeekLabel(svg, weeks[i], cut, x + (slot * 0.35m));
                continue;
            }

            var height = (decimal)PlotHeight * value / max;
            var figures = weeks[i].Figures;
            var colour = figures.CapacityRag switch { Rag.Red => Red, Rag.Amber => Amber, Rag.Green => Green, _ => Grey };
            // The bar's colour is its RAG, so its figure is cut as the page's tables cut it, never rounded across a target.
            var note = figures.Withheld is { } withheld ? $" ({Wording.NotRated(withheld).ToLowerInvariant()})" : string.Empty;
            svg.Append(CultureInfo.InvariantCulture, $"<rect data-period=\"{Iso(weeks[i].Period.From)}\" data-value=\"{Num(value)}\" data-rag=\"{figures.CapacityRag}\" x=\"{Num(x)}\" y=\"{Num(Top + PlotHeight - height)}\" width=\"{Num(slot * 0.7m)}\" height=\"{Num(height)}\" fill=\"{colour}\"><title>{Encode(Label(weeks[i], cut))}: {Wording.RatedFigure(value, string.Empty)} minutes{Encode(note)}</title></rect>");
            WeekLabel(svg, weeks[i], cut, x + (slot * 0.35m));
        }

        TargetLine(svg, minimum, max, Amber, "Minimum target");
        TargetLine(svg, stretch, max, Green, "Rising target");
        return End(svg);
    }

    /// <summary>Lines of utilisation (booked ÷ offered slots) and DNA rate for each week, 0–100%.</summary>
    public static IHtmlContent UtilisationAndDna(ComplianceSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var weeks = series.Periods;
        var cut = series.Period;
        var svg = Start("utilisation-chart", $"Utilisation and did-not-attend rate per {PeriodNoun(cut)}", $"Share of offered slots booked (blue line) and share of appointments with an outcome where the patient did not attend (red dashed line), for each {PeriodNoun(cut)}.");
        Axis(svg, 1m, 4, v => Num(v * 100m) + "%");
        var slot = PlotWidth / Math.Max(1, weeks.Count);
        for (var i = 0; i < weeks.Count; i++)
        {
            WeekLabel(svg, weeks[i], cut, Left + (slot * i) + (slot * 0.5m));
        }

        Series(svg, weeks, cut, w => w.Figures.Utilisation, slot, Blue, null, "utilisation");
        Series(svg, weeks, cut, w => w.Figures.DnaRate, slot, Red, "6 4", "dna");
        return End(svg);
    }

    private static string PeriodNoun(TrendPeriod cut) => cut == TrendPeriod.Month ? "month" : "week";

    private static decimal PlotWidth => Width - Left - Right;

    private static decimal PlotHeight => Height - Top - Bottom;

    private static StringBuilder Start(string id, string title, string description)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{id}\" class=\"forward-chart\" viewBox=\"0 0 {Width} {Height}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" font-family=\"Frutiger W01, Arial, sans-serif\" font-size=\"12\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title><desc id=\"{id}-desc\">{Encode(description)}</desc>");
        return svg;
    }

    private static HtmlString End(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static void Axis(StringBuilder svg, decimal max, int steps, Func<decimal, string> label)
    {
        for (var i = 0; i <= steps; i++)
        {
            var value = max * i / steps;
            var y = Top + PlotHeight - (PlotHeight * i / steps);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Num(y)}\" y2=\"{Num(y)}\" stroke=\"#d8dde0\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Num(y + 4)}\" text-anchor=\"end\" fill=\"{Grey}\">{Encode(label(value))}</text>");
        }
    }

    private static void TargetLine(StringBuilder svg, decimal target, decimal max, string colour, string name)
    {
        var y = Top + PlotHeight - (PlotHeight * target / max);
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"forward-chart__target\" data-target=\"{Num(target)}\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Num(y)}\" y2=\"{Num(y)}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"8 4\"><title>{Encode(name)}: {Num(target)} minutes</title></line>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 4}\" y=\"{Num(y - 4)}\" text-anchor=\"end\" fill=\"{TargetLabel}\" font-weight=\"bold\">{Num(target)}</text>");
    }

    private static void Series(StringBuilder svg, IReadOnlyList<CompliancePeriod> weeks, TrendPeriod cut, Func<CompliancePeriod, decimal?> value, decimal slot, string colour, string? dash, string name)
    {
        var points = new List<string>();
        for (var i = 0; i < weeks.Count; i++)
        {
            if (value(weeks[i]) is not { } v)
            {
                continue;
            }

            var x = Left + (slot * i) + (slot * 0.5m);
            var y = Top + PlotHeight - (PlotHeight * Math.Clamp(v, 0m, 1m));
            points.Add(string.Create(CultureInfo.InvariantCulture, $"{Num(x)},{Num(y)}"));
            svg.Append(CultureInfo.InvariantCulture, $"<circle data-series=\"{name}\" cx=\"{Num(x)}\" cy=\"{Num(y)}\" r=\"4\" fill=\"{colour}\"><title>{Encode(Label(weeks[i], cut))}: {Num(v * 100m)}%</title></circle>");
        }

        if (points.Count > 1)
        {
            var dashAttribute = dash is null ? string.Empty : $" stroke-dasharray=\"{dash}\"";
            svg.Append(CultureInfo.InvariantCulture, $"<polyline data-series=\"{name}\" points=\"{string.Join(' ', points)}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dashAttribute}/>");
        }
    }

    /// <summary>An axis label: a week by its first day ("8 Jun"), a month by name ("Jun 26").</summary>
    private static void WeekLabel(StringBuilder svg, CompliancePeriod period, TrendPeriod cut, decimal x) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Num(x)}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" fill=\"{Grey}\">{Encode(period.Period.From.ToString(cut == TrendPeriod.Month ? "MMM yy" : "d MMM", CultureInfo.GetCultureInfo("en-GB")))}</text>");

    public static string Label(CompliancePeriod period, TrendPeriod cut) => cut == TrendPeriod.Month
        ? period.Period.From.ToString("MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"))
        : $"Week from {Wording.Date(period.Period.From)}";


    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Num(decimal value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
