using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Forward.Data.Compliance;

/// <summary>
/// The stored form of a <see cref="Forward.Domain.Compliance.SessionDay"/>: one hub session's offered slots on one London
/// date. Derived from the slots and rewritten whenever they change (<see cref="ComplianceDayStore"/>).
/// </summary>
public class SessionDayRow
{
    public int HubId { get; set; }

    public int SessionId { get; set; }

    public DateOnly Date { get; set; }

    public int StartingSlots { get; set; }

    public decimal ExtendedMinutes { get; set; }

    public int TouchingSlots { get; set; }

    /// <summary>The evening window's covered stretches as "startTicks-endTicks" UTC pairs joined by ';' (empty: none).</summary>
    public string EveningCover { get; set; } = string.Empty;
}

/// <summary>
/// The stored form of an <see cref="Forward.Domain.Compliance.AppointmentDay"/>: one practice's patients' appointments at
/// one hub session starting on one London date, as counts. Kept up to date by adding each booking's contribution and
/// moving it when its status changes, in the transaction that writes the appointment.
/// </summary>
public class AppointmentDayRow
{
    public int PracticeId { get; set; }

    public int HubId { get; set; }

    public int SessionId { get; set; }

    public DateOnly Date { get; set; }

    public int UsedSlots { get; set; }

    public int Booked { get; set; }

    public int Attended { get; set; }

    public int DidNotAttend { get; set; }

    public int Cancelled { get; set; }

    public int SameDay { get; set; }

    public int PreBooked { get; set; }

    public int Remote { get; set; }

    public int FaceToFace { get; set; }

    public int ViaPractice { get; set; }

    public int ViaNhs111 { get; set; }

    public int ViaHub { get; set; }

    public int ViaOnline { get; set; }
}

internal sealed class SessionDayRowConfiguration : IEntityTypeConfiguration<SessionDayRow>
{
    public void Configure(EntityTypeBuilder<SessionDayRow> b)
    {
        b.ToTable("ComplianceSessionDays");

        // Hub first: a report reads its hubs' days over a date range, and a rota change rewrites one hub's dates.
        b.HasKey(x => new { x.HubId, x.Date, x.SessionId });
        b.Property(x => x.ExtendedMinutes).HasPrecision(18, 4);
    }
}

internal sealed class AppointmentDayRowConfiguration : IEntityTypeConfiguration<AppointmentDayRow>
{
    public void Configure(EntityTypeBuilder<AppointmentDayRow> b)
    {
        b.ToTable("ComplianceAppointmentDays");

        // Practice then date: a report reads its practices' days over a date range.
        b.HasKey(x => new { x.PracticeId, x.Date, x.HubId, x.SessionId });
    }
}
