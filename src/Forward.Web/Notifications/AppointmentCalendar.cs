using Forward.Domain.Hubs;
using Forward.Domain.Notifications;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;

namespace Forward.Web.Notifications;

/// <summary>
/// The iCalendar file attached to email confirmations (PUBLISH) and cancellation notices (CANCEL, the same UID and a
/// higher SEQUENCE, so a calendar that took the appointment in removes it): when and where (or, for a telephone or video
/// appointment, that the hub will call), organised by the hub (at Forward's no-reply address), nothing clinical.
/// </summary>
public static class AppointmentCalendar
{
    public const string FileName = "appointment.ics";
    public const string ContentType = "text/calendar";

    /// <param name="location">The hub's <see cref="Hub.Address"/>: the entry names the hub before it.</param>
    public static string Build(long appointmentId, DateTime startUtc, DateTime endUtc, DeliveryMode mode, string hubName, string location, string organizerEmail, DateTime stampUtc, bool cancelled = false)
    {
        // RFC 5545 allows one PRODID: Forward's replaces the library's own (added beside it, strict clients refused the file).
        var calendar = new Calendar { Method = cancelled ? "CANCEL" : "PUBLISH", ProductId = "-//Forward//Extended access//EN" };
        calendar.Events.Add(new CalendarEvent
        {
            Uid = FormattableString.Invariant($"forward-appointment-{appointmentId}@forward.nhs"),
            Organizer = new Organizer("mailto:" + organizerEmail) { CommonName = hubName },
            Summary = AppointmentMessage.IsRemote(mode) ? $"GP extended access {AppointmentMessage.Kind(mode)} with {hubName}" : $"GP extended access appointment at {hubName}",
            Location = AppointmentMessage.CalendarLocation(mode, hubName, location),
            DtStart = new CalDateTime(DateTime.SpecifyKind(startUtc, DateTimeKind.Utc)),
            DtEnd = new CalDateTime(DateTime.SpecifyKind(endUtc, DateTimeKind.Utc)),
            DtStamp = new CalDateTime(DateTime.SpecifyKind(stampUtc, DateTimeKind.Utc)),
            Sequence = cancelled ? 1 : 0,
            Status = cancelled ? "CANCELLED" : "CONFIRMED",
        });
        return new CalendarSerializer().SerializeToString(calendar) ?? string.Empty;
    }

    public static NotificationAttachment Attachment(long appointmentId, DateTime startUtc, DateTime endUtc, DeliveryMode mode, string hubName, string location, string organizerEmail, DateTime stampUtc, bool cancelled = false) =>
        new(FileName, ContentType, System.Text.Encoding.UTF8.GetBytes(Build(appointmentId, startUtc, endUtc, mode, hubName, location, organizerEmail, stampUtc, cancelled)));
}
