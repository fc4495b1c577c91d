using Forward.Domain.Booking;

namespace Forward.Domain.Compliance;

/// <summary>
/// The figures a dashboard shows for one group over one range, all derived from a <see cref="ComplianceTotals"/>.
/// Rates and shares are fractions (0.25 means 25%); null means "not applicable": the denominator is zero, so there is
/// nothing to divide (no population, no offered slots, no appointments).
/// </summary>
public sealed class ComplianceFigures
{
    private readonly ComplianceRules rules;

    /// <param name="withheld">
    /// Set when the figures are not a whole the targets apply to: every RAG is then <see cref="Rag.NotApplicable"/>,
    /// the values stay.
    /// </param>
    public ComplianceFigures(ComplianceTotals totals, DateRange range, ComplianceRules? rules = null, RatingWithheld? withheld = null)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(range);
        rules ??= ComplianceRules.Default;
        this.rules = rules;
        Totals = totals;
        Range = range;
        Withheld = withheld;
        MinutesPer1000PerWeek = PerThousandPerWeek(totals.ExtendedMinutes, totals.Population, range);
        EveningCoverage = Ratio(totals.EveningCoveredPopulation, totals.EveningAssessedPopulation);
        WeekendCoverage = Ratio(totals.WeekendCoveredPopulation, totals.WeekendAssessedPopulation);
        FullCoverage = Ratio(totals.FullyCoveredPopulation, totals.FullyAssessedPopulation);
        var capacityTargets = withheld is null ? rules.CapacityTargets : null;
        var coverageTargets = withheld is null ? rules.CoverageTargets : null;
        CapacityRag = capacityTargets?.Classify(MinutesPer1000PerWeek) ?? Rag.NotApplicable;
        EveningCoverageRag = coverageTargets?.Classify(EveningCoverage) ?? Rag.NotApplicable;
        WeekendCoverageRag = coverageTargets?.Classify(WeekendCoverage) ?? Rag.NotApplicable;
        FullCoverageRag = coverageTargets?.Classify(FullCoverage) ?? Rag.NotApplicable;
        Utilisation = Ratio(totals.UsedSlots, totals.OfferedSlots);
        DnaRate = Ratio(totals.DidNotAttend, totals.Attended + totals.DidNotAttend);
        CancellationRate = Ratio(totals.Cancelled, totals.Appointments);
        SameDayShare = Ratio(totals.SameDay, totals.SameDay + totals.PreBooked);
        RemoteShare = Ratio(totals.Remote, totals.Remote + totals.FaceToFace);
        AppointmentsPer1000PerWeek = PerThousandPerWeek(totals.Held, totals.Population, range);
        ConsultationsPerWeek = (totals.Booked + totals.Attended) * 7m / range.Days;
    }

    public ComplianceTotals Totals { get; }

    public DateRange Range { get; }

    public decimal Weeks => Range.Weeks;

    /// <summary>Why the figures carry no RAG although they have values; null when they are rated.</summary>
    public RatingWithheld? Withheld { get; }

    /// <summary>The same figures with every RAG withheld for the reason given.</summary>
    public ComplianceFigures WithoutRating(RatingWithheld reason) => new(Totals, Range, rules, reason);

    /// <summary>Extended-hours minutes offered per 1,000 registered patients per week.</summary>
    public decimal? MinutesPer1000PerWeek { get; }

    /// <summary>Against 30 (minimum) and 45 (rising) minutes by default.</summary>
    public Rag CapacityRag { get; }

    /// <summary>Share of population whose hubs cover every weekday evening 18:30–20:00.</summary>
    public decimal? EveningCoverage { get; }

    /// <summary>Share of population whose hubs offer slots every Saturday and Sunday.</summary>
    public decimal? WeekendCoverage { get; }

    /// <summary>Share of population covered both evenings and weekends (the 100% target).</summary>
    public decimal? FullCoverage { get; }

    public Rag EveningCoverageRag { get; }

    public Rag WeekendCoverageRag { get; }

    public Rag FullCoverageRag { get; }

    /// <summary>Slots used by booked, attended or DNA appointments ÷ offered (not withdrawn) slots.</summary>
    public decimal? Utilisation { get; }

    /// <summary>Did not attend ÷ (attended + did not attend): appointments still awaiting an outcome are left out.</summary>
    public decimal? DnaRate { get; }

    /// <summary>Cancelled ÷ all appointments.</summary>
    public decimal? CancellationRate { get; }

    /// <summary>Same-day bookings ÷ all bookings; pre-booked is the rest.</summary>
    public decimal? SameDayShare { get; }

    /// <summary>Telephone and video ÷ appointments not cancelled; face to face is the rest.</summary>
    public decimal? RemoteShare { get; }

    /// <summary>Appointments not cancelled per 1,000 registered patients per week.</summary>
    public decimal? AppointmentsPer1000PerWeek { get; }

    /// <summary>Appointments attended or still booked (neither cancelled nor missed), per week.</summary>
    public decimal ConsultationsPerWeek { get; }

    /// <summary>Share of all appointments (cancelled included) booked through the channel.</summary>
    public decimal? ChannelShare(BookingChannel channel) => Ratio(Totals.ViaChannel(channel), Totals.Appointments);

    /// <summary>One division, amount × 7,000 ÷ (population × days), so a partial week loses no precision to 1/7.</summary>
    public static decimal? PerThousandPerWeek(decimal amount, long population, DateRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return population <= 0 ? null : amount * 7000m / ((decimal)population * range.Days);
    }

    private static decimal? Ratio(decimal part, decimal whole) => whole == 0 ? null : part / whole;
}
