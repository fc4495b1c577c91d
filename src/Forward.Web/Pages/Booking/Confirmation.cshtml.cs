using Forward.Data;
using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Notifications;
using Forward.Web.Access;
using Forward.Web.Booking;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Forward.Web.Pages.Booking;

/// <summary>
/// The booking confirmation. Any signed-in user may ask; <see cref="BookingService.GetAsync"/> decides who may see the
/// appointment and answers "not found" to everyone else, so this page shows the 404 page then.
/// </summary>
public sealed class ConfirmationModel(BookingService booking, ForwardDbContext db) : PageModel
{
    public AppointmentView Appointment { get; private set; } = null!;

    /// <summary>
    /// The confirmations and reminders the booking queued for the patient. The page tells the booker what these rows say
    /// rather than what bookings usually get: a landline gets no text, and a booking inside the reminder lead no reminder.
    /// </summary>
    public IReadOnlyList<QueuedMessage> Messages { get; private set; } = [];

    public IEnumerable<QueuedMessage> Confirmations => Messages.Where(m => m.Kind == NotificationKind.BookingConfirmation);

    /// <summary>Reminders that are still to go or have gone; one given up after failing is not promised.</summary>
    public IEnumerable<QueuedMessage> Reminders =>
        Messages.Where(m => m.Kind == NotificationKind.Reminder && m.Status is OutboxStatus.Pending or OutboxStatus.Sent);

    public bool AnyReminderPlanned => Messages.Any(m => m.Kind == NotificationKind.Reminder);

    /// <summary>The mobile the texts go to, as the outbox holds it; null when nothing is texted.</summary>
    public string? TextTo => Messages.FirstOrDefault(m => m.Channel == NotificationChannel.Sms)?.Recipient;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            Appointment = await booking.ViewAsync(id, Actor.From(User), cancellationToken);
        }
        catch (DomainException ex) when (ex.Kind is DomainErrorKind.NotFound or DomainErrorKind.Forbidden)
        {
            return NotFound();
        }

        // A commissioner's view names no patient, so it says nothing of where their messages go either.
        if (Appointment.Status == AppointmentStatus.Booked && !Appointment.PatientWithheld)
        {
            var messages = await db.OutboxMessages.AsNoTracking()
                .Where(m => m.AppointmentId == id && (m.Kind == NotificationKind.BookingConfirmation || m.Kind == NotificationKind.Reminder))
                .Select(m => new QueuedMessage(m.Kind, m.Channel, m.Recipient, m.Status))
                .ToListAsync(cancellationToken);
            Messages = [.. messages.OrderBy(m => m.Channel)];
        }

        return Page();
    }

    /// <summary>"by text to 07700 900123 and by email": where the messages go.</summary>
    public static string ByChannel(IEnumerable<QueuedMessage> messages) =>
        Wording.List(messages.Select(m => m.Channel).Distinct().Order().Select(c => c == NotificationChannel.Sms
            ? $"by text to {Wording.Mobile(messages.First(m => m.Channel == c).Recipient)}"
            : "by email"));

    public sealed record QueuedMessage(NotificationKind Kind, NotificationChannel Channel, string Recipient, OutboxStatus Status);
}
