using Forward.Domain.Booking;

namespace Forward.Domain.Compliance;

/// <summary>
/// The figures a dashboard shows for one group over one range, all derived from a <see cref="ComplianceTotals"/>.
/// Rates and shares are fractions (0.25 means 25%); null means "not applicable": the denominator is zero, so there is
/// nothing to divide (no population, no offered slots, no appointments).
/// </summary>
public sealed class ComplianceFigures
{
    public ComplianceFigures(ComplianceTotals totals, DateRange range, ComplianceRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(range);
        rules ??= ComplianceRules.Default;
        Totals = totals;
        Range = range;
        MinutesPer1000PerWeek = PerThousandPerWeek(totals.ExtendedMinutes, totals.Population, range);
        CapacityRag = rules.CapacityTargets.Classify(MinutesPer1000PerWeek);
        EveningCoverage = Ratio(totals.EveningCoveredPopulation, totals.EveningAssessedPopulation);
        WeekendCoverage = Ratio(totals.WeekendCoveredPopulation, totals.WeekendAssessedPopulation);
        FullCoverage = Ratio(totals.FullyCoveredPopulation, totals.FullyAssessedPopulation);
        EveningCoverageRag = rules.CoverageTargets.Classify(EveningCoverage);
        WeekendCoverageRag = rules.CoverageTargets.Classify(WeekendCoverage);
        FullCoverageRag = rules.CoverageTargets.Classify(FullCoverage);
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
