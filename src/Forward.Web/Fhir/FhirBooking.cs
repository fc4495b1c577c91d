using System.Globalization;
using Forward.Domain;
using Forward.Web.Access;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using FhirAppointment = Hl7.Fhir.Model.Appointment;

namespace Forward.Web.Fhir;

/// <summary>
/// Turns a GP Connect-style Appointment into what <see cref="Booking.BookingService"/> needs, and checks an update
/// changes only what may change. Only the FHIR shape is checked here; the booking rules stay in the service.
/// </summary>
public static class FhirBooking
{
    /// <summary>
    /// A booking as read. PatientId and LocationId are as sent: one too large for any id names nothing, and is answered
    /// as any other id that names nothing is (no such patient; not the slots' hub).
    /// </summary>
    public sealed record Request(IReadOnlyList<long> SlotIds, long PatientId, long LocationId, string? PractitionerId, DateTime StartUtc, DateTime EndUtc, int? MinutesDuration, string? Description, string? Comment, string BookingOrganisationOds);

    /// <summary>How far ahead of Forward's clock a booking's created may be: the caller's clock may run a little fast.</summary>
    public static readonly TimeSpan CreatedClockSkew = TimeSpan.FromMinutes(5);

    public sealed record SlotFacts(long Id, int HubId, int SessionId, int ClinicianIndex, DateTime StartUtc, DateTime EndUtc);

    /// <summary>
    /// Reads a booking request (POST /fhir/Appointment); 422 INVALID_RESOURCE for anything missing or not allowed.
    /// References are Forward's own: relative (Slot/123), or absolute under one of <paramref name="ownBases"/>.
    /// Nothing sent is silently replaced: what Forward cannot keep as sent (a participant who has not accepted, a
    /// duration other than the slots', a creation time still to come) is refused rather than read back otherwise.
    /// </summary>
    public static Request Read(FhirAppointment appointment, IReadOnlyList<Uri> ownBases, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(appointment);
        ArgumentNullException.ThrowIfNull(ownBases);
        var forbidden = new List<string>();
        void Forbid(bool present, string element)
        {
            if (present)
            {
                forbidden.Add(element);
            }
        }

        Forbid(appointment.CancelationReason is not null, "cancelationReason");
        Forbid(appointment.Specialty.Count > 0, "specialty");
        Forbid(appointment.AppointmentType is not null, "appointmentType");
        Forbid(appointment.ReasonCode.Count > 0, "reasonCode");
        Forbid(appointment.ReasonReference.Count > 0, "reasonReference");
        Forbid(appointment.Priority is not null, "priority");
        Forbid(appointment.SupportingInformation.Count > 0, "supportingInformation");
        Forbid(appointment.BasedOn.Count > 0, "basedOn");
        Forbid(appointment.RequestedPeriod.Count > 0, "requestedPeriod");
        Forbid(appointment.PatientInstruction is not null, "patientInstruction");
        if (forbidden.Count > 0)
        {
            throw FhirException.InvalidResource("A booking must not contain " + string.Join(", ", forbidden) + ".");
        }

        if (appointment.Status != FhirAppointment.AppointmentStatus.Booked)
        {
            throw FhirException.InvalidResource("A new appointment's status must be booked.");
        }

        if (appointment.Start is not { } start || appointment.End is not { } end)
        {
            throw FhirException.InvalidResource("A booking needs start and end (those of its slots).");
        }

        if (string.IsNullOrWhiteSpace(appointment.Created))
        {
            throw FhirException.InvalidResource("A booking needs created (when the booking was made).");
        }

        // Forward records its own booking time; a created still to come cannot be when the booking was made. A dateTime may
        // be a date, a month or a year alone (R4): such a one is to come only if its first day is after London's today.
        var future = appointment.CreatedElement is { } created && created.TryToDateTimeOffset(out var createdAt)
            ? createdAt > now + CreatedClockSkew
            : FirstDayOf(appointment.Created) is { } firstDay
                ? firstDay > Domain.Time.London.DateOf(now.UtcDateTime)
                : throw FhirException.InvalidResource("created must be a dateTime: when the booking was made.");
        if (future)
        {
            throw FhirException.InvalidResource($"created ({FhirRequests.Show(appointment.Created)}) is in the future: it must be when the booking was made, by now ({FhirMapping.LocalText(now.UtcDateTime)}).");
        }

        if (appointment.Slot.Count == 0)
        {
            throw FhirException.InvalidResource("A booking needs at least one slot reference, like Slot/123.");
        }

        var slotIds = appointment.Slot.Select(s => LongId(s, "Slot", ownBases)).ToList();

        var patients = new List<long>();
        var locations = new List<long>();
        var practitioners = new List<string>();
        foreach (var participant in appointment.Participant)
        {
            var reference = Local(participant.Actor?.Reference ?? throw FhirException.InvalidResource("Every participant needs an actor reference."), ownBases);
            CheckTakesPart(participant, reference);
            switch (reference.Split('/') is [var type, _] ? type : string.Empty)
            {
                case "Patient":
                    patients.Add(LongId(reference, "Patient"));
                    break;
                case "Location":
                    locations.Add(LongId(reference, "Location"));
                    break;
                case "Practitioner":
                    practitioners.Add(reference.Split('/')[1]);
                    break;
                default:
                    throw FhirException.InvalidResource($"Participant '{FhirRequests.Show(reference)}' is not supported: give the patient, the location and optionally the practitioner.");
            }
        }

        if (patients.Count != 1)
        {
            throw FhirException.InvalidResource("A booking needs exactly one patient participant, Patient/{id}.");
        }

        if (locations.Count != 1)
        {
            throw FhirException.InvalidResource("A booking needs exactly one location participant, Location/{id} (the slots' hub).");
        }

        if (practitioners.Count > 1)
        {
            throw FhirException.InvalidResource("A booking names at most one practitioner participant.");
        }

        return new Request(slotIds, patients[0], locations[0], practitioners.SingleOrDefault(), start.UtcDateTime, end.UtcDateTime, appointment.MinutesDuration, appointment.Description, appointment.Comment, BookingOrganisation(appointment));
    }

    /// <summary>
    /// A system books as its own organisation only. Checked after the request is read, so the refusal's audit record can
    /// already name the patient it was for.
    /// </summary>
    public static Request AsOwnOrganisation(Request request, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        return string.Equals(request.BookingOrganisationOds, actor.OrganisationOds, StringComparison.OrdinalIgnoreCase)
            ? request with { BookingOrganisationOds = actor.OrganisationOds! }
            : throw DomainException.Forbidden("other-organisation", $"The booking organisation must be your own organisation ({actor.OrganisationOds}), not {request.BookingOrganisationOds}.");
    }

    /// <summary>The slots must exist and the appointment's start, end, location and practitioner must be theirs.</summary>
    public static void CheckAgainstSlots(Request request, IReadOnlyList<SlotFacts> slots)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(slots);
        var missing = request.SlotIds.Except(slots.Select(s => s.Id)).ToList();
        if (missing.Count > 0)
        {
            throw DomainException.NotFound("slot-not-found", $"There is no slot {string.Join(", ", missing)}.");
        }

        var first = slots.OrderBy(s => s.StartUtc).First();
        var startUtc = slots.Min(s => s.StartUtc);
        var endUtc = slots.Max(s => s.EndUtc);
        if (request.StartUtc != startUtc || request.EndUtc != endUtc)
        {
            throw FhirException.InvalidResource($"start and end must be those of the slots: {FhirMapping.LocalText(startUtc)} to {FhirMapping.LocalText(endUtc)}.");
        }

        // Summed, not end minus start: the slots are back to back, but the duration is what the slots book.
        var minutes = (int)slots.Sum(s => (s.EndUtc - s.StartUtc).TotalMinutes);
        if (request.MinutesDuration is { } given && given != minutes)
        {
            throw FhirException.InvalidResource($"minutesDuration ({given.ToString(CultureInfo.InvariantCulture)}) must be that of the slots, {minutes.ToString(CultureInfo.InvariantCulture)}, or left out.");
        }

        if (slots.Any(s => s.HubId != request.LocationId))
        {
            throw FhirException.InvalidResource($"The location participant must be the slots' hub, Location/{first.HubId.ToString(CultureInfo.InvariantCulture)}.");
        }

        var practitioner = FhirMapping.PractitionerId(first.SessionId, first.ClinicianIndex);
        if (request.PractitionerId is { } named && named != practitioner)
        {
            throw FhirException.InvalidResource($"The practitioner participant must be the slots' clinician, Practitioner/{practitioner}.");
        }
    }

    /// <summary>
    /// Compares an update with the appointment as it is: only description and comment may change (amend), or status may
    /// become cancelled with a cancelationReason (cancel). Returns the cancellation reason for a cancel, null for an amend.
    /// </summary>
    public static string? ReadUpdate(FhirAppointment current, FhirAppointment incoming)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(incoming);
        var rest = Strip(current);
        if (!rest.IsExactly(Strip(incoming)))
        {
            throw FhirException.InvalidResource("Only description and comment can be amended, or status set to cancelled with a cancelationReason; "
                + "send everything else as read. To move an appointment, cancel it and book again.");
        }

        switch (incoming.Status)
        {
            case FhirAppointment.AppointmentStatus.Booked:
                if (incoming.CancelationReason is not null)
                {
                    throw FhirException.InvalidResource("cancelationReason is only for cancelling (status cancelled).");
                }

                return null;
            case FhirAppointment.AppointmentStatus.Cancelled:
                // Forward keeps the reason as words: a coding alone would be kept as its bare code, read back as if it were
                // the words, so it is refused. Beside text (a standard R4 cancel), the text is the reason.
                var reason = incoming.CancelationReason?.Text;
                if (string.IsNullOrWhiteSpace(reason))
                {
                    throw FhirException.InvalidResource("Cancelling needs cancelationReason.text, like {\"text\": \"Patient no longer needs it\"}: Forward keeps the reason as words, not as a coding.");
                }

                if (incoming.Description != current.Description || incoming.Comment != current.Comment)
                {
                    throw FhirException.InvalidResource("A cancellation cannot also amend description or comment.");
                }

                return reason;
            default:
                throw FhirException.InvalidResource("An update may set status to booked (amend) or cancelled (cancel) only.");
        }
    }

    private static FhirAppointment Strip(FhirAppointment appointment)
    {
        var copy = (FhirAppointment)appointment.DeepCopy();
        copy.Meta = null;
        copy.Text = null;
        copy.Description = null;
        copy.Comment = null;
        copy.Status = null;
        copy.CancelationReason = null;

        // The same instant written another way (Z for +00:00, .000) is not a change: compare the instants.
        copy.Start = copy.Start?.ToUniversalTime();
        copy.End = copy.End?.ToUniversalTime();
        if (copy.CreatedElement is { } created && created.TryToDateTimeOffset(out var createdAt))
        {
            copy.CreatedElement = new FhirDateTime(createdAt.ToUniversalTime());
        }

        // Names shown for reading, which come from other records (the session's name, the hub's, the booking practice's
        // name and phone) and change without the appointment's version moving: a client that read them before such a
        // change must still be able to amend or cancel. The references and codes beside them are still compared.
        copy.ServiceCategory = [];
        foreach (var actor in copy.Participant.Select(p => p.Actor).OfType<ResourceReference>())
        {
            actor.Display = null;
        }

        foreach (var organisation in copy.Contained.OfType<Organization>())
        {
            organisation.Name = null;
            organisation.Telecom = [];
        }

        return copy;
    }

    private static string BookingOrganisation(FhirAppointment appointment)
    {
        var extension = appointment.GetExtension(FhirSystems.BookingOrganisationExtension);
        if (extension?.Value is not ResourceReference { Reference: { Length: > 1 } reference } || !reference.StartsWith('#'))
        {
            throw FhirException.InvalidResource($"A booking needs the {FhirSystems.BookingOrganisationExtension} extension referencing a contained Organization (#id).");
        }

        var organisation = appointment.Contained.OfType<Organization>().FirstOrDefault(o => o.Id == reference[1..])
            ?? throw FhirException.InvalidResource($"The booking organisation {reference} is not contained in the appointment.");

        // Anything else contained would be read by nobody: a contained Patient, say, is not who the booking is for.
        if (appointment.Contained.Any(c => !ReferenceEquals(c, organisation)))
        {
            throw FhirException.InvalidResource("A booking contains only its booking Organization; refer to the patient as Patient/{id}.");
        }
        var ods = organisation.Identifier.FirstOrDefault(i => i.System == FhirSystems.OdsOrganisation)?.Value;
        if (string.IsNullOrWhiteSpace(ods) || string.IsNullOrWhiteSpace(organisation.Name) || organisation.Telecom.Count == 0)
        {
            throw FhirException.InvalidResource($"The booking organisation needs an ODS code identifier ({FhirSystems.OdsOrganisation}), a name and a telecom.");
        }

        return ods.Trim().ToUpperInvariant();
    }

    /// <summary>
    /// A booked appointment's participants all take part, and Forward reads every one back as accepted and required: a
    /// participant who declined, has yet to answer (needs-action) or only tentatively accepted, or who is optional or there
    /// for information only, contradicts the booking, and is refused rather than rewritten.
    /// </summary>
    private static void CheckTakesPart(FhirAppointment.ParticipantComponent participant, string reference)
    {
        if (participant.Status != ParticipationStatus.Accepted)
        {
            throw FhirException.InvalidResource($"participant.status of {FhirRequests.Show(reference)} must be accepted, not {participant.Status?.GetLiteral() ?? "missing"}: a booked appointment's participants have accepted it.");
        }

        if (participant.Required is { } required && required != FhirAppointment.ParticipantRequired.Required)
        {
            throw FhirException.InvalidResource($"participant.required of {FhirRequests.Show(reference)} must be required or left out, not {required.GetLiteral()}: the patient, the hub and the clinician all take part.");
        }
    }

    /// <summary>The first day of a dateTime given as a date, a month or a year alone ("2026-12-07", "2026-12", "2026"), or null.</summary>
    private static DateOnly? FirstDayOf(string? partial) =>
        DateOnly.TryParseExact(partial, ["yyyy-MM-dd", "yyyy-MM", "yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static long LongId(ResourceReference reference, string type, IReadOnlyList<Uri> ownBases) =>
        LongId(Local(reference.Reference ?? string.Empty, ownBases), type);

    private static long LongId(string reference, string type) =>
        reference.Split('/') is [var given, var digits] && given == type && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw FhirException.InvalidResource($"'{FhirRequests.Show(reference)}' is not a {type} reference like {type}/123.");

    /// <summary>
    /// A reference relative to this server. An absolute one is taken only under one of this server's bases: another
    /// system's Patient/14228 is not Forward's, and booking Forward's patient of that id would book someone else. Host
    /// and path compare without regard to case, and http and https alike (a proxy may end TLS), with their default ports.
    /// </summary>
    private static string Local(string reference, IReadOnlyList<Uri> ownBases)
    {
        if (Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            foreach (var own in ownBases)
            {
                var prefix = own.AbsolutePath.TrimEnd('/') + "/";
                if (string.Equals(absolute.Host, own.Host, StringComparison.OrdinalIgnoreCase)
                    && (absolute.Port == own.Port || (absolute.IsDefaultPort && own.IsDefaultPort))
                    && absolute.AbsolutePath.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                    && absolute.Query.Length == 0 && absolute.Fragment.Length == 0)
                {
                    return absolute.AbsolutePath[prefix.Length..];
                }
            }
        }

        return reference.Contains(':', StringComparison.Ordinal)
            ? throw FhirException.InvalidResource($"'{FhirRequests.Show(reference)}' is not on this server: refer to Forward's own resources, like Slot/123.")
            : reference;
    }
}
