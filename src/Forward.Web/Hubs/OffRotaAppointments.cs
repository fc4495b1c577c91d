using Forward.Data;
using Forward.Domain.Booking;
using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Hubs;

/// <summary>Booked appointments whose slots their session's rota no longer plans (<see cref="RotaCheck"/>), read from the database.</summary>
public static class OffRotaAppointments
{
    /// <summary>
    /// The ids of the booked appointments not started by <paramref name="nowUtc"/>, among those holding
    /// <paramref name="held"/>, that the rota has left. One that has started is the hub's to record: the rota is checked
    /// as it is now, with no history, so a session stopped or reshaped today would otherwise mark yesterday's bookings.
    /// </summary>
    public static async Task<IReadOnlySet<long>> AmongAsync(ForwardDbContext db, IQueryable<AppointmentSlot> held, DateTime nowUtc, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var slots = await held.AsNoTracking()
            .Where(h => h.IsActive && h.Slot!.Status == SlotStatus.Booked && h.Appointment!.Status == AppointmentStatus.Booked && h.Appointment.StartUtc > nowUtc)
            .Select(h => new { h.AppointmentId, h.Slot!.Id, h.Slot.SessionId, h.Slot.ClinicianIndex, h.Slot.StartUtc, h.Slot.EndUtc, h.Slot.Role, h.Slot.Mode })
            .ToListAsync(ct);
        if (slots.Count == 0)
        {
            return new HashSet<long>();
        }

        var sessionIds = slots.Select(s => s.SessionId).Distinct().ToList();
        var sessions = await db.Sessions.AsNoTracking().Include(s => s.Overrides).Where(s => sessionIds.Contains(s.Id)).ToListAsync(ct);
        var stored = slots.Select(s => (s.AppointmentId, Slot: new StoredSlot(s.Id, new SlotKey(s.SessionId, s.ClinicianIndex, DateTime.SpecifyKind(s.StartUtc, DateTimeKind.Utc)), DateTime.SpecifyKind(s.EndUtc, DateTimeKind.Utc), s.Role, s.Mode, SlotStatus.Booked))).ToList();
        var appointmentOf = stored.ToDictionary(s => s.Slot.Id, s => s.AppointmentId);
        var off = new HashSet<long>();
        foreach (var session in sessions)
        {
            var booked = stored.Where(s => s.Slot.Key.SessionId == session.Id).Select(s => s.Slot).ToList();
            off.UnionWith(RotaCheck.NotPlanned(session, booked, BankHolidayCalendar.England).Select(id => appointmentOf[id]));
        }

        // An appointment of several slots whose own slots the rota no longer plans may still be planned as a whole.
        var sessionById = sessions.ToDictionary(s => s.Id);
        var slotsOf = stored.ToLookup(s => s.AppointmentId, s => s.Slot);
        off.RemoveWhere(id =>
        {
            var held = slotsOf[id].ToList();
            return held.Count > 1 && sessionById.TryGetValue(held[0].Key.SessionId, out var session) && RotaCheck.PlansTogether(session, held, BankHolidayCalendar.England);
        });
        return off;
    }
}
