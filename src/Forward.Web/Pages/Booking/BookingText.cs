using System.Globalization;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Booking;

/// <summary>How the booking pages word Forward's codes for people: role and mode names, dates, NHS numbers.</summary>
public static class BookingText
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static string Role(ClinicianRole role) => role switch
    {
        ClinicianRole.GeneralPractitioner => "GP",
        ClinicianRole.PracticeNurse => "Practice nurse",
        ClinicianRole.AdvancedNursePractitioner => "Advanced nurse practitioner",
        ClinicianRole.ClinicalPharmacist => "Clinical pharmacist",
        ClinicianRole.Physiotherapist => "Physiotherapist",
        ClinicianRole.PhysicianAssociate => "Physician associate",
        ClinicianRole.Paramedic => "Paramedic",
        ClinicianRole.HealthcareAssistant => "Healthcare assistant",
        ClinicianRole.MentalHealthPractitioner => "Mental health practitioner",
        _ => role.ToString(),
    };

    public static string Mode(DeliveryMode mode) => mode switch
    {
        DeliveryMode.FaceToFace => "Face to face",
        DeliveryMode.Telephone => "Telephone",
        DeliveryMode.Video => "Video",
        _ => mode.ToString(),
    };

    public static string Consent(RecordSharingConsent consent) => consent switch
    {
        RecordSharingConsent.Granted => "Yes, the patient agrees to share their GP record with the hub",
        RecordSharingConsent.Refused => "No, the patient refuses",
        RecordSharingConsent.NotAsked => "Not asked",
        _ => consent.ToString(),
    };

    public static string Status(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "Booked",
        AppointmentStatus.Cancelled => "Cancelled",
        AppointmentStatus.Attended => "Attended",
        AppointmentStatus.DidNotAttend => "Did not attend",
        _ => status.ToString(),
    };

    /// <summary>NHS.UK tag colour for a status: booked is the default blue.</summary>
    public static string StatusTagClass(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Cancelled => "nhsuk-tag nhsuk-tag--grey",
        AppointmentStatus.Attended => "nhsuk-tag nhsuk-tag--green",
        AppointmentStatus.DidNotAttend => "nhsuk-tag nhsuk-tag--red",
        _ => "nhsuk-tag",
    };

    public static string Channel(BookingChannel channel) => channel switch
    {
        BookingChannel.Practice => "Patient's practice",
        BookingChannel.Nhs111 => "NHS 111",
        BookingChannel.Hub => "Hub",
        BookingChannel.Online => "Online (patient)",
        _ => channel.ToString(),
    };

    /// <summary>"Monday 8 June 2026".</summary>
    public static string Date(DateOnly date) => date.ToString("dddd d MMMM yyyy", English);

    /// <summary>"Monday 8 June 2026" for a London wall-clock time.</summary>
    public static string Date(DateTime local) => Date(DateOnly.FromDateTime(local));

    /// <summary>"18:30" (24-hour, as NHS services print times).</summary>
    public static string Time(DateTime local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>"18:30 to 18:45".</summary>
    public static string TimeRange(DateTime startLocal, DateTime endLocal) => $"{Time(startLocal)} to {Time(endLocal)}";

    /// <summary>The appointment reference people quote on the phone: its number.</summary>
    public static string Reference(long appointmentId) => appointmentId.ToString(CultureInfo.InvariantCulture);

    /// <summary>"Monday 8 June 2026 at 09:15" for a UTC instant, in London time.</summary>
    public static string Instant(DateTime utc)
    {
        var local = Domain.Time.London.ToLocal(utc);
        return $"{Date(local)} at {Time(local)}";
    }

    /// <summary>NHS numbers are printed 3-3-4: "943 476 5919".</summary>
    public static string NhsNumber(string? digits) =>
        digits is { Length: 10 } && digits.All(char.IsAsciiDigit) ? $"{digits[..3]} {digits[3..6]} {digits[6..]}" : digits ?? string.Empty;

    public static IReadOnlyList<SelectListItem> RoleOptions() =>
        Enum.GetValues<ClinicianRole>().Select(r => new SelectListItem(Role(r), r.ToString())).ToList();

    public static IReadOnlyList<SelectListItem> ModeOptions() =>
        Enum.GetValues<DeliveryMode>().Select(m => new SelectListItem(Mode(m), m.ToString())).ToList();

    /// <summary>The record-sharing question's answers, in the order a booker asks them.</summary>
    public static IReadOnlyList<SelectListItem> ConsentOptions() =>
    [
        new(Consent(RecordSharingConsent.Granted), nameof(RecordSharingConsent.Granted)),
        new(Consent(RecordSharingConsent.Refused), nameof(RecordSharingConsent.Refused)),
        new(Consent(RecordSharingConsent.NotAsked), nameof(RecordSharingConsent.NotAsked)),
    ];
}
