using System.Globalization;
using Forward.Domain.Booking;
using Forward.Domain.Hubs;
using Forward.Domain.Time;
using Forward.Web.Booking;
using Hl7.Fhir.Model;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using FhirPatient = Hl7.Fhir.Model.Patient;
using FhirSlot = Hl7.Fhir.Model.Slot;

namespace Forward.Web.Fhir;

/// <summary>Identifier systems, extension URLs and code systems the FHIR API uses (GP Connect's, R4 UK Core's where one exists).</summary>
public static class FhirSystems
{
    public const string OdsOrganisation = "https://fhir.nhs.uk/Id/ods-organization-code";
    public const string NhsNumber = "https://fhir.nhs.uk/Id/nhs-number";
    public const string OrganisationType = "https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1";

    /// <summary>R4 UK Core's delivery channel extension (GP Connect STU3: Extension-GPConnect-DeliveryChannel-2), valueCode In-person | Telephone | Video.</summary>
    public const string DeliveryChannelExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel";

    /// <summary>GP Connect's practitioner role extension (R4 UK Core has none), valueCodeableConcept.</summary>
    public const string PractitionerRoleExtension = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-PractitionerRole-1";

    /// <summary>GP Connect's booking organisation extension (R4 UK Core has none), valueReference to a contained Organization.</summary>
    public const string BookingOrganisationExtension = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-BookingOrganisation-1";

    /// <summary>Forward's own codes for the clinician roles of its rotas.</summary>
    public const string ClinicianRole = "https://forward.nhs.example/fhir/CodeSystem/clinician-role";

    /// <summary>Forward's hub codes (e.g. LC-H02), the Location's business identifier.</summary>
    public const string HubCode = "https://forward.nhs.example/fhir/Id/hub-code";
}

/// <summary>What the mapping needs to know about a hub: the Location and its managing Organization (the hub's CCG).</summary>
public sealed record FhirHub(int Id, string Code, string Name, string? SiteName, string? Town, string? Phone, bool IsActive, string CcgOds, string CcgName);

/// <summary>What the mapping needs to know about a rota session: the Schedule and its Practitioners.</summary>
public sealed record FhirSession(int Id, int HubId, string Name, ClinicianRole Role, DeliveryMode Mode, bool IsActive);

/// <summary>The booking organisation as a contained Organization: ODS code, name and telephone.</summary>
public sealed record FhirOrganisation(string Ods, string Name, string? Phone);

/// <summary>
/// Builds Firely resources from Forward's views. Ids are Forward's own and stable: Slot = slot id, Practitioner =
/// "{session id}-{clinician number from 1}" (one per parallel clinician of a session; Forward rotas name roles, not
/// people), Schedule = the same id as its one Practitioner (that clinician's diary in the session), Location = hub id, Organization = ODS code (the hub's CCG), Patient = patient id,
/// Appointment = appointment id with the version as versionId.
/// </summary>
public static class FhirMapping
{
    public static string PractitionerId(int sessionId, int clinicianIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{sessionId}-{clinicianIndex + 1}");

    /// <summary>A clinician's diary in a session has the id of its one practitioner.</summary>
    public static string ScheduleId(int sessionId, int clinicianIndex) => PractitionerId(sessionId, clinicianIndex);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>An instant as London wall-clock time with its offset (+00:00 GMT, +01:00 BST), whole seconds, as GP Connect asks.</summary>
    public static DateTimeOffset Local(DateTime utc)
    {
        var instant = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        instant = instant.AddTicks(-(instant.Ticks % TimeSpan.TicksPerSecond));
        var offset = London.Zone.GetUtcOffset(instant);
        return new DateTimeOffset(instant.Add(offset).Ticks, offset);
    }

    public static string LocalText(DateTime utc) => Local(utc).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static string RoleName(ClinicianRole role) => role.DisplayName();

    public static string DeliveryChannel(DeliveryMode mode) => mode switch
    {
        DeliveryMode.Telephone => "Telephone",
        DeliveryMode.Video => "Video",
        _ => "In-person",
    };

    /// <summary>The slot type people see, e.g. "GP appointment (face to face)".</summary>
    public static string SlotType(ClinicianRole role, DeliveryMode mode) =>
        $"{RoleName(role)} appointment ({mode switch { DeliveryMode.Telephone => "telephone", DeliveryMode.Video => "video", _ => "face to face" }})";

    public static Extension DeliveryChannelExtension(DeliveryMode mode) => new(FhirSystems.DeliveryChannelExtension, new Code(DeliveryChannel(mode)));

    public static Extension PractitionerRoleExtension(ClinicianRole role) =>
        new(FhirSystems.PractitionerRoleExtension, new CodeableConcept(FhirSystems.ClinicianRole, role.ToString(), RoleName(role), RoleName(role)));

    public static FhirSlot Slot(SlotView slot)
    {
        ArgumentNullException.ThrowIfNull(slot);
        return new FhirSlot
        {
            Id = Id(slot.Id),
            Extension = [DeliveryChannelExtension(slot.Mode)],
            ServiceType = [new CodeableConcept { Text = SlotType(slot.Role, slot.Mode) }],
            Schedule = new ResourceReference("Schedule/" + ScheduleId(slot.SessionId, slot.ClinicianIndex)),
            Status = FhirSlot.SlotStatus.Free,
            Start = Local(slot.StartUtc),
            End = Local(slot.EndUtc),
        };
    }

    /// <summary>
    /// One clinician's diary in a session as a Schedule, as GP Connect has a Schedule per practitioner: a client that books
    /// with the Schedule's practitioner, or several back-to-back slots of one Schedule, is booking as Forward requires.
    /// The planning horizon spans the slots returned with it.
    /// </summary>
    public static Schedule Schedule(FhirSession session, int clinicianIndex, DateTime horizonStartUtc, DateTime horizonEndUtc)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new Schedule
        {
            Id = ScheduleId(session.Id, clinicianIndex),
            Extension = [PractitionerRoleExtension(session.Role), DeliveryChannelExtension(session.Mode)],
            Active = session.IsActive,
            ServiceCategory = [new CodeableConcept { Text = session.Name }],
            ServiceType = [new CodeableConcept { Text = SlotType(session.Role, session.Mode) }],
            Actor = [new ResourceReference("Location/" + Id(session.HubId)), new ResourceReference("Practitioner/" + PractitionerId(session.Id, clinicianIndex))],
            PlanningHorizon = new Period { Start = LocalText(horizonStartUtc), End = LocalText(horizonEndUtc) },
        };
    }

    public static Practitioner Practitioner(FhirSession session, int clinicianIndex)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new Practitioner
        {
            Id = PractitionerId(session.Id, clinicianIndex),
            Active = session.IsActive,
            Name = [new HumanName { Text = $"{RoleName(session.Role)} {clinicianIndex + 1}, {session.Name}" }],
        };
    }

    public static Location Location(FhirHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        var location = new Location
        {
            Id = Id(hub.Id),
            Identifier = [new Identifier(FhirSystems.HubCode, hub.Code)],
            Status = hub.IsActive ? Hl7.Fhir.Model.Location.LocationStatus.Active : Hl7.Fhir.Model.Location.LocationStatus.Inactive,
            Name = hub.Name,
            // What the seeds do not state is left out, not filled with a note.
            Address = new Address { Line = hub.SiteName is null ? [] : [hub.SiteName], City = hub.Town, Country = "GB" },
            ManagingOrganization = new ResourceReference("Organization/" + hub.CcgOds, hub.CcgName),
        };
        if (!string.IsNullOrWhiteSpace(hub.Phone))
        {
            location.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, hub.Phone)];
        }

        return location;
    }

    /// <summary>The hub's commissioner (CCG) as the Organization that manages the Location.</summary>
    public static Organization Organization(FhirHub hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        return new Organization
        {
            Id = hub.CcgOds,
            Identifier = [new Identifier(FhirSystems.OdsOrganisation, hub.CcgOds)],
            Active = true,
            Name = hub.CcgName,
        };
    }

    public static FhirPatient Patient(PatientView patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var resource = new FhirPatient
        {
            Id = Id(patient.Id),
            Identifier = [new Identifier(FhirSystems.NhsNumber, patient.NhsNumber)],
            Active = true,
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = patient.FamilyName, Given = [patient.GivenName] }],
            BirthDate = patient.DateOfBirth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            GeneralPractitioner =
            [
                new ResourceReference { Identifier = new Identifier(FhirSystems.OdsOrganisation, patient.PracticeOds), Display = patient.PracticeName },
            ],
        };
        if (!string.IsNullOrWhiteSpace(patient.Phone))
        {
            resource.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Home, patient.Phone)];
        }

        return resource;
    }

    /// <summary>
    /// An appointment as GP Connect shows it. <paramref name="sessionId"/> and <paramref name="clinicianIndex"/> are its first
    /// slot's; the booking organisation is contained (#1) when Forward knows its ODS code.
    /// </summary>
    public static FhirAppointment Appointment(AppointmentView view, int sessionId, int clinicianIndex, FhirOrganisation? bookingOrganisation)
    {
        ArgumentNullException.ThrowIfNull(view);
        var appointment = new FhirAppointment
        {
            Id = Id(view.Id),
            Meta = new Meta { VersionId = view.Version.ToString(CultureInfo.InvariantCulture) },
            Extension = [DeliveryChannelExtension(view.Mode), PractitionerRoleExtension(view.Role)],
            Status = Status(view.Status),
            ServiceCategory = string.IsNullOrEmpty(view.SessionName) ? [] : [new CodeableConcept { Text = view.SessionName }],
            ServiceType = [new CodeableConcept { Text = SlotType(view.Role, view.Mode) }],
            Description = view.Description,
            Start = Local(view.StartUtc),
            End = Local(view.EndUtc),
            Created = LocalText(view.CreatedUtc),
            Comment = view.Comment,
            Slot = view.SlotIds.Select(id => new ResourceReference("Slot/" + Id(id))).ToList(),
            Participant =
            [
                Participant("Patient/" + Id(view.PatientId), null),
                Participant("Location/" + Id(view.HubId), view.HubName),
                Participant("Practitioner/" + PractitionerId(sessionId, clinicianIndex), null),
            ],
        };
        if (bookingOrganisation is not null)
        {
            var organisation = new Organization
            {
                Id = "1",
                Identifier = [new Identifier(FhirSystems.OdsOrganisation, bookingOrganisation.Ods)],
                Name = bookingOrganisation.Name,
            };
            if (!string.IsNullOrWhiteSpace(bookingOrganisation.Phone))
            {
                organisation.Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, bookingOrganisation.Phone)];
            }

            appointment.Contained.Add(organisation);
            appointment.Extension.Insert(0, new Extension(FhirSystems.BookingOrganisationExtension, new ResourceReference("#1")));
        }

        if (view.Status == AppointmentStatus.Cancelled && !string.IsNullOrWhiteSpace(view.CancellationReason))
        {
            appointment.CancelationReason = new CodeableConcept { Text = view.CancellationReason };
        }

        return appointment;
    }

    public static FhirAppointment.AppointmentStatus Status(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Cancelled => FhirAppointment.AppointmentStatus.Cancelled,
        AppointmentStatus.Attended => FhirAppointment.AppointmentStatus.Fulfilled,
        AppointmentStatus.DidNotAttend => FhirAppointment.AppointmentStatus.Noshow,
        _ => FhirAppointment.AppointmentStatus.Booked,
    };

    private static FhirAppointment.ParticipantComponent Participant(string reference, string? display) => new()
    {
        Actor = new ResourceReference(reference, display),
        Status = ParticipationStatus.Accepted,
    };
}
