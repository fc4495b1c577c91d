using Forward.Domain.Booking;
using Forward.Domain.Hubs;

namespace Forward.Domain.Compliance;

/// <summary>A slot as the compliance rules need it (from <c>Slot</c>). A withdrawn slot was never really offered.</summary>
public sealed record OfferedSlot(int HubId, int SessionId, DateTime StartUtc, DateTime EndUtc, DeliveryMode Mode, ClinicianRole Role, SlotStatus Status)
{
    public bool IsOffered => Status != SlotStatus.Withdrawn;
}

/// <summary>
/// An appointment as the compliance rules need it. <paramref name="PracticeId"/> is the patient's registered practice,
/// <paramref name="SessionId"/> the session of the slots it holds, <paramref name="SlotCount"/> how many adjacent slots it
/// holds (a double appointment uses two) and <paramref name="Mode"/> the delivery mode of those slots.
/// </summary>
public sealed record BookedAppointment(
    long AppointmentId,
    int PracticeId,
    int HubId,
    int SessionId,
    DateTime StartUtc,
    DateTime CreatedUtc,
    AppointmentStatus Status,
    BookingChannel Channel,
    DeliveryMode Mode,
    int SlotCount = 1);

public sealed record PracticePopulation(int PracticeId, int ListSize);

/// <summary>The practices whose patients a hub serves (from <c>HubPractice</c>).</summary>
public sealed record HubCoverage(int HubId, IReadOnlyCollection<int> PracticeIds);

/// <summary>
/// Everything one compliance calculation reads. <see cref="Practices"/> must include every practice a hub in
/// <see cref="Hubs"/> serves and every practice an appointment names, even outside the area reported on: shared
/// capacity is apportioned over all the practices a hub serves, so leaving one out would inflate the others.
/// </summary>
public sealed record ComplianceInput(
    DateRange Range,
    IReadOnlyCollection<PracticePopulation> Practices,
    IReadOnlyCollection<HubCoverage> Hubs,
    IReadOnlyCollection<OfferedSlot> Slots,
    IReadOnlyCollection<BookedAppointment> Appointments)
{
    /// <summary>
    /// The same input for a shorter period, keeping only slots that overlap it and appointments starting in it. Gives the
    /// same ledger as the full input, but each week of a trend no longer reads a year of slots.
    /// </summary>
    public ComplianceInput Narrow(DateRange period)
    {
        ArgumentNullException.ThrowIfNull(period);
        var start = period.StartUtc;
        var end = period.EndUtc;
        return this with
        {
            Range = period,
            Slots = Slots.Where(s => s.EndUtc > start && s.StartUtc < end).ToList(),
            Appointments = Appointments.Where(a => a.StartUtc >= start && a.StartUtc < end).ToList(),
        };
    }
}
