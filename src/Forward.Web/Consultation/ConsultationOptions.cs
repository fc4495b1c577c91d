using Forward.Domain.Consultation;

namespace Forward.Web.Consultation;

/// <summary>Forward:Consultation.</summary>
public sealed class ConsultationOptions
{
    /// <summary>London time replies are due by on the deadline day ("18:30").</summary>
    public TimeOnly RespondBy { get; set; } = ResponseDeadlinePolicy.Default.RespondBy;

    /// <summary>London time after which a request counts as received the next working day ("18:30").</summary>
    public TimeOnly CutOff { get; set; } = ResponseDeadlinePolicy.Default.CutOff;

    /// <summary>Working days after the received day; 1 = end of the next working day.</summary>
    public int WorkingDays { get; set; } = ResponseDeadlinePolicy.Default.WorkingDays;

    /// <summary>Requests one NHS number may submit in any 24 hours, across all practices.</summary>
    public int PerNhsNumberPer24Hours { get; set; } = 3;

    /// <summary>
    /// Acknowledgements one mobile number or email address is sent in any 24 hours. The form is public, so without this
    /// anyone could have Forward text a stranger's phone again and again by giving it on request after request.
    /// </summary>
    public int AcknowledgementsPerContactPer24Hours { get; set; } = 3;

    /// <summary>How long a half-filled form stays usable (its protected state expires after this).</summary>
    public int FormLifetimeMinutes { get; set; } = 120;

    public ResponseDeadlinePolicy Policy => new() { RespondBy = RespondBy, CutOff = CutOff, WorkingDays = WorkingDays };

    /// <summary>The most requests a day one NHS number may be allowed: far beyond any patient's need.</summary>
    public const int MaxPerNhsNumberPer24Hours = 100;

    /// <summary>The most working days a reply may be promised in: two weeks' worth.</summary>
    public const int MaxWorkingDays = 10;

    /// <summary>
    /// What is wrong with these settings, or null. Each would otherwise surface only when a patient sends the form: a
    /// negative number of working days fails every submission, none promises a reply "0 working days later", and a limit
    /// or form lifetime of nothing refuses every request.
    /// </summary>
    public string? Problem() =>
        WorkingDays is < 1 or > MaxWorkingDays ? $"Forward:Consultation:WorkingDays must be a whole number of working days from 1 to {MaxWorkingDays} (1: by the end of the next working day), or not set."
        : PerNhsNumberPer24Hours is < 1 or > MaxPerNhsNumberPer24Hours ? $"Forward:Consultation:PerNhsNumberPer24Hours must be a whole number from 1 to {MaxPerNhsNumberPer24Hours}, or not set."
        : AcknowledgementsPerContactPer24Hours is < 1 or > MaxPerNhsNumberPer24Hours ? $"Forward:Consultation:AcknowledgementsPerContactPer24Hours must be a whole number from 1 to {MaxPerNhsNumberPer24Hours}, or not set."
        : FormLifetimeMinutes < 1 ? "Forward:Consultation:FormLifetimeMinutes must be at least 1, or not set."
        : null;
}
