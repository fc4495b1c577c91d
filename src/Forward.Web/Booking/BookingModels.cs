using Forward.Domain;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Patients;

namespace Forward.Web.Booking;

/// <summary>A free-slot search. Dates are London calendar dates, inclusive.</summary>
/// <param name="MaxResults">How many slots at most, earliest first; the result says when more matched.</param>
public sealed record SlotSearch(string? PracticeOds, DateOnly? From, DateOnly? To, ClinicianRole? Role = null, DeliveryMode? Mode = null, int? HubId = null, int MaxResults = BookingService.MaxSearchResults);

/// <param name="ClinicianIndex">Which of the session's clinicians the slot is with (0, 1, …): slots booked together must share it.</param>
public sealed record SlotView(
    long Id,
    int HubId,
    string HubCode,
    string HubName,
    string? Town,
    int SessionId,
    string SessionName,
    int ClinicianIndex,
    DateTime StartUtc,
    DateTime EndUtc,
    DateTimeOffset StartLocal,
    DateTimeOffset EndLocal,
    ClinicianRole Role,
    DeliveryMode Mode,
    SlotStatus Status);

/// <param name="Truncated">More slots matched than the search's limit: these are the earliest; narrow the search for the rest.</param>
/// <param name="NearerHubWindows">
/// The searched hubs that take bookings nearer than the booker's channel allows (Leicester City's: 48 hours), whose later
/// slots are therefore not listed; empty when none.
/// </param>
/// <param name="BookableUntilUtc">
/// How far ahead the booker can book at the hubs searched, when the dates searched run past it: the booker's channel's
/// limit (NHS 111: 48 hours), or, when every hub searched takes bookings less far ahead than that, the furthest of them
/// (<paramref name="HubsMaximumBookingAheadHours"/>). Later slots are not listed, and the booker is told so rather than
/// left to think there are none, or to search later dates. Null when the search ends within it.
/// </param>
/// <param name="HubsMaximumBookingAheadHours">
/// When every hub searched takes bookings less far ahead than the booker's channel allows (all of Leicester City's: 48
/// hours), the furthest any of them does: how far ahead this booker can book for this practice at all. Null when the
/// channel's own window is the limit.
/// </param>
public sealed record SlotSearchResult(string PracticeOds, string PracticeName, DateOnly From, DateOnly To, IReadOnlyList<SlotView> Slots, bool Truncated, IReadOnlyList<HubBookingWindow> NearerHubWindows, DateTime? BookableUntilUtc = null, int? HubsMaximumBookingAheadHours = null);

/// <summary>A hub's own booking window: it takes bookings at most this many hours ahead, whoever books.</summary>
public sealed record HubBookingWindow(int HubId, string HubName, int MaximumBookingAheadHours);

/// <summary>
/// Everything a booker supplies. The channel is not here: it follows from who books. With <c>PatientId</c> (FHIR:
/// <c>Patient/{id}</c>) the booking is for that existing patient and <c>Patient</c> is not used.
/// </summary>
public sealed record BookingRequest(
    IReadOnlyList<long> SlotIds,
    PatientDetails Patient,
    string? RegisteredPracticeOds,
    string? Reason,
    RecordSharingConsent Consent,
    string? IdempotencyKey = null,
    string? Description = null,
    string? Comment = null,
    string? BookingOrganisationOds = null,
    int? PatientId = null);

/// <summary>
/// An appointment as its viewer may see it. Commissioners oversee the service, not the patients: their views carry no
/// patient identity and none of the free text a patient or clinician wrote (<see cref="PatientWithheld"/>), so the
/// identity fields and free text are null for them and only for them.
/// </summary>
public sealed record AppointmentView(
    long Id,
    AppointmentStatus Status,
    DateTime StartUtc,
    DateTime EndUtc,
    DateTimeOffset StartLocal,
    DateTimeOffset EndLocal,
    int HubId,
    string HubCode,
    string HubName,
    string SessionName,
    ClinicianRole Role,
    DeliveryMode Mode,
    int PatientId,
    string? NhsNumber,
    string? PatientName,
    DateOnly? PatientDateOfBirth,
    string? PatientPhone,
    string PracticeOds,
    string PracticeName,
    BookingChannel Channel,
    string BookedBy,
    string? BookingOrganisationOds,
    string? Reason,
    string? Description,
    string? Comment,
    RecordSharingConsent Consent,
    DateTime CreatedUtc,
    DateTime? CancelledUtc,
    string? CancellationReason,
    string? CancelledBy,
    DateTime? OutcomeRecordedUtc,
    string? OutcomeRecordedBy,
    int Version,
    IReadOnlyList<long> SlotIds)
{
    /// <summary>True when the patient's identity and the appointment's free text were left out for this viewer.</summary>
    public bool PatientWithheld { get; private init; }

    /// <summary>
    /// Booked, not yet started, and held in a slot its session's rota no longer plans (the date closed, the session
    /// stopped or its times changed after the booking): the hub will not run it as booked, so the patient needs
    /// rebooking or cancelling. Set on the reads that show appointments (one by id, a search, a day list); false on the
    /// answer to a change.
    /// </summary>
    public bool OffRota { get; init; }

    /// <summary>The same appointment without who the patient is or what anyone wrote about them: the commissioner's view.</summary>
    public AppointmentView WithoutPatient() => this with
    {
        NhsNumber = null,
        PatientName = null,
        PatientDateOfBirth = null,
        PatientPhone = null,
        Reason = null,
        Description = null,
        Comment = null,
        CancellationReason = null,
        PatientWithheld = true,
    };
}

/// <summary>
/// A search of the appointments the searcher may see (<c>GET /api/v1/appointments</c>, the Appointments page): by NHS
/// number and/or London dates, inclusive. Missing dates are today and two weeks after the start.
/// </summary>
public sealed record AppointmentSearch(string? NhsNumber, DateOnly? From, DateOnly? To);

/// <param name="From">The first London date searched (the default when none was given).</param>
/// <param name="To">The last London date searched.</param>
/// <param name="Appointments">Upcoming first, soonest first; then those that have started, latest first. Cancelled ones are included (their status says so).</param>
/// <param name="Truncated">More appointments matched than <see cref="BookingService.MaxAppointmentSearchResults"/>: narrow the search for the rest.</param>
public sealed record AppointmentSearchResult(DateOnly From, DateOnly To, IReadOnlyList<AppointmentView> Appointments, bool Truncated);

/// <summary>A patient as a booker may see them (FHIR Patient search), without the record summary.</summary>
public sealed record PatientView(int Id, string NhsNumber, string GivenName, string FamilyName, DateOnly DateOfBirth, string? Phone, string PracticeOds, string PracticeName);

public sealed record BookingOutcome(AppointmentView Appointment, bool Replayed);

/// <summary>What a hub clinician may see of a patient's record, with consent.</summary>
public sealed record RecordSummaryView(int PatientId, string NhsNumber, string Name, DateOnly DateOfBirth, string PracticeName, string? Problems, string? Medications, string? Allergies, bool IsSynthetic);

/// <summary>
/// A booking refused because its idempotency key already booked something else (<see cref="BookingService.IdempotencyKeyReused"/>):
/// other slots, another patient, or the same with other details. Names the booking the key made, and whether it has
/// been cancelled since.
/// </summary>
public sealed class IdempotencyKeyReusedException(long bookedAppointmentId, bool bookedAppointmentCancelled, string message)
    : DomainException(DomainErrorKind.Conflict, BookingService.IdempotencyKeyReused, message)
{
    public long BookedAppointmentId { get; } = bookedAppointmentId;

    public bool BookedAppointmentCancelled { get; } = bookedAppointmentCancelled;
}
