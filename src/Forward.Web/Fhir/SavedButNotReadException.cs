using System.Globalization;
using Forward.Data;

namespace Forward.Web.Fhir;

/// <summary>
/// A change to an appointment committed, then reading what the answer needs failed because the database went away (the
/// FHIR answers read the appointment's slots, hub and practice after the change). The client must hear that the change
/// stands and is not to be sent again, not the usual "nothing was saved; retry": a retried cancellation would meet a
/// version conflict, and a GP Connect create has no idempotency key, so a retried one would be refused as a duplicate
/// of its own booking. The JSON API's answers need no read after the commit.
/// </summary>
public sealed class SavedButNotReadException : Exception
{
    public SavedButNotReadException(long appointmentId, string done, Exception inner)
        : base(string.Create(CultureInfo.InvariantCulture, $"Appointment {appointmentId} was {done}, but Forward lost its database just after and could not read it back to answer. The change stands: do not send it again; read it with GET /fhir/Appointment/{appointmentId} in a few seconds."), inner)
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
