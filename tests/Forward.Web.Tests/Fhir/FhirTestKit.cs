using System.Net;
using System.Net.Http.Headers;
using Forward.Domain.Hubs;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using Microsoft.EntityFrameworkCore;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using ForwardSlot = Forward.Domain.Hubs.Slot;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>What the database holds that a failed FHIR call must not change (audit entries aside).</summary>
public sealed record WriteSnapshot(int Appointments, int Patients, int ActiveHolds, int BookedSlots, int VersionSum, string Texts);

/// <summary>
/// Firely FhirClients against the in-process Forward, signed in through the real token endpoint. Every response passes
/// through <see cref="CheckingHandler"/>, which fails the call if a body is not strictly valid FHIR R4 or /fhir forgot
/// Cache-Control: no-store.
/// </summary>
public static class FhirTestKit
{
    public const string AllScopes = "organization/*.read patient/*.read patient/*.write";
    public const string SpineSystem = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode";
    public const string Ods = "https://fhir.nhs.uk/Id/ods-organization-code";
    public const string NhsNumberSystem = "https://fhir.nhs.uk/Id/nhs-number";

    public static async Task SetScopesAsync(TestWorld world, string userName, string? scopes)
    {
        ArgumentNullException.ThrowIfNull(world);
        await world.WithDbAsync(async db =>
        {
            var user = await db.Users.SingleAsync(u => u.UserName == userName);
            user.Scopes = scopes;
            return await db.SaveChangesAsync();
        });
    }

    /// <summary>A FhirClient for a TestWorld user, with all three scopes unless told otherwise.</summary>
    public static async Task<(FhirClient Client, CheckingHandler Handler)> ClientAsync(TestWorld world, string userName, string? scopes = AllScopes)
    {
        ArgumentNullException.ThrowIfNull(world);
        await SetScopesAsync(world, userName, scopes);
        using var http = await world.ClientAsync(userName);
        return Anonymous(world.Factory, http.DefaultRequestHeaders.Authorization!.Parameter);
    }

    public static (FhirClient Client, CheckingHandler Handler) Anonymous(ForwardFactory factory, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var handler = new CheckingHandler(token) { InnerHandler = factory.Server.CreateHandler() };
        var settings = new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false, ReturnPreference = ReturnPreference.Representation };
        return (new FhirClient(new Uri(factory.Server.BaseAddress, "fhir").ToString(), settings, handler), handler);
    }

    /// <summary>A patient registered at the practice, as a practice system would already know them.</summary>
    public static Task<Patient> PatientAsync(TestWorld world, int? practiceId = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.WithDbAsync(async db =>
        {
            var patient = new Forward.Domain.Patients.Patient
            {
                NhsNumber = TestPatients.NewNhsNumber(),
                GivenName = "Alex",
                FamilyName = "Testperson",
                DateOfBirth = new DateOnly(1980, 5, 17),
                Phone = "07700 900123",
                RegisteredPracticeId = practiceId ?? world.PracticeA.Id,
            };
            db.Patients.Add(patient);
            await db.SaveChangesAsync();
            return new Patient { Id = patient.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Identifier = [new Identifier(NhsNumberSystem, patient.NhsNumber)] };
        });
    }

    public static SearchParams SlotSearch(DateOnly from, DateOnly to, string? practiceOds, bool allIncludes = false)
    {
        var search = new SearchParams()
            .Add("start", "ge" + from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .Add("end", "le" + to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .Add("status", "free");
        search.Include.Add(("Slot:schedule", IncludeModifier.None));
        if (allIncludes)
        {
            search.Include.Add(("Schedule:actor:Practitioner", IncludeModifier.Recurse));
            search.Include.Add(("Schedule:actor:Location", IncludeModifier.Recurse));
            search.Include.Add(("Location:managingOrganization", IncludeModifier.Recurse));
        }

        if (practiceOds is not null)
        {
            search.Add("searchFilter", $"{Ods}|{practiceOds}");
        }

        return search;
    }

    /// <summary>A GP Connect-style booking of one Forward slot for an existing patient, from the given organisation.</summary>
    public static FhirAppointment Booking(ForwardSlot slot, string patientId, string bookingOds, string? description = "Sore throat", string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(slot);
        var offset = TimeSpan.FromHours(1); // June: BST
        var start = new DateTimeOffset(DateTime.SpecifyKind(slot.StartUtc, DateTimeKind.Utc)).ToOffset(offset);
        var end = new DateTimeOffset(DateTime.SpecifyKind(slot.EndUtc, DateTimeKind.Utc)).ToOffset(offset);
        return new FhirAppointment
        {
            Contained =
            [
                new Organization
                {
                    Id = "1",
                    Identifier = [new Identifier(Ods, bookingOds)],
                    Name = "Booking organisation",
                    Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, "01632 960000")],
                },
            ],
            Extension = [new Extension("https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-BookingOrganisation-1", new ResourceReference("#1"))],
            Status = FhirAppointment.AppointmentStatus.Booked,
            Description = description,
            Comment = comment,
            Start = start,
            End = end,
            Created = new FhirDateTime(new DateTimeOffset(2026, 6, 8, 9, 0, 0, offset)).Value,
            Slot = [new ResourceReference("Slot/" + slot.Id)],
            Participant =
            [
                new FhirAppointment.ParticipantComponent { Actor = new ResourceReference("Patient/" + patientId), Status = ParticipationStatus.Accepted },
                new FhirAppointment.ParticipantComponent { Actor = new ResourceReference("Location/" + slot.HubId), Status = ParticipationStatus.Accepted },
                new FhirAppointment.ParticipantComponent { Actor = new ResourceReference($"Practitioner/{slot.SessionId}-{slot.ClinicianIndex + 1}"), Status = ParticipationStatus.Accepted },
            ],
        };
    }

    public static Task<WriteSnapshot> SnapshotAsync(TestWorld world)
    {
        ArgumentNullException.ThrowIfNull(world);
        return world.WithDbAsync(async db => new WriteSnapshot(
            await db.Appointments.CountAsync(),
            await db.Patients.CountAsync(),
            await db.AppointmentSlots.CountAsync(h => h.IsActive),
            await db.Slots.CountAsync(s => s.Status == SlotStatus.Booked),
            await db.Appointments.SumAsync(a => a.Version),
            string.Join("|", await db.Appointments.OrderBy(a => a.Id).Select(a => a.Status + ":" + a.Description + ":" + a.Comment).ToListAsync())));
    }

    /// <summary>Runs a FHIR call that must fail: asserts the status, the Spine code, a diagnostics text and that nothing was written.</summary>
    public static async Task<OperationOutcome> ExpectErrorAsync(TestWorld world, Func<Task> call, HttpStatusCode status, string spineCode)
    {
        ArgumentNullException.ThrowIfNull(call);
        var before = await SnapshotAsync(world);
        var failure = await Assert.ThrowsAsync<FhirOperationException>(call);
        Assert.True(status == failure.Status, $"Expected {status}, got {failure.Status}: {failure.Message}");
        var outcome = failure.Outcome ?? throw new Xunit.Sdk.XunitException("No OperationOutcome in the error response.");
        AssertOutcome(outcome, spineCode);
        Assert.Equal(before, await SnapshotAsync(world));
        return outcome;
    }

    public static void AssertOutcome(OperationOutcome outcome, string spineCode)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var issue = Assert.Single(outcome.Issue);
        Assert.Equal(OperationOutcome.IssueSeverity.Error, issue.Severity);
        var coding = Assert.Single((issue.Details ?? throw new Xunit.Sdk.XunitException("No issue.details")).Coding);
        Assert.Equal(SpineSystem, coding.System);
        Assert.Equal(spineCode, coding.Code);
        Assert.False(string.IsNullOrWhiteSpace(coding.Display));
        Assert.False(string.IsNullOrWhiteSpace(issue.Diagnostics));
    }

    public static IEnumerable<T> Resources<T>(Bundle bundle)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(bundle);
        return bundle.Entry.Select(e => e.Resource).OfType<T>();
    }
}

/// <summary>
/// The FhirClient's message handler: adds the bearer token (and any extra headers), records the last response, and
/// fails the call when a /fhir response is not strictly valid FHIR R4 (unknown elements, bad values, missing required
/// elements), is not application/fhir+json, or lacks Cache-Control: no-store.
/// </summary>
public sealed class CheckingHandler(string? token) : DelegatingHandler
{
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));

    public Dictionary<string, string> ExtraHeaders { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HttpResponseMessage? LastResponse { get; private set; }

    public string? LastBody { get; private set; }

    public int ResourcesChecked { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in ExtraHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        LastResponse = response;
        LastBody = body;
        if (response.Headers.CacheControl?.NoStore != true)
        {
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered without Cache-Control: no-store.");
        }

        if (body.Length > 0)
        {
            if (response.Content.Headers.ContentType?.MediaType != "application/fhir+json")
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {response.Content.Headers.ContentType}, not application/fhir+json: {body}");
            }

            Resource resource;
            try
            {
                resource = Strict.DeserializeResource(body);
            }
            catch (DeserializationFailedException ex)
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri} returned invalid FHIR R4: {ex.Message} {body}", ex);
            }

            var issues = resource.Validate(NarrativeValidationKind.FhirXhtml, new FhirAttributeValidator());
            if (issues.Count > 0)
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri} returned FHIR that fails validation: {string.Join("; ", issues.Select(i => i.Message))}");
            }

            ResourcesChecked++;
        }

        return response;
    }
}
