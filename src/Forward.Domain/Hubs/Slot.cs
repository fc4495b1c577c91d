namespace Forward.Domain.Hubs;

public enum SlotStatus
{
    Free,
    Booked,

    /// <summary>Taken out of the book (session closed or changed); kept because history may point at it.</summary>
    Withdrawn,
}

/// <summary>One bookable appointment time with one clinician at a hub. Instants are UTC.</summary>
public class Slot
{
    public long Id { get; set; }

    public int SessionId { get; set; }

    public Session? Session { get; set; }

    /// <summary>Copied from the session so slot search needs no join.</summary>
    public int HubId { get; set; }

    public Hub? Hub { get; set; }

    /// <summary>Which of the session's parallel clinicians this slot belongs to (0-based).</summary>
    public int ClinicianIndex { get; set; }

    public DateTime StartUtc { get; set; }

    public DateTime EndUtc { get; set; }

    public ClinicianRole Role { get; set; }

    public DeliveryMode Mode { get; set; }

    public SlotStatus Status { get; set; }

    public SlotKey Key => new(SessionId, ClinicianIndex, StartUtc);
}

/// <summary>What makes a generated slot the same slot when the rota is generated again.</summary>
public readonly record struct SlotKey(int SessionId, int ClinicianIndex, DateTime StartUtc);
