using System.Globalization;
using Forward.Data;

namespace Forward.Web.Booking;

/// <summary>
/// A change to an appointment committed, then reading it back to answer failed because the database went away. The
/// client must hear that the change stands and is not to be sent again, not the usual "nothing was saved; retry": a
/// retried cancellation would meet a version conflict, and a retried booking without an idempotency key would book twice
/// or be refused as a duplicate of its own.
/// </summary>
public sealed class SavedButNotReadException : Exception
{
    public SavedButNotReadException(long appointmentId, string done, Exception inner)
        : base(string.Create(CultureInfo.InvariantCulture, $"Appointment {appointmentId} was {done}, but Forward lost its database just after and could not read it back to answer. The change stands: do not send it again; read the appointment (GET /api/v1/appointments/{appointmentId} or GET /fhir/Appointment/{appointmentId}) in a few seconds."), inner)
    {
        AppointmentId = appointmentId;
    }

    public long AppointmentId { get; }

    /// <summary>Runs the read that answers a committed change of appointment <paramref name="appointmentId"/>.</summary>
    public static async Task<T> ReadingBackAsync<T>(long appointmentId, string done, Func<Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return await read();
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex))
        {
            throw new SavedButNotReadException(appointmentId, done, ex);
        }
    }
}
