using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Audit;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// What a fault must never leave behind, checked straight from the database: a booking with some of the rows its
/// transaction writes and not others, or a slot held twice. A booking can commit and lose its answer to the fault, so
/// every booking is checked, not only those a client heard about.
/// </summary>
public static class BookingIntegrity
{
    /// <summary>Checks the booked appointments of one hub (every hub when null) and returns their ids.</summary>
    public static async Task<IReadOnlyList<long>> AssertEveryBookingWholeAsync(ForwardDbContext db, int? hubId = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var appointments = db.Appointments.AsNoTracking().Where(a => hubId == null || a.HubId == hubId);
        var slots = db.Slots.AsNoTracking().Where(s => hubId == null || s.HubId == hubId);

        var booked = await appointments.Where(a => a.Status == AppointmentStatus.Booked)
            .Select(a => new
            {
                a.Id,
                Held = a.Slots.Count(s => s.IsActive),
                Booked = a.Slots.Count(s => s.IsActive && s.Slot!.Status == SlotStatus.Booked),
                Confirmations = db.OutboxMessages.Count(m => m.AppointmentId == a.Id),
                Audited = db.AuditEvents.Count(e => e.Action == AuditActions.Book && e.EntityId == a.Id.ToString()),
            })
            .ToListAsync();
        Assert.All(booked, a =>
        {
            Assert.True(a.Held >= 1 && a.Held == a.Booked, $"appointment {a.Id} holds {a.Held} slots, {a.Booked} of them marked booked");
            Assert.True(a.Confirmations >= 1, $"appointment {a.Id} has no queued confirmation");
            Assert.Equal(1, a.Audited);
        });

        Assert.Equal(0, await appointments.CountAsync(a => !a.Slots.Any()));
        var slotIds = slots.Select(s => s.Id);
        Assert.Equal(0, await db.AppointmentSlots.Where(h => h.IsActive && slotIds.Contains(h.SlotId)).GroupBy(h => h.SlotId).CountAsync(g => g.Count() > 1));
        Assert.Equal(0, await slots.CountAsync(s => s.Status == SlotStatus.Booked && !db.AppointmentSlots.Any(h => h.SlotId == s.Id && h.IsActive)));
        var dayRows = db.Set<AppointmentDayRow>().Where(d => hubId == null || d.HubId == hubId);
        Assert.Equal(booked.Count, await dayRows.SumAsync(d => d.Booked));
        return booked.Select(a => a.Id).ToList();
    }
}
