namespace Forward.Domain.Compliance;

/// <summary>Red, amber, green against a target; not applicable when there is nothing to measure (no population, no days).</summary>
public enum Rag
{
    NotApplicable,
    Red,
    Amber,
    Green,
}

/// <summary>Why figures that have values carry no RAG: they are not a whole of what the targets are set for.</summary>
public enum RatingWithheld
{
    /// <summary>A week cut at the range's start or end: its days are not a week's mix of weekdays and weekend days.</summary>
    PartWeek,

    /// <summary>One part of a figure (a session of a hub, a hub's share of a practice), not a population's whole provision.</summary>
    Share,

    /// <summary>
    /// A range under four weeks that is not whole Monday-to-Sunday weeks: its per-week figure leans on whichever days it
    /// holds (a weekend alone, or weekdays alone), as a part week's does.
    /// </summary>
    ShortRange,

    /// <summary>
    /// A month cut at the range's start or end to under four weeks that are not whole weeks: as a part week, its days are
    /// not a month's mix.
    /// </summary>
    PartMonth,

    /// <summary>
    /// Takes in days after the last one slots are planned for (the rolling slot horizon): those days have no slots yet, so
    /// their capacity counts as none and the figure is not a judgement of what will be offered.
    /// </summary>
    NotYetPlanned,

    /// <summary>
    /// Starts before the first day Forward holds slots for (the hubs began using it later, or have no slots at all): the
    /// days before that have none recorded, so their capacity counts as none and the figure is not a judgement of what
    /// was offered.
    /// </summary>
    BeforeRecords,
}

/// <summary>
/// Two-step target: red below <see cref="Minimum"/>, amber from it up to (not including) <see cref="Stretch"/>, green at
/// or above it. A value exactly on a threshold takes the better colour, because the plans say "at least".
/// </summary>
public sealed record RagThresholds
{
    public RagThresholds(decimal minimum, decimal stretch)
    {
        if (stretch < minimum)
        {
            throw new ArgumentOutOfRangeException(nameof(stretch), "The stretch target must not be below the minimum.");
        }

        Minimum = minimum;
        Stretch = stretch;
    }

    /// <summary>Minutes per 1,000 registered patients per week: 30, rising to 45 (Worcestershire plan, NHS England per week).</summary>
    public static RagThresholds Capacity { get; } = new(30m, 45m);

    /// <summary>Share of population covered: NHS England asked for 50% by March 2018 and the seeds for 100% by March 2019.</summary>
    public static RagThresholds Coverage { get; } = new(0.5m, 1m);

    public decimal Minimum { get; }

    public decimal Stretch { get; }

    /// <summary>Compares the unrounded value: a page showing "30.0" for 29.96 must still show red.</summary>
    public Rag Classify(decimal? value) => value switch
    {
        null => Rag.NotApplicable,
        { } v when v < Minimum => Rag.Red,
        { } v when v < Stretch => Rag.Amber,
        _ => Rag.Green,
    };
}

/// <summary>The knobs of the compliance rules; <see cref="Default"/> is what the seeds and NHS England set.</summary>
public sealed record ComplianceRules
{
    public static ComplianceRules Default { get; } = new();

    /// <summary>On an ordinary weekday only minutes from this London time to midnight count as extended hours.</summary>
    public TimeOnly EveningStart { get; init; } = ExtendedHours.DefaultEveningStart;

    /// <summary>A weekday counts as evening covered when offered slots span from <see cref="EveningStart"/> to this time.</summary>
    public TimeOnly EveningCoveredUntil { get; init; } = new(20, 0);

    /// <summary>
    /// How many minutes of the evening window may go unoffered on a day that still counts as covered. Zero by default:
    /// a session whose slot length does not divide 90 minutes (20-minute slots end 19:50) is not full coverage.
    /// </summary>
    public TimeSpan EveningCoverageTolerance { get; init; } = TimeSpan.Zero;

    public RagThresholds CapacityTargets { get; init; } = RagThresholds.Capacity;

    public RagThresholds CoverageTargets { get; init; } = RagThresholds.Coverage;
}
