using System.Globalization;
using Forward.Domain.Booking;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Pages;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace Forward.Web.Compliance;

/// <summary>
/// Draws an <see cref="AssuranceReport"/> as a PDF, one A4 page per CCG, with PdfPig's document builder. Every RAG is printed as a word
/// inside its coloured box (never colour alone: the report is printed in black and white and read by people who do
/// not see red and green apart), and every missing figure says "No data" rather than showing 0.
/// </summary>
public static class AssuranceRenderer
{
    private const double Margin = 40;
    private const double FooterTop = 790;

    /// <summary>What the report prints where a figure had nothing to divide or a RAG was not assessed.</summary>
    public const string NoData = "No data";

    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");
    private static readonly Colour Red = new(0xd5, 0x28, 0x1b);
    private static readonly Colour Amber = new(0xff, 0xb8, 0x1c);
    private static readonly Colour Green = new(0x00, 0x7f, 0x3b);
    private static readonly Colour Grey = new(0x4c, 0x62, 0x72);
    private static readonly Colour Pale = new(0xd8, 0xdd, 0xe0);
    private static readonly Colour Rule = new(0xae, 0xb7, 0xbd);

    private static readonly Colour Black = new(0, 0, 0);
    private static readonly Colour White = new(0xff, 0xff, 0xff);

    /// <summary>The PDF's bytes.</summary>
    public static byte[] Render(AssuranceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var builder = new PdfDocumentBuilder();
        // The title is what a PDF reader's window and a saved file's properties show: it names whose report it is.
        builder.DocumentInformation.Title = report.Scope is { Level: ComplianceLevel.Ics } ics
            ? $"Extended access assurance report: {ics.Name}, {report.Month.Name}"
            : report.Pages.Count == 1
                ? $"Extended access assurance report: {report.Pages[0].Ccg.Name}, {report.Month.Name}"
                : $"Extended access assurance report: {report.Month.Name}";
        builder.DocumentInformation.Subject = "Extended-access capacity, coverage and use for NHS England";
        builder.DocumentInformation.Author = "Forward";
        builder.DocumentInformation.Creator = "Forward";

        var fonts = new Fonts(builder.AddTrueTypeFont(AssuranceFonts.Regular), builder.AddTrueTypeFont(AssuranceFonts.Bold));
        for (var i = 0; i < report.Pages.Count; i++)
        {
            var canvas = new Canvas(builder.AddPage(PageSize.A4));
            new PageWriter(canvas, fonts, report, report.Pages[i], i + 1).Draw();
        }

        if (report.Pages.Count == 0)
        {
            // A PDF must have a page; say why this one is empty rather than fail.
            var canvas = new Canvas(builder.AddPage(PageSize.A4));
            canvas.DrawString($"Extended access assurance report, {report.Month.Name}: no CCG was chosen.", fonts.Body, Black, new Box(Margin, Margin, 400, 12), Align.Left);
        }

        return builder.Build();
    }

    /// <summary>The words a RAG is printed with.</summary>
    public static string RagText(Rag rag) => Wording.Rag(rag, NoData);

    private static string Minutes(decimal? value) => Wording.OneDecimal(value, NoData);

    private static string Percent(decimal? value) => Wording.Percent(value, NoData);

    /// <summary>Capacity beside its RAG: cut, not rounded, so 29.98 is not printed "30.0" beside Red.</summary>
    private static string RatedMinutes(decimal? value) => Wording.RatedFigure(value, NoData);

    /// <summary>Coverage beside its RAG, cut as <see cref="RatedMinutes"/>.</summary>
    private static string RatedPercent(decimal? value) => Wording.RatedPercent(value, NoData);

    private static string Whole(decimal value) => value.ToString("#,0.#", Uk);

    /// <summary>An sRGB colour.</summary>
    private readonly record struct Colour(byte R, byte G, byte B);

    /// <summary>A rectangle measured from the page's top-left corner, in points, as the layout thinks of it.</summary>
    private readonly record struct Box(double Left, double Top, double Width, double Height);

    private enum Align
    {
        Left,
        Centre,
        Right,
    }

    /// <summary>A font at a size.</summary>
    private sealed record Face(PdfDocumentBuilder.AddedFont Font, double Size);

    private sealed class Fonts(PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold)
    {
        public Face Title { get; } = new(bold, 16);

        public Face Heading { get; } = new(bold, 13);

        public Face Section { get; } = new(bold, 10.5);

        public Face Body { get; } = new(regular, 8.5);

        public Face BodyBold { get; } = new(bold, 8.5);

        public Face Small { get; } = new(regular, 7);

        public Face SmallBold { get; } = new(bold, 7);
    }

    /// <summary>
    /// PdfPig's page with the origin at the top left (PDF's is bottom left), so the layout reads top to bottom, and the
    /// few things it lacks: measured, aligned text in a box, filled boxes with a border, dashed lines.
    /// </summary>
    private sealed class Canvas(PdfPageBuilder page)
    {
        private readonly double height = page.PageSize.Height;

        public double Measure(string text, Face face)
        {
            if (text.Length == 0)
            {
                return 0;
            }

            var letters = page.MeasureText(text, face.Size, new PdfPoint(0, 0), face.Font);
            return letters.Count == 0 ? 0 : letters[^1].EndBaseLine.X - letters[0].StartBaseLine.X;
        }

        /// <summary>One line of text, centred vertically in the box and aligned across it.</summary>
        public void DrawString(string text, Face face, Colour colour, Box box, Align align)
        {
            if (text.Length == 0)
            {
                return;
            }

            var width = Measure(text, face);
            var left = align switch
            {
                Align.Centre => box.Left + ((box.Width - width) / 2),
                Align.Right => box.Left + box.Width - width,
                _ => box.Left,
            };
            var baseline = box.Top + (box.Height / 2) + (face.Size * 0.35);
            page.SetTextAndFillColor(colour.R, colour.G, colour.B);
            page.AddText(text, face.Size, new PdfPoint(left, height - baseline), face.Font);
            page.ResetColor();
        }

        public void DrawLine(Colour colour, double width, double x1, double y1, double x2, double y2)
        {
            page.SetStrokeColor(colour.R, colour.G, colour.B);
            page.DrawLine(new PdfPoint(x1, height - y1), new PdfPoint(x2, height - y2), width);
            page.ResetColor();
        }

        /// <summary>A horizontal dashed line: 4 points on, 3 off.</summary>
        public void DrawDashedLine(Colour colour, double width, double x1, double x2, double y)
        {
            for (var x = x1; x < x2; x += 7)
            {
                DrawLine(colour, width, x, y, Math.Min(x + 4, x2), y);
            }
        }

        public void FillRectangle(Colour fill, Box box, Colour? border = null)
        {
            page.SetTextAndFillColor(fill.R, fill.G, fill.B);
            page.SetStrokeColor(border?.R ?? fill.R, border?.G ?? fill.G, border?.B ?? fill.B);
            page.DrawRectangle(new PdfPoint(box.Left, height - box.Top - box.Height), box.Width, box.Height, border is null ? 0.01 : 0.5, fill: true);
            page.ResetColor();
        }
    }

    /// <summary>Draws one CCG's page top to bottom, keeping the current height in <see cref="y"/>.</summary>
    private sealed class PageWriter(Canvas canvas, Fonts fonts, AssuranceReport report, AssurancePage page, int number)
    {
        private const double Width = 595.0 - (2 * Margin);
        private double y = Margin;

        public void Draw()
        {
            Header();
            Headlines();
            Chart();
            Networks();
            Footer();
        }

        private void Header()
        {
            Text("Extended access assurance report", fonts.Title, Black, 20);
            y += 2;
            Text($"{page.Ccg.Name} ({page.Ccg.Code})", fonts.Heading, Black, 16);
            if (report.Scope is { Level: ComplianceLevel.Ics } ics)
            {
                // A page printed or passed on alone still says which system's report it came from.
                Text($"One of {Wording.Plural(report.Pages.Count, "CCG", "CCGs")} in {ics.Name}'s report.", fonts.Body, Black, 12);
            }

            var t = page.Figures.Totals;
            Text($"{report.Month.Name}: {Wording.Date(page.Range.From)} to {Wording.Date(page.Range.To)} ({Wording.Plural(page.Range.Days, "day", "days")}). Registered population {t.Population.ToString("N0", Uk)}.", fonts.Body, Black, 12);
            var generated = London.ToLocal(report.GeneratedUtc);
            Text($"Generated {Wording.Date(DateOnly.FromDateTime(generated))} at {Wording.Time(generated)} (London time) by Forward.", fonts.Small, Grey, 11);
            if (report.Unfinished)
            {
                Text($"{report.Month.Name} has not ended: the figures include sessions still to come and will change.", fonts.SmallBold, Black, 11);
            }

            if (page.StartsBeforeRecords && page.RecordsFrom is { } recordsFrom)
            {
                Text(Wording.BeforeRecords(recordsFrom), fonts.SmallBold, Black, 11);
            }

            if (page.Range.To > page.PlannedThrough)
            {
                Text(Wording.NotYetPlanned(page.PlannedThrough), fonts.SmallBold, Black, 11);
            }

            if (t.Population == 0)
            {
                Text("No registered population is recorded for this CCG, so the per-1,000 figures have no data.", fonts.SmallBold, Black, 11);
            }

            y += 6;
        }

        private void Headlines()
        {
            Text("Headline figures", fonts.Section, Black, 15);
            var f = page.Figures;
            var t = f.Totals;
            var capacity = RagThresholds.Capacity;
            var channels = string.Join(", ", Enum.GetValues<BookingChannel>().Select(c => $"{Wording.Channel(c)} {Percent(f.ChannelShare(c))}"));
            var rows = new (string Measure, string Value, Rag? Rag, string Note)[]
            {
                ("Minutes per 1,000 patients per week", RatedMinutes(f.MinutesPer1000PerWeek), f.CapacityRag, $"against {Whole(capacity.Minimum)} (minimum) and {Whole(capacity.Stretch)} (rising target)"),
                ("Population with evening cover", RatedPercent(f.EveningCoverage), f.EveningCoverageRag, "against 100%: 18:30 to 20:00 every weekday"),
                ("Population with weekend cover", RatedPercent(f.WeekendCoverage), f.WeekendCoverageRag, "against 100%: every Saturday and Sunday"),
                ("Population fully covered", RatedPercent(f.FullCoverage), f.FullCoverageRag, "against 100%: evenings and weekends"),
                ("Utilisation", Percent(f.Utilisation), null, $"slots booked of {Whole(t.OfferedSlots)} offered"),
                ("Did not attend", Percent(f.DnaRate), null, Wording.Plural(t.DidNotAttend, "missed appointment", "missed appointments")),
                ("Cancellations", t.Cancelled.ToString("N0", Uk), null, $"{Percent(f.CancellationRate)} of {Wording.Plural(t.Appointments, "appointment", "appointments")}"),
                ("Appointments per 1,000 patients per week", Minutes(f.AppointmentsPer1000PerWeek), null, "appointments not cancelled"),
                ("Telephone or video", Percent(f.RemoteShare), null, "the rest face to face"),
                ("Booked by", string.Empty, null, channels),
            };

            const double valueRight = Margin + 290;
            const double ragLeft = Margin + 300;
            TableRule();
            foreach (var row in rows)
            {
                canvas.DrawString(row.Measure, fonts.Body, Black, new Box(Margin, y, 220, 16), Align.Left);
                canvas.DrawString(row.Value, fonts.BodyBold, Black, new Box(valueRight - 70, y, 70, 16), Align.Right);
                var noteLeft = ragLeft;
                if (row.Rag is { } rag)
                {
                    Chip(rag, f.Withheld is not null, new Box(ragLeft, y + 2, 44, 12));
                    noteLeft += 50;
                }

                // A row with no single value ("Booked by") lets its note use the value column too.
                var left = row.Value.Length == 0 ? valueRight - 70 : noteLeft;
                var width = Margin + Width - left;
                canvas.DrawString(Fit(row.Note, fonts.Small, width), fonts.Small, Grey, new Box(left, y, width, 16), Align.Left);
                y += 16;
                TableRule();
            }

            y += 10;
        }

        private void Chart()
        {
            var capacity = RagThresholds.Capacity;
            Text("Capacity per week", fonts.Section, Black, 14);
            Text($"Minutes per 1,000 registered patients in each week (Monday to Sunday, cut at the month's ends); dashed lines mark the {Whole(capacity.Minimum)} and {Whole(capacity.Stretch)} minute targets. A part week at the month's start or end is not rated: weekend days count whole and weekdays only from 18:30, so its days are not a week's mix.", fonts.Small, Grey, 10);

            const double height = 130;
            var left = Margin + 28;
            var right = Margin + Width - 78;
            var top = y + 8;
            var bottom = top + height;
            var weeks = page.Weeks;
            var values = weeks.Select(w => w.Figures.MinutesPer1000PerWeek).ToList();
            var highest = Math.Max((double)capacity.Stretch * 1.25, (double)values.Select(v => v ?? 0m).DefaultIfEmpty(0m).Max() * 1.1);
            var step = NiceStep(highest / 4);
            var max = Math.Ceiling(highest / step) * step;
            double Y(double value) => bottom - (height * value / max);

            for (var v = 0.0; v <= max + 0.001; v += step)
            {
                canvas.DrawLine(Pale, 0.5, left, Y(v), right, Y(v));
                canvas.DrawString(v.ToString("0", Uk), fonts.Small, Black, new Box(Margin, Y(v) - 5, 24, 10), Align.Right);
            }

            canvas.DrawLine(Black, 0.75, left, bottom, right, bottom);
            if (weeks.Count == 0)
            {
                canvas.DrawString("No weeks to show.", fonts.Body, Black, new Box(left, top, right - left, height), Align.Centre);
            }

            // Target lines first: a bar drawn over them keeps its value label clear.
            TargetLine(capacity.Minimum, "minimum", Amber, left, right, Y);
            TargetLine(capacity.Stretch, "rising target", Green, left, right, Y);
            var slot = (right - left) / Math.Max(1, weeks.Count);
            for (var i = 0; i < weeks.Count; i++)
            {
                var x = left + (slot * i);
                if (values[i] is { } value)
                {
                    var rag = weeks[i].Figures.CapacityRag;
                    var barTop = Y((double)value);
                    if (bottom - barTop > 0.1)
                    {
                        canvas.FillRectangle(RagColour(rag), new Box(x + (slot * 0.2), barTop, slot * 0.6, bottom - barTop));
                    }

                    // Inside the top of a tall bar (clear of the target lines drawn across it), above a short one.
                    var inside = bottom - barTop > 14;
                    canvas.DrawString(RatedMinutes(value), fonts.SmallBold, inside && rag is Rag.Red or Rag.Green ? White : Black, new Box(x, inside ? barTop + 1 : barTop - 11, slot, 10), Align.Centre);
                    if (weeks[i].Figures.Withheld is { } withheld)
                    {
                        // Two short lines: a narrow week's slot has no room for the label on one.
                        var words = Wording.NotRated(withheld).Split(", ", 2);
                        canvas.DrawString(Fit(words[0] + ",", fonts.Small, slot), fonts.Small, Black, new Box(x, bottom + 10, slot, 9), Align.Centre);
                        canvas.DrawString(Fit(words[^1], fonts.Small, slot), fonts.Small, Black, new Box(x, bottom + 18, slot, 9), Align.Centre);
                    }
                    else
                    {
                        canvas.DrawString(RagText(rag), fonts.Small, Black, new Box(x, bottom + 10, slot, 9), Align.Centre);
                    }
                }
                else
                {
                    canvas.DrawString("No data", fonts.Small, Black, new Box(x, bottom - 12, slot, 10), Align.Centre);
                }

                var week = weeks[i].Week;
                var label = week.From == week.To
                    ? week.From.ToString("d MMM", Uk)
                    : $"{week.From.ToString("d MMM", Uk)} to {week.To.ToString("d MMM", Uk)}";
                canvas.DrawString(Fit(label, fonts.Small, slot), fonts.Small, Black, new Box(x, bottom + 1, slot, 9), Align.Centre);
            }

            y = bottom + 30;
        }

        private void TargetLine(decimal target, string name, Colour colour, double left, double right, Func<double, double> toY)
        {
            var at = toY((double)target);
            canvas.DrawDashedLine(Black, 1.25, left, right, at);
            canvas.DrawLine(colour, 3, right + 2, at, right + 10, at);
            canvas.DrawString($"{Whole(target)} {name}", fonts.Small, Black, new Box(right + 12, at - 5, 70, 10), Align.Left);
        }

        private void Networks()
        {
            Text("By primary care network", fonts.Section, Black, 15);
            if (page.Networks.Count == 0)
            {
                Text("This CCG has no primary care networks.", fonts.Body, Black, 12);
                return;
            }

            const double rowHeight = 14;
            double[] lefts = [Margin, Margin + 230, Margin + 290, Margin + 375, Margin + 460];
            void Row(string name, string code, string minutes, string per1000, ComplianceFigures? figures, Face face)
            {
                canvas.DrawString(Fit(name, face, 225), face, Black, new Box(lefts[0], y, 225, rowHeight), Align.Left);
                canvas.DrawString(Fit(code, face, 55), face, Black, new Box(lefts[1], y, 55, rowHeight), Align.Left);
                canvas.DrawString(minutes, face, Black, new Box(lefts[2], y, 75, rowHeight), Align.Right);
                canvas.DrawString(per1000, face, Black, new Box(lefts[3], y, 75, rowHeight), Align.Right);
                if (figures is not null)
                {
                    Chip(figures.CapacityRag, figures.Withheld is not null, new Box(lefts[4], y + 1.5, 44, 11));
                }
                else
                {
                    canvas.DrawString("Against target", face, Black, new Box(lefts[4], y, 60, rowHeight), Align.Left);
                }

                y += rowHeight;
                TableRule();
            }

            Row("PCN", "Code", "Minutes offered", "Per 1,000 a week", null, fonts.SmallBold);
            var room = (int)Math.Floor((FooterTop - 14 - y) / rowHeight);
            var shown = page.Networks.Count <= room ? page.Networks.Count : Math.Max(0, room - 1);
            foreach (var n in page.Networks.Take(shown))
            {
                Row(n.Entity.Name, n.Entity.Code, Whole(n.Figures.Totals.ExtendedMinutes), RatedMinutes(n.Figures.MinutesPer1000PerWeek), n.Figures, fonts.Small);
            }

            if (shown < page.Networks.Count)
            {
                var more = page.Networks.Count - shown;
                Text($"{Wording.Plural(more, "more PCN is", "more PCNs are")} not shown here: the access dashboard lists every PCN.", fonts.SmallBold, Black, 12);
            }
        }

        private void Footer()
        {
            var capacity = RagThresholds.Capacity;
            var coverage = RagThresholds.Coverage;
            var key = $"RAG: capacity is red below {Whole(capacity.Minimum)}, amber from {Whole(capacity.Minimum)} to under {Whole(capacity.Stretch)} and green at {Whole(capacity.Stretch)} or more minutes per 1,000 registered patients per week; "
                + $"cover is red below {Percent(coverage.Minimum)}, amber from {Percent(coverage.Minimum)} and green at {Percent(coverage.Stretch)} of the population. "
                + "Capacity counts only minutes in extended hours (weekdays from 18:30, weekends and bank holidays), shared between the practices each hub serves by list size. "
                + "No data means there was nothing to divide by (no population, slots or appointments).";
            canvas.DrawLine(Rule, 0.5, Margin, FooterTop - 4, Margin + Width, FooterTop - 4);
            y = FooterTop;
            Text(key, fonts.Small, Grey, 9);
            canvas.DrawString($"{page.Ccg.Code}, {report.Month}, page {number} of {report.Pages.Count}", fonts.Small, Black, new Box(Margin, y + 1, Width, 9), Align.Right);
        }

        /// <summary>
        /// A RAG as a coloured box with its word inside: the word carries the meaning, the colour helps. Figures whose rating
        /// is withheld say so, rather than "No data" (they have data).
        /// </summary>
        private void Chip(Rag rag, bool withheld, Box box)
        {
            canvas.FillRectangle(RagColour(rag), box, Black);
            canvas.DrawString(withheld ? "Not rated" : RagText(rag), fonts.SmallBold, rag is Rag.Red or Rag.Green ? White : Black, box, Align.Centre);
        }

        private void TableRule() => canvas.DrawLine(Rule, 0.5, Margin, y, Margin + Width, y);

        /// <summary>Text across the page, wrapped at spaces, each line <paramref name="lineHeight"/> below the last.</summary>
        private void Text(string text, Face face, Colour colour, double lineHeight)
        {
            foreach (var line in Wrap(text, face, Width))
            {
                canvas.DrawString(line, face, colour, new Box(Margin, y, Width, lineHeight), Align.Left);
                y += lineHeight;
            }
        }

        /// <summary>Splits text into lines no wider than the width, at spaces.</summary>
        private List<string> Wrap(string text, Face face, double width)
        {
            var lines = new List<string>();
            var line = string.Empty;
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && canvas.Measure(candidate, face) > width)
                {
                    lines.Add(line);
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            if (line.Length > 0 || lines.Count == 0)
            {
                lines.Add(line);
            }

            return lines;
        }

        /// <summary>The text, cut with an ellipsis if it is wider than the width.</summary>
        private string Fit(string text, Face face, double width)
        {
            if (canvas.Measure(text, face) <= width)
            {
                return text;
            }

            var cut = text;
            while (cut.Length > 1 && canvas.Measure(cut + "…", face) > width)
            {
                cut = cut[..^1];
            }

            return cut.TrimEnd() + "…";
        }
    }

    private static Colour RagColour(Rag rag) => rag switch
    {
        Rag.Red => Red,
        Rag.Amber => Amber,
        Rag.Green => Green,
        _ => Pale,
    };

    /// <summary>A step of 1, 2, 2.5 or 5 times a power of ten, at least the rough step asked for.</summary>
    private static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(rough, 1e-9))));
        foreach (var m in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            if (m * power >= rough)
            {
                return m * power;
            }
        }

        return 10 * power;
    }
}
