using Forward.Web.Fhir;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.AspNetCore.Hosting;
using ForwardSlot = Forward.Domain.Hubs.Slot;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>Which absolute references a booking may carry: this server's, under any of its addresses, and no other's.</summary>
public sealed class FhirReferenceTests
{
    private static readonly ForwardSlot Slot = new()
    {
        Id = 434,
        HubId = 24,
        SessionId = 174,
        StartUtc = new DateTime(2026, 6, 9, 17, 30, 0, DateTimeKind.Utc),
        EndUtc = new DateTime(2026, 6, 9, 17, 45, 0, DateTimeKind.Utc),
    };

    private static readonly Uri[] OwnBases = [new("http://10.0.0.5:8080/fhir"), new("https://forward.example.nhs.uk/fhir")];

    private static FhirBooking.Request Read(string slotReference, string patientReference)
    {
        var booking = FhirTestKit.Booking(Slot, "1", "A81001");
        booking.Slot = [new ResourceReference(slotReference)];
        booking.Participant[0].Actor = new ResourceReference(patientReference);
        return FhirBooking.Read(booking, OwnBases, ForwardFactory.DefaultNow);
    }

    [Theory]
    [InlineData("https://forward.example.nhs.uk/fhir/Slot/434", "https://forward.example.nhs.uk/fhir/Patient/7")] // the configured public address
    [InlineData("http://FORWARD.example.nhs.uk:80/FHIR/Slot/434", "Patient/7")] // http behind the proxy, host and path in capitals, port written
    [InlineData("http://10.0.0.5:8080/fhir/Slot/434", "http://10.0.0.5:8080/fhir/Patient/7")] // the address the request reached
    public void An_absolute_reference_under_any_of_this_servers_addresses_is_read_as_its_own(string slot, string patient)
    {
        var request = Read(slot, patient);

        Assert.Equal([434L], request.SlotIds);
        Assert.Equal(7, request.PatientId);
    }

    [Theory]
    [InlineData("https://other-system.example/fhir/Slot/434", "Patient/7")] // another server
    [InlineData("Slot/434", "https://other-system.example/fhir/Patient/7")]
    [InlineData("http://10.0.0.5:9090/fhir/Slot/434", "Patient/7")] // another port of the same host
    [InlineData("https://forward.example.nhs.uk/other/Slot/434", "Patient/7")] // outside the FHIR base
    [InlineData("urn:uuid:5b2c1e7a-1d3c-4c1e-9a51-6f1b1b0c7d10", "Patient/7")]
    public void An_absolute_reference_to_anywhere_else_is_refused(string slot, string patient) =>
        Assert.Equal(422, Assert.Throws<FhirException>(() => Read(slot, patient)).Status);
}

/// <summary>A host configured with its public FHIR address, as behind a proxy.</summary>
public sealed class PublicFhirBaseFactory : ForwardFactory
{
    public const string PublicBase = "https://forward.example.nhs.uk/fhir";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Written with a trailing slash, as an operator may; links are written without it.
        builder.UseSetting("Forward:Fhir:PublicBaseUrls:0", PublicBase + "/");
    }
}

public sealed class FhirPublicBaseTests(PublicFhirBaseFactory factory) : IClassFixture<PublicFhirBaseFactory>
{
    [Fact]
    public async Task A_booking_whose_references_are_under_the_configured_public_address_is_booked()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync()).First(s => s.ClinicianIndex == 0);
        var booking = FhirTestKit.Booking(slot, patient.Id!, world.PracticeA.OdsCode);
        booking.Slot = [new ResourceReference($"{PublicFhirBaseFactory.PublicBase}/Slot/{slot.Id}")];
        booking.Participant[0].Actor = new ResourceReference($"{PublicFhirBaseFactory.PublicBase}/Patient/{patient.Id}");

        var booked = await client.CreateAsync(booking);

        Assert.Equal(Hl7.Fhir.Model.Appointment.AppointmentStatus.Booked, booked!.Status);
        Assert.Equal($"Slot/{slot.Id}", Assert.Single(booked.Slot).Reference);
    }

    [Fact]
    public async Task Links_in_answers_are_under_the_configured_public_address_not_the_address_the_request_reached()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        const string Public = PublicFhirBaseFactory.PublicBase + "/";

        // Old code: every link named the host the request reached (http://localhost/fhir/...), which behind a proxy
        // that rewrites the Host is an internal one.
        var slots = await client.SearchAsync<Hl7.Fhir.Model.Slot>(FhirTestKit.SlotSearch(today, today.AddDays(2), world.PracticeA.OdsCode, allIncludes: true));
        Assert.NotEmpty(slots!.Entry);
        Assert.All(slots.Entry, e => Assert.Equal($"{Public}{e.Resource!.TypeName}/{e.Resource.Id}", e.FullUrl));
        Assert.StartsWith(Public + "Slot?", slots.SelfLink!.OriginalString, StringComparison.Ordinal);

        var found = await client.SearchAsync<Patient>(new SearchParams().Add("identifier", $"{FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}"));
        Assert.Equal(Public + "Patient/" + patient.Id, Assert.Single(found!.Entry).FullUrl);

        // A reference under the address the request reached is still read as Forward's own.
        var slot = (await world.FreeSlotsAsync()).First(s => s.ClinicianIndex == 0);
        var booking = FhirTestKit.Booking(slot, patient.Id!, world.PracticeA.OdsCode);
        booking.Slot = [new ResourceReference(new Uri(factory.Server.BaseAddress, "fhir/Slot/" + slot.Id).ToString())];
        var booked = await client.CreateAsync(booking);
        Assert.Equal(new Uri($"{Public}Appointment/{booked!.Id}/_history/1"), handler.LastResponse!.Headers.Location);

        var listed = (Bundle)(await client.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{today:yyyy-MM-dd}&start=le{today.AddDays(2):yyyy-MM-dd}"))!;
        Assert.Equal(Public + "Appointment/" + booked.Id, Assert.Single(listed.Entry).FullUrl);
        Assert.StartsWith(Public + "Patient/" + patient.Id + "/Appointment?", listed.SelfLink!.OriginalString, StringComparison.Ordinal);

        var capability = await client.CapabilityStatementAsync();
        Assert.Equal(Public + "metadata", capability!.Url);
        Assert.Equal(PublicFhirBaseFactory.PublicBase, capability.Implementation!.Url);
    }
}
