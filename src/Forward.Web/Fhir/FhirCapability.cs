using Hl7.Fhir.Model;
using static Hl7.Fhir.Model.CapabilityStatement;

namespace Forward.Web.Fhir;

/// <summary>GET /fhir/metadata: every interaction, search parameter and include the FHIR API supports, and how to call it.</summary>
public static class FhirCapability
{
    /// <summary>When this statement last changed.</summary>
    public const string Date = "2026-12-08";

    public static CapabilityStatement Build(string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return new CapabilityStatement
        {
            Id = "forward",
            Url = baseUrl + "/metadata",
            Version = "1.0.0",
            Name = "ForwardGpConnectStyleAppointments",
            Title = "Forward extended-access hubs: GP Connect-style appointment management (FHIR R4)",
            Status = PublicationStatus.Active,
            Experimental = false,
            Date = Date,
            Publisher = "Forward",
            Description = "Free hub slots, booking, reading, amending and cancelling extended-access appointments, the way GP Connect "
                + "Appointment Management does, on FHIR R4. The same booking rules as Forward's pages and JSON API apply (booking "
                + "windows per channel, one booking per slot, the hub must serve the patient's practice). Errors are "
                + "OperationOutcome resources with a Spine error code in issue.details.coding (" + FhirErrors.SpineSystem + ").",
            Kind = CapabilityStatementKind.Instance,
            Software = new SoftwareComponent { Name = "Forward" },
            Implementation = new ImplementationComponent { Description = "Forward FHIR API", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = [FhirResult.ContentType],
            Rest =
            [
                new RestComponent
                {
                    Mode = RestfulCapabilityMode.Server,
                    Documentation = "Send 'Authorization: Bearer <token>' (POST /api/v1/auth/token) on every call but this one. Each client "
                        + "system is registered with its organisation (ODS code) and scopes: organization/*.read for Slot search, "
                        + "patient/*.read for Patient search and reading appointments, patient/*.write for booking, amending and "
                        + "cancelling; a person's account, which has no scopes, is refused (it uses the JSON API or the pages). "
                        + "Ssp-TraceID and Ssp-InteractionID headers are accepted and logged (a wrong interaction id is 400 BAD_REQUEST). Responses are application/fhir+json and carry Cache-Control: no-store.",
                    Security = new SecurityComponent
                    {
                        Cors = false,
                        Description = "Bearer tokens from POST /api/v1/auth/token; SMART-style scopes organization/*.read, patient/*.read, patient/*.write.",
                    },
                    Resource =
                    [
                        Slot(),
                        Appointment(),
                        Patient(),
                        Included("Schedule", "One clinician's diary in a rota session of a hub (id = '{session id}-{clinician number}', actors its Location and its one Practitioner); returned with _include=Slot:schedule. serviceCategory.text is the session name."),
                        Included("Practitioner", "One of a session's parallel clinicians (id = '{session id}-{clinician number}', the id of its Schedule); returned with _include:recurse=Schedule:actor:Practitioner."),
                        Included("Location", "A hub (id = hub id); returned with _include:recurse=Schedule:actor:Location."),
                        Included("Organization", "The hub's commissioner (id = ODS code); always returned with slots."),
                    ],
                },
            ],
        };
    }

    private static ResourceComponent Slot() => new()
    {
        Type = "Slot",
        Documentation = "Free slots wholly inside the window, at the hubs serving the booking practice (searchFilter ODS code; practice "
            + "staff default to their own practice). start=geDATE and end=leDATE (or dateTime with offset) are required, "
            + FhirEndpoints.SlotSearchWindow + "; status=free and _include=Slot:schedule are required. serviceType.text is the slot type; the delivery "
            + "channel is the " + FhirSystems.DeliveryChannelExtension + " extension.",
        Interaction = [new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType, Documentation = "Scope organization/*.read." }],
        SearchInclude = ["Slot:schedule", "Schedule:actor:Practitioner", "Schedule:actor:Location", "Location:managingOrganization"],
        SearchParam =
        [
            Param("start", SearchParamType.Date, "Required, once, prefix ge: slots starting on or after."),
            Param("end", SearchParamType.Date, "Required, once, prefix le: slots ending on or before."),
            Param("status", SearchParamType.Token, "Required: free."),
            Param("searchFilter", SearchParamType.Token, FhirSystems.OdsOrganisation + "|<ODS> (the patient's registered practice: only hubs serving it) and "
                + FhirSystems.OrganisationType + "|<type> (accepted; Forward does not restrict slots by organisation type)."),
        ],
    };

    private static ResourceComponent Appointment() => new()
    {
        Type = "Appointment",
        Documentation = "Book (POST): status booked, start and end of the slots, created, slot references (several only if back to back in one "
            + "Schedule), participants Patient/{id} (an existing patient, see Patient search), "
            + "Location/{hub id} and optionally Practitioner/{id} (the slots' Schedule's practitioner), and the " + FhirSystems.BookingOrganisationExtension + " extension "
            + "pointing at a contained Organization (your ODS code, name, telecom). Every participant status accepted (required, if sent, required); "
            + "minutesDuration, if sent, the slots' total; created not in the future. description <= 100 characters, comment <= 500. "
            + "References are relative (Slot/123) or absolute on this server; nothing but the booking Organization is contained. "
            + "Amend (PUT + If-Match): description and comment only. Cancel (PUT + If-Match): status cancelled and cancelationReason.text (a coding beside it is not kept). "
            + "Only appointments starting today or later can be read, amended or cancelled.",
        Interaction =
        [
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.Create, Documentation = "Scope patient/*.write. 201 with Location .../Appointment/{id}/_history/{version} and ETag." },
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.Read, Documentation = "Scope patient/*.read. ETag W/\"version\"." },
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.Vread, Documentation = "Scope patient/*.read. The current version only." },
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.Update, Documentation = "Scope patient/*.write. If-Match required; amend or cancel." },
            new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType, Documentation = "Scope patient/*.read. A patient's appointments, cancelled ones included; also GET /fhir/Patient/{id}/Appointment." },
        ],
        Versioning = ResourceVersionPolicy.VersionedUpdate,
        ReadHistory = false,
        UpdateCreate = false,
        SearchParam =
        [
            Param("patient", SearchParamType.Reference, "Patient/{id} or {id}."),
            Param("patient.identifier", SearchParamType.Token, FhirSystems.NhsNumber + "|<NHS number>."),
            Param("start", SearchParamType.Date, "Required twice: start=geYYYY-MM-DD (today or later) and start=leYYYY-MM-DD."),
        ],
    };

    private static ResourceComponent Patient() => new()
    {
        Type = "Patient",
        Documentation = "Find a patient's Forward id by NHS number, for booking. A practice's client system finds its own practice's patients, "
            + "a hub's client system (an account with the HubClinician role and scopes) those of the practices its hub serves, NHS 111's any.",
        Interaction = [new ResourceInteractionComponent { Code = TypeRestfulInteraction.SearchType, Documentation = "Scope patient/*.read." }],
        SearchParam = [Param("identifier", SearchParamType.Token, "Required: " + FhirSystems.NhsNumber + "|<NHS number>.")],
    };

    private static ResourceComponent Included(string type, string documentation) => new() { Type = type, Documentation = documentation };

    private static CapabilityStatement.SearchParamComponent Param(string name, SearchParamType type, string documentation) =>
        new() { Name = name, Type = type, Documentation = documentation };
}
