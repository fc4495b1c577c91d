using System.Globalization;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages;

/// <summary>How every page words Forward's codes and formats dates for people (times are always London's).</summary>
public static class Wording
{
    private static readonly CultureInfo UkCulture = CultureInfo.GetCultureInfo("en-GB");

    public static string Role(ClinicianRole role) => role.DisplayName();

    /// <summary>The role inside a sentence: "GP", "practice nurse".</summary>
    public static string RoleInSentence(ClinicianRole role) =>
        role == ClinicianRole.GeneralPractitioner ? Role(role) : Role(role).ToLowerInvariant();

    public static string Mode(DeliveryMode mode) => mode switch
    {
        DeliveryMode.FaceToFace => "Face to face",
        DeliveryMode.Telephone => "Telephone",
        DeliveryMode.Video => "Video",
        _ => mode.ToString(),
    };

    public static string Tier(HubTier tier) => tier switch
    {
        HubTier.PrimaryCareHub => "Tier 1: primary care hub",
        HubTier.UrgentCareHub => "Tier 2: urgent care hub",
        HubTier.CommunitySuperHub => "Tier 3: 24/7 community hub",
        _ => tier.ToString(),
    };

    public static string Channel(BookingChannel channel) => channel switch
    {
        BookingChannel.Practice => "Patient's practice",
        BookingChannel.Nhs111 => "NHS 111",
        BookingChannel.Hub => "Hub",
        BookingChannel.Online => "Online (patient)",
        _ => channel.ToString(),
    };

    /// <summary>
    /// Who did something to an appointment, for its history: the account's name, or what stands behind a name Forward
    /// gives its own actors.
    /// </summary>
    public static string Who(string userName) =>
        userName == Forward.Web.Booking.BookingService.PatientLinkActor.UserName ? "the patient, with the link in their message"
        : userName == Forward.Data.Seeding.DemoHistory.BookedBy ? "demo history (synthetic)"
        : userName;

    public static string Status(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "Booked",
        AppointmentStatus.Attended => "Attended",
        AppointmentStatus.DidNotAttend => "Did not attend",
        AppointmentStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    public static string StatusTag(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "nhsuk-tag nhsuk-tag--blue",
        AppointmentStatus.Attended => "nhsuk-tag nhsuk-tag--green",
        AppointmentStatus.DidNotAttend => "nhsuk-tag nhsuk-tag--red",
        _ => "nhsuk-tag nhsuk-tag--grey",
    };

    public static string Consent(RecordSharingConsent consent) => consent switch
    {
        RecordSharingConsent.Granted => "Consented",
        RecordSharingConsent.Refused => "Refused",
        _ => "Not asked",
    };

    public static string ConsentTag(RecordSharingConsent consent) => consent switch
    {
        RecordSharingConsent.Granted => "nhsuk-tag nhsuk-tag--green",
        RecordSharingConsent.Refused => "nhsuk-tag nhsuk-tag--orange",
        _ => "nhsuk-tag nhsuk-tag--grey",
    };

    /// <summary>An NHS number printed the NHS way, 3-3-4 ("943 476 5919").</summary>
    public static string NhsNumber(string? digits) =>
        digits is { Length: 10 } && digits.All(char.IsAsciiDigit) ? $"{digits[..3]} {digits[3..6]} {digits[6..]}" : digits ?? string.Empty;

    /// <summary>A mobile number as the outbox holds it ("07700900123"), spaced as people write it ("07700 900123").</summary>
    public static string Mobile(string national) =>
        national is { Length: 11 } ? $"{national[..5]} {national[5..]}" : national;

    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", UkCulture);

    public static string DayAndDate(DateOnly date) => date.ToString("dddd d MMMM yyyy", UkCulture);

    public static string Time(DateTime local) => local.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A UTC instant as London date and time, e.g. "8 Jun 2026 09:00:05".</summary>
    public static string LondonDateTime(DateTime utc) =>
        London.ToLocal(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToString("d MMM yyyy HH:mm:ss", UkCulture) + London.RepeatedHourMark(utc);

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(int value) => value.ToString("N0", UkCulture);

    /// <summary>A figure to one decimal place ("43.5"), or <paramref name="none"/> when there was nothing to divide.</summary>
    public static string OneDecimal(decimal? value, string none) => value is { } v ? v.ToString("0.0", UkCulture) : none;

    /// <summary>A fraction as a percentage to one decimal place ("87.5%"), or <paramref name="none"/>.</summary>
    public static string Percent(decimal? fraction, string none) => fraction is { } v ? (v * 100m).ToString("0.0", UkCulture) + "%" : none;

    /// <summary>
    /// A rated figure (capacity minutes per 1,000 per week) to one decimal place, cut toward zero rather than rounded:
    /// 29.998 against a 30 minimum is Red, and "30.0" beside Red would contradict it. "29.9" never reaches a target the
    /// value misses, nor falls short of one it meets. Or <paramref name="none"/> when there was nothing to divide.
    /// </summary>
    public static string RatedFigure(decimal? value, string none) => value is { } v ? CutToTenths(v).ToString("0.0", UkCulture) : none;

    /// <summary>A rated fraction (population coverage) as a percentage, cut toward zero as <see cref="RatedFigure"/>: 99.96% is "99.9%", not "100.0%" beside Amber.</summary>
    public static string RatedPercent(decimal? fraction, string none) => fraction is { } v ? CutToTenths(v * 100m).ToString("0.0", UkCulture) + "%" : none;

    private static decimal CutToTenths(decimal value) => Math.Round(value, 1, MidpointRounding.ToZero);

    /// <summary>A RAG in words — never colour alone — or <paramref name="none"/> when it was not assessed.</summary>
    public static string Rag(Forward.Domain.Compliance.Rag rag, string none) => rag switch
    {
        Forward.Domain.Compliance.Rag.Red => "Red",
        Forward.Domain.Compliance.Rag.Amber => "Amber",
        Forward.Domain.Compliance.Rag.Green => "Green",
        _ => none,
    };

    /// <summary>
    /// A figure's RAG in words, or why it has none: figures that are not a whole the targets apply to say so rather
    /// than "not applicable", which means there was nothing to divide.
    /// </summary>
    public static string Rating(Forward.Domain.Compliance.ComplianceFigures figures, Forward.Domain.Compliance.Rag rag, string none)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return figures.Withheld is { } reason ? NotRated(reason) : Rag(rag, none);
    }

    /// <summary>Why figures that take in days past the slot horizon are not rated, for the dashboard, the assurance page and its PDF.</summary>
    public static string NotYetPlanned(DateOnly plannedThrough) =>
        $"Slots are planned up to {Date(plannedThrough)}. Days after that have no slots yet and count as no capacity, so figures that take them in are not rated.";

    /// <summary>
    /// Why figures that start before <paramref name="recordsFrom"/>, the first day Forward holds slots for the scope's
    /// hubs, are not rated, for the dashboard, the assurance page and its PDF.
    /// </summary>
    public static string BeforeRecords(DateOnly recordsFrom) =>
        $"Forward holds no slots before {Date(recordsFrom)}. Days before that have none recorded and count as no capacity, so figures that take them in are not rated.";

    /// <summary>Why a hub's own figures are not rated when other hubs serve its practices too.</summary>
    public const string SharedHub =
        "Other hubs also serve this hub's practices, so these figures are this hub's part of their evening and weekend provision, not all of it, and are not rated. The practices' and the CCG's figures rate the whole.";

    /// <summary>Why figures are not rated, as a label ("Part week, not rated").</summary>
    public static string NotRated(Forward.Domain.Compliance.RatingWithheld reason) => reason switch
    {
        Forward.Domain.Compliance.RatingWithheld.PartWeek => "Part week, not rated",
        Forward.Domain.Compliance.RatingWithheld.ShortRange => "Not whole weeks, not rated",
        Forward.Domain.Compliance.RatingWithheld.PartMonth => "Part month, not rated",
        Forward.Domain.Compliance.RatingWithheld.NotYetPlanned => "Not yet planned, not rated",
        Forward.Domain.Compliance.RatingWithheld.BeforeRecords => "Before records, not rated",
        _ => "Share, not rated",
    };

    /// <summary>The NHS.UK tag classes that colour a RAG (grey when not assessed).</summary>
    public static string RagTag(Forward.Domain.Compliance.Rag rag) => rag switch
    {
        Forward.Domain.Compliance.Rag.Red => "nhsuk-tag nhsuk-tag--red",
        Forward.Domain.Compliance.Rag.Amber => "nhsuk-tag nhsuk-tag--yellow",
        Forward.Domain.Compliance.Rag.Green => "nhsuk-tag nhsuk-tag--green",
        _ => "nhsuk-tag nhsuk-tag--grey",
    };

    /// <summary>"A", "A and B", "A, B and C".</summary>
    public static string List(IEnumerable<string> items)
    {
        var all = items.ToList();
        return all.Count <= 1 ? string.Concat(all) : string.Join(", ", all.Take(all.Count - 1)) + " and " + all[^1];
    }

    /// <summary>"1 appointment", "3,861 appointments".</summary>
    public static string Plural(int count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? one : many)}");

    /// <summary>The record-sharing answer as a booker reads it on the form.</summary>
    public static string ConsentAnswer(RecordSharingConsent consent) => consent switch
    {
        RecordSharingConsent.Granted => "Yes, the patient agrees to share their GP record with the hub",
        RecordSharingConsent.Refused => "No, the patient refuses",
        RecordSharingConsent.NotAsked => "Not asked",
        _ => consent.ToString(),
    };

    /// <summary>"Monday 8 June 2026" for a London wall-clock time.</summary>
    public static string DayAndDate(DateTime local) => DayAndDate(DateOnly.FromDateTime(local));

    public static string DayAndDate(DateTimeOffset local) => DayAndDate(DateOnly.FromDateTime(local.DateTime));

    /// <summary>A UTC instant's London time, marked BST or GMT in the hour that happens twice (<see cref="London.ClockTime"/>).</summary>
    public static string ClockTime(DateTime utc) => London.ClockTime(utc);

    /// <summary>"18:30 to 18:45", from UTC instants (BST or GMT marked where the time happens twice).</summary>
    public static string ClockRange(DateTime startUtc, DateTime endUtc) => $"{ClockTime(startUtc)} to {ClockTime(endUtc)}";

    /// <summary>The appointment reference people quote on the phone: its number.</summary>
    public static string Reference(long appointmentId) => appointmentId.ToString(CultureInfo.InvariantCulture);

    /// <summary>"Monday 8 June 2026 at 09:15" for a UTC instant, in London time.</summary>
    public static string Instant(DateTime utc)
    {
        var local = London.ToLocal(utc);
        return $"{DayAndDate(local)} at {ClockTime(utc)}";
    }

    public static IReadOnlyList<SelectListItem> RoleOptions() =>
        Enum.GetValues<ClinicianRole>().Select(r => new SelectListItem(Role(r), r.ToString())).ToList();

    public static IReadOnlyList<SelectListItem> ModeOptions() =>
        Enum.GetValues<DeliveryMode>().Select(m => new SelectListItem(Mode(m), m.ToString())).ToList();

    /// <summary>The record-sharing question's answers, in the order a booker asks them.</summary>
    public static IReadOnlyList<SelectListItem> ConsentOptions() =>
    [
        new(ConsentAnswer(RecordSharingConsent.Granted), nameof(RecordSharingConsent.Granted)),
        new(ConsentAnswer(RecordSharingConsent.Refused), nameof(RecordSharingConsent.Refused)),
        new(ConsentAnswer(RecordSharingConsent.NotAsked), nameof(RecordSharingConsent.NotAsked)),
    ];
}
