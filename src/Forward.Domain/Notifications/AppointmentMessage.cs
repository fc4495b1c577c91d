using System.Globalization;
using Forward.Domain.Hubs;
using Forward.Domain.Time;

namespace Forward.Domain.Notifications;

/// <summary>
/// What every message to a patient says about their appointment: where and when, and, for a telephone or video
/// appointment, that the hub will call them and they are not to travel. The SMS and email placeholders, the demo
/// history's copies of them, the message sent from an online request and the calendar entry all take their words from
/// here, so none of them sends a patient to a hub for a call. Never a name, NHS number or clinical detail.
/// </summary>
public static class AppointmentMessage
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    /// <summary>
    /// The placeholders a template may use: <c>hub_name</c>, <c>hub_address</c> (the site and town as far as they are
    /// known, <see cref="Hub.Address"/>: empty when neither is), <c>appointment_date</c>, <c>appointment_time</c>,
    /// <c>appointment_type</c> ("telephone appointment"), <c>how_seen</c> (a whole sentence) and <c>remote</c> ("yes" or
    /// "no", for a template's optional content, such as showing the address only for "no").
    /// </summary>
    /// <param name="hubLocation">The hub's <see cref="Hub.Address"/>, never a note about what is not known.</param>
    public static Dictionary<string, string> Placeholders(string hubName, string hubLocation, DeliveryMode mode, DateTime startUtc) => new()
    {
        ["hub_name"] = hubName,
        ["hub_address"] = hubLocation,
        ["appointment_date"] = Date(startUtc),
        ["appointment_time"] = London.ClockTime(startUtc),
        ["appointment_type"] = Kind(mode),
        ["how_seen"] = HowSeen(mode, hubName, hubLocation),
        ["remote"] = IsRemote(mode) ? "yes" : "no",
    };

    /// <summary>
    /// The message to the contacts an online request gave, when the appointment booked from it cannot be confirmed to
    /// the patient's record (a landline only there): the appointment, and how they will be seen.
    /// </summary>
    public static string BookedFromRequest(DeliveryMode mode, string hubName, string hubLocation, DateTime startUtc) => IsRemote(mode)
        ? $"The practice has booked you a {Kind(mode)} on {When(startUtc)}. {HowSeen(mode, hubName, hubLocation)} If you cannot take it, please call the practice."
        : $"The practice has booked you an appointment at {(hubLocation.Length == 0 ? hubName : $"{hubName} ({hubLocation})")} on {When(startUtc)}. If you cannot go, please call the practice.";

    /// <summary>The message to the same contacts when that appointment is cancelled, so they do not go to, or wait for, it.</summary>
    public static string CancelledFromRequest(DeliveryMode mode, string hubName, DateTime startUtc) =>
        $"Your {Kind(mode)} {(IsRemote(mode) ? "with" : "at")} {hubName} on {When(startUtc)} has been cancelled. If you still need help, please contact the practice.";

    private static string Date(DateTime startUtc) => DateOnly.FromDateTime(London.ToLocal(startUtc)).ToString("dddd d MMMM yyyy", Uk);

    private static string When(DateTime startUtc) => $"{Date(startUtc)} at {London.ClockTime(startUtc)}";

    public static bool IsRemote(DeliveryMode mode) => mode is DeliveryMode.Telephone or DeliveryMode.Video;

    /// <summary>"appointment", "telephone appointment" or "video appointment"; with a capital to start a sentence.</summary>
    public static string Kind(DeliveryMode mode, bool capital = false)
    {
        var kind = mode switch
        {
            DeliveryMode.Telephone => "telephone appointment",
            DeliveryMode.Video => "video appointment",
            _ => "appointment",
        };
        return capital ? char.ToUpperInvariant(kind[0]) + kind[1..] : kind;
    }

    /// <summary>How the patient will be seen, as one sentence: where to go, or that the hub will call.</summary>
    public static string HowSeen(DeliveryMode mode, string hubName, string hubLocation) => mode switch
    {
        DeliveryMode.Telephone => $"A clinician from {hubName} will phone you at that time. You do not need to go to the hub.",
        DeliveryMode.Video => $"A clinician from {hubName} will contact you at that time to start a video call. You do not need to go to the hub.",
        _ => $"The appointment is at {Place(hubName, hubLocation)}.",
    };

    /// <summary>The calendar entry's location: the hub and its address, or how the call comes for one by telephone or video.</summary>
    public static string CalendarLocation(DeliveryMode mode, string hubName, string hubLocation) => mode switch
    {
        DeliveryMode.Telephone => "By telephone: the hub will phone you",
        DeliveryMode.Video => "By video call: the hub will contact you",
        _ => Place(hubName, hubLocation),
    };

    /// <summary>"Dunstable Hub, Dunstable"; the hub's name alone when nothing of its address is known.</summary>
    private static string Place(string hubName, string hubLocation) => hubLocation.Length == 0 ? hubName : $"{hubName}, {hubLocation}";
}
