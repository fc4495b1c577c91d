using Forward.Domain.Booking;
using Forward.Domain.Hubs;

namespace Forward.Domain.Compliance;

/// <summary>
/// The additive parts behind every compliance figure. A figure at any level (practice, PCN, CCG, ICS) is computed from
/// the sum of its practices' totals, and totals only ever add, so a parent always equals the sum of its children.
/// Ratios are never stored here: an average of ratios would not add up.
/// </summary>
public sealed record ComplianceTotals
{
    public static ComplianceTotals Zero { get; } = new();

    /// <summary>Offered (not withdrawn) slot minutes inside extended hours, apportioned to practices by list size.</summary>
    public decimal ExtendedMinutes { get; init; }

    /// <summary>Offered (not withdrawn) slots starting in the range at any hour, apportioned like the minutes.</summary>
    public decimal OfferedSlots { get; init; }

    /// <summary>Slots held by booked, attended or did-not-attend appointments of the practice's patients.</summary>
    public int UsedSlots { get; init; }

    public int Booked { get; init; }

    public int Attended { get; init; }

    public int DidNotAttend { get; init; }

    public int Cancelled { get; init; }

    /// <summary>Booked on the London date of the appointment (or, if recorded late, after it); cancelled ones included.</summary>
    public int SameDay { get; init; }

    /// <summary>Booked on an earlier London date; cancelled ones included.</summary>
    public int PreBooked { get; init; }

    /// <summary>Telephone or video, among appointments not cancelled.</summary>
    public int Remote { get; init; }

    /// <summary>Face to face, among appointments not cancelled.</summary>
    public int FaceToFace { get; init; }

    public int ViaPractice { get; init; }

    public int ViaNhs111 { get; init; }

    public int ViaHub { get; init; }

    public int ViaOnline { get; init; }

    /// <summary>Registered patients (list sizes). Comes only from practices, never from hub or session entries.</summary>
    public long Population { get; init; }

    /// <summary>Population of practices whose evening coverage could be judged (the range has an ordinary weekday).</summary>
    public long EveningAssessedPopulation { get; init; }

    public long EveningCoveredPopulation { get; init; }

    public long WeekendAssessedPopulation { get; init; }

    public long WeekendCoveredPopulation { get; init; }

    public long FullyAssessedPopulation { get; init; }

    public long FullyCoveredPopulation { get; init; }

    /// <summary>Every appointment in the range, cancelled ones included.</summary>
    public int Appointments => Booked + Attended + DidNotAttend + Cancelled;

    /// <summary>Appointments not cancelled: the ones a patient was, or will be, given.</summary>
    public int Held => Booked + Attended + DidNotAttend;

    public static ComplianceTotals operator +(ComplianceTotals left, ComplianceTotals right) => Add(left, right);

    public static ComplianceTotals Add(ComplianceTotals left, ComplianceTotals right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new ComplianceTotals
        {
            ExtendedMinutes = left.ExtendedMinutes + right.ExtendedMinutes,
            OfferedSlots = left.OfferedSlots + right.OfferedSlots,
            UsedSlots = left.UsedSlots + right.UsedSlots,
            Booked = left.Booked + right.Booked,
            Attended = left.Attended + right.Attended,
            DidNotAttend = left.DidNotAttend + right.DidNotAttend,
            Cancelled = left.Cancelled + right.Cancelled,
            SameDay = left.SameDay + right.SameDay,
            PreBooked = left.PreBooked + right.PreBooked,
            Remote = left.Remote + right.Remote,
            FaceToFace = left.FaceToFace + right.FaceToFace,
            ViaPractice = left.ViaPractice + right.ViaPractice,
            ViaNhs111 = left.ViaNhs111 + right.ViaNhs111,
            ViaHub = left.ViaHub + right.ViaHub,
            ViaOnline = left.ViaOnline + right.ViaOnline,
            Population = left.Population + right.Population,
            EveningAssessedPopulation = left.EveningAssessedPopulation + right.EveningAssessedPopulation,
            EveningCoveredPopulation = left.EveningCoveredPopulation + right.EveningCoveredPopulation,
            WeekendAssessedPopulation = left.WeekendAssessedPopulation + right.WeekendAssessedPopulation,
            WeekendCoveredPopulation = left.WeekendCoveredPopulation + right.WeekendCoveredPopulation,
            FullyAssessedPopulation = left.FullyAssessedPopulation + right.FullyAssessedPopulation,
            FullyCoveredPopulation = left.FullyCoveredPopulation + right.FullyCoveredPopulation,
        };
    }

    public static ComplianceTotals Sum(IEnumerable<ComplianceTotals> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Aggregate(Zero, Add);
    }

    public int ViaChannel(BookingChannel channel) => channel switch
    {
        BookingChannel.Practice => ViaPractice,
        BookingChannel.Nhs111 => ViaNhs111,
        BookingChannel.Hub => ViaHub,
        BookingChannel.Online => ViaOnline,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Unknown booking channel."),
    };

    /// <summary>One appointment's contribution; <paramref name="sameDay"/> is decided by the caller in London time.</summary>
    internal static ComplianceTotals ForAppointment(BookedAppointment appointment, bool sameDay)
    {
        var held = appointment.Status != AppointmentStatus.Cancelled;
        var remote = appointment.Mode is DeliveryMode.Telephone or DeliveryMode.Video;
        return new ComplianceTotals
        {
            UsedSlots = held ? appointment.SlotCount : 0,
            Booked = appointment.Status == AppointmentStatus.Booked ? 1 : 0,
            Attended = appointment.Status == AppointmentStatus.Attended ? 1 : 0,
            DidNotAttend = appointment.Status == AppointmentStatus.DidNotAttend ? 1 : 0,
            Cancelled = held ? 0 : 1,
            SameDay = sameDay ? 1 : 0,
            PreBooked = sameDay ? 0 : 1,
            Remote = held && remote ? 1 : 0,
            FaceToFace = held && !remote ? 1 : 0,
            ViaPractice = appointment.Channel == BookingChannel.Practice ? 1 : 0,
            ViaNhs111 = appointment.Channel == BookingChannel.Nhs111 ? 1 : 0,
            ViaHub = appointment.Channel == BookingChannel.Hub ? 1 : 0,
            ViaOnline = appointment.Channel == BookingChannel.Online ? 1 : 0,
        };
    }

    internal static ComplianceTotals ForPractice(int listSize, PracticeCoverage coverage) => new()
    {
        Population = listSize,
        EveningAssessedPopulation = coverage.Evening is null ? 0 : listSize,
        EveningCoveredPopulation = coverage.Evening == true ? listSize : 0,
        WeekendAssessedPopulation = coverage.Weekend is null ? 0 : listSize,
        WeekendCoveredPopulation = coverage.Weekend == true ? listSize : 0,
        FullyAssessedPopulation = coverage.Full is null ? 0 : listSize,
        FullyCoveredPopulation = coverage.Full == true ? listSize : 0,
    };
}
