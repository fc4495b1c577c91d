using Forward.Data;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Booking;

/// <summary>
/// How an appointment is shown to those who may see it: read from the database, or made from a booking the writer has
/// just committed (which already has every part in memory). Both go through <see cref="Of"/>, so they cannot differ.
/// </summary>
public static class AppointmentViews
{
    /// <summary>One slot an appointment holds, as the view needs it.</summary>
    public sealed record HeldSlot(long SlotId, DateTime StartUtc, string SessionName);

    /// <summary>The patient and their registered practice, as the view needs them.</summary>
    public sealed record PatientFacts(string NhsNumber, string GivenName, string FamilyName, DateOnly DateOfBirth, string? Phone, string PracticeOds, string PracticeName);

    /// <summary>The appointments with these ids that exist, in the order asked for.</summary>
    public static async Task<IReadOnlyList<AppointmentView>> LoadAsync(ForwardDbContext db, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ids);
        var rows = await db.Appointments.AsNoTracking()
            .Where(a => ids.Contains(a.Id))
            .Select(a => new
            {
                A = a,
                HubCode = a.Hub!.Code,
                HubName = a.Hub.Name,
                Patient = new PatientFacts(
                    a.Patient!.NhsNumber,
                    a.Patient.GivenName,
                    a.Patient.FamilyName,
                    a.Patient.DateOfBirth,
                    a.Patient.Phone,
                    a.Patient.RegisteredPractice!.OdsCode,
                    a.Patient.RegisteredPractice.Name),
            })
            .ToListAsync(ct);

        // The slots in a query of their own, found through the AppointmentSlots key. Projected inside the query above,
        // EF joins a subquery of every appointment's slots, which SQLite materialises in full (a scan of AppointmentSlots
        // and a Slots lookup per row) before picking this appointment's: the cost of each read grew with the table.
        // Likewise "the first slot" in SQL becomes ROW_NUMBER() over every appointment, so the first is picked in Of.
        var slots = (await db.AppointmentSlots.AsNoTracking()
            .Where(s => ids.Contains(s.AppointmentId))
            .Select(s => new { s.AppointmentId, Held = new HeldSlot(s.SlotId, s.Slot!.StartUtc, s.Slot.Session!.Name) })
            .ToListAsync(ct))
            .ToLookup(s => s.AppointmentId, s => s.Held);
        var byId = rows.ToDictionary(r => r.A.Id);
        return ids.Where(byId.ContainsKey).Select(id => byId[id]).Select(r => Of(r.A, r.HubCode, r.HubName, r.Patient, slots[r.A.Id])).ToList();
    }

    public static AppointmentView Of(Appointment a, string hubCode, string hubName, PatientFacts patient, IEnumerable<HeldSlot> held)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(patient);
        var slots = held.ToList();
        var first = slots.OrderBy(s => s.StartUtc).FirstOrDefault();
        return new AppointmentView(
            a.Id, a.Status, a.StartUtc, a.EndUtc, London.ToLocalWithOffset(a.StartUtc), London.ToLocalWithOffset(a.EndUtc), a.HubId, hubCode, hubName,
            first?.SessionName ?? string.Empty, a.Role, a.Mode,
            a.PatientId, patient.NhsNumber, $"{patient.GivenName} {patient.FamilyName}", patient.DateOfBirth, patient.Phone, patient.PracticeOds, patient.PracticeName,
            a.Channel, a.BookedBy, a.BookingOrganisationOds, a.Reason, a.Description, a.Comment, a.Consent, a.CreatedUtc,
            a.CancelledUtc, a.CancellationReason, a.CancelledBy, a.OutcomeRecordedUtc, a.OutcomeRecordedBy, a.Version, slots.Select(s => s.SlotId).Order().ToList());
    }
}
