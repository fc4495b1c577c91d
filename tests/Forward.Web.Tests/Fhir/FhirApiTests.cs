// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Globalization;
using System.Net;
using Forward.Domain.Audit;
using Forward.Domain.Hubs;
using Forward.Web.Fhir;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using FhirSlot = Hl7.Fhir.Model.Slot;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>The GP Connect-style FHIR API through the Firely FhirClient: capability, slot search, book, read, amend, cancel, patient search.</summary>
public sealed class FhirApiTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    private static readonly string[] Channels = ["In-person", "Telephone"];

    private DateOnly Today => DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_capability_statement_is_anonymous_and_lists_every_interaction_parameter_and_include()
    {
        var (client, handler) = FhirTestKit.Anonymous(factory);

        var capability = await client.CapabilityStatementAsync();

        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        Assert.Equal(FHIRVersion.N4_0_1, capability!.FhirVersion);
        Assert.Contains("application/fhir+json", capability.Format);
        var rest = Assert.Single(capability.Rest);
        var slot = rest.Resource.Single(r => r.Type == "Slot");
        Assert.Equal([CapabilityStatement.TypeRestfulInteraction.SearchType], slot.Interaction.Select(i => i.Code!.Value));
        Assert.Equal(["Slot:schedule", "Schedule:actor:Practitioner", "Schedule:actor:Location", "Location:managingOrganization"], slot.SearchInclude);
        Assert.Equal(["start", "end", "status", "searchFilter"], slot.SearchParam.Select(p => p.Name));
        var appointment = rest.Resource.Single(r => r.Type == "Appointment");
        Assert.Equivalent(
            new[] { CapabilityStatement.TypeRestfulInteraction.Create, CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.Vread, CapabilityStatement.TypeRestfulInteraction.Update, CapabilityStatement.TypeRestfulInteraction.SearchType },
            appointment.Interaction.Select(i => i.Code!.Value));
        Assert.Contains(rest.Resource, r => r.Type == "Patient" && r.SearchParam.Any(p => p.Name == "identifier"));
        Assert.Contains("Bearer", rest.Security.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_capability_statements_date_is_moved_on_whenever_its_content_changes()
    {
        // A client caches the statement by its date; a changed statement under the old date goes unnoticed. When this
        // fails, set FhirCapability.Date to the day of the change and the fingerprint here to the one reported.
        var statement = FhirCapability.Build("https://forward.example/fhir");
        Assert.Equal(FhirCapability.Date, statement.Date);
        statement.Date = null;
        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(new FhirJsonSerializer().SerializeToString(statement))))[..16];

        Assert.Equal(("2026-12-08", "03B9D28223C5A5C6"), (FhirCapability.Date, fingerprint));
    }

    [Fact]
    public async Task Slot_search_without_recursive_includes_returns_free_slots_their_schedules_and_always_the_organization()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);

        var bundle = await client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(Today, Today.AddDays(6), world.PracticeA.OdsCode));

        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        Assert.Equal(Bundle.BundleType.Searchset, bundle!.Type);
        var slots = FhirTestKit.Resources<FhirSlot>(bundle).ToList();
        var expected = await world.WithDbAsync(db =>
        {
            var now = factory.Clock.GetUtcNow().UtcDateTime;
            var end = new DateTime(Today.AddDays(7), TimeOnly.MinValue, DateTimeKind.Utc).AddHours(-1); // midnight BST
            return db.Slots.CountAsync(s => s.HubId == world.HubId && s.Status == SlotStatus.Free && s.StartUtc > now && s.EndUtc <= end);
        });
        Assert.Equal(expected, slots.Count);
        Assert.Equal(expected, bundle.Total);
        Assert.All(slots, s =>
        {
            Assert.Equal(FhirSlot.SlotStatus.Free, s.Status);
            Assert.Equal(TimeSpan.FromHours(1), s.Start!.Value.Offset);
            Assert.Contains(((Code)s.GetExtension("https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel").Value).Value, Channels);
            Assert.False(string.IsNullOrWhiteSpace(Assert.Single(s.ServiceType).Text));
        });
        Assert.Contains(slots, s => s.ServiceType[0].Text == "GP appointment (face to face)");
        Assert.All(bundle.Entry.Where(e => e.Resource is FhirSlot), e => Assert.Equal(Bundle.SearchEntryMode.Match, e.Search.Mode));

        var schedules = FhirTestKit.Resources<Schedule>(bundle).ToList();
        Assert.Equal(3, schedules.Count); // one per clinician: the evening session's two GPs and the nurse
        Assert.Contains(schedules, s => s.ServiceCategory[0].Text == "Evening GP clinic" && s.Id == $"{world.SessionId}-1");
        Assert.Contains(schedules, s => s.ServiceCategory[0].Text == "Evening GP clinic" && s.Id == $"{world.SessionId}-2");
        Assert.All(slots, s => Assert.Contains(schedules, sc => "Schedule/" + sc.Id == s.Schedule.Reference));
        var organization = Assert.Single(FhirTestKit.Resources<Organization>(bundle));
        Assert.Equal(FhirTestKit.Ods, organization.Identifier[0].System);
        Assert.Empty(FhirTestKit.Resources<Practitioner>(bundle));
        Assert.Empty(FhirTestKit.Resources<Location>(bundle));
        Assert.True(handler.ResourcesChecked > 0);

        var audit = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.Action == "fhir.slot.search" && a.Actor == world.PracticeStaffA).ToListAsync());
        Assert.Equal("success", Assert.Single(audit).Outcome);
    }

    [Fact]
    public async Task Slot_search_with_every_include_and_filters_returns_practitioners_locations_and_only_slots_wholly_inside_the_window()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);

        var all = FhirTestKit.SlotSearch(Today, Today.AddDays(1), world.PracticeA.OdsCode, allIncludes: true)
            .Add("searchFilter", "https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care");
        var bundle = await client.SearchAsync<FhirSlot>(all);

        var practitioners = FhirTestKit.Resources<Practitioner>(bundle!).Select(p => p.Id).ToList();
        Assert.Contains($"{world.SessionId}-1", practitioners);
        Assert.Contains($"{world.SessionId}-2", practitioners);
        Assert.Equal(3, practitioners.Count); // two GPs and one nurse
        var location = Assert.Single(FhirTestKit.Resources<Location>(bundle!));
        Assert.Equal(Text(world.HubId), location.Id);
        var organization = Assert.Single(FhirTestKit.Resources<Organization>(bundle!));
        Assert.Equal("Organization/" + organization.Id, location.ManagingOrganization.Reference);
        var schedule = FhirTestKit.Resources<Schedule>(bundle!).Single(s => s.Id == $"{world.SessionId}-2");
        Assert.Equal(["Location/" + location.Id, $"Practitioner/{world.SessionId}-2"], schedule.Actor.Select(a => a.Reference));
        var role = (CodeableConcept)schedule.GetExtension("https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-PractitionerRole-1").Value;
        Assert.Equal("GeneralPractitioner", role.Coding[0].Code);

        // 18:40–19:00 London today: only the GPs' 18:45–19:00 slots fit wholly inside; the nurse's 18:50–19:10 does not.
        var window = new SearchParams().Add("start", $"ge{Today:yyyy-MM-dd}T18:40:00+01:00").Add("end", $"le{Today:yyyy-MM-dd}T19:00:00+01:00").Add("status", "free")
            .Add("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeA.OdsCode}");
        window.Include.Add(("Slot:schedule", IncludeModifier.None));
        var narrow = FhirTestKit.Resources<FhirSlot>((await client.SearchAsync<FhirSlot>(window))!).ToList();
        Assert.Equal(2, narrow.Count);
        Assert.All(narrow, s => Assert.Equal(new DateTimeOffset(Today.ToDateTime(new TimeOnly(18, 45)), TimeSpan.FromHours(1)), s.Start));

        // Parameters Forward does not use (_count, _sort, unknown names) are ignored, and the self link leaves them out.
        var ignored = (Bundle)(await client.GetAsync($"Slot?start=ge{Today:yyyy-MM-dd}&end=le{Today:yyyy-MM-dd}&status=free&_include=Slot:schedule&searchFilter={FhirTestKit.Ods}|{world.PracticeA.OdsCode}&_count=5&_sort=-start&colour=blue"))!;
        var self = new Uri(ignored.Link.Single(l => l.Relation == "self").Url);
        Assert.Contains("status=free", self.Query, StringComparison.Ordinal);
        Assert.Contains("searchFilter=", self.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("_count", self.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("_sort", self.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("colour", self.Query, StringComparison.Ordinal);
        Assert.True(FhirTestKit.Resources<FhirSlot>(ignored).Count() > 5);

        // Practice B is served by the other hub only.
        var other = await client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(Today, Today.AddDays(1), world.PracticeB.OdsCode, allIncludes: true));
        Assert.Equal(Text(world.OtherHubId), Assert.Single(FhirTestKit.Resources<Location>(other!)).Id);
    }

    [Fact]
    public async Task Book_read_amend_and_cancel_through_the_FhirClient()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);

        // The practice system finds Forward's id for the patient by NHS number.
        var found = await client.SearchAsync<Patient>(new SearchParams().Add("identifier", $"{FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}"));
        var foundPatient = Assert.Single(FhirTestKit.Resources<Patient>(found!));
        Assert.Equal(patient.Id, foundPatient.Id);
        Assert.Equal("Testperson", foundPatient.Name[0].Family);
        Assert.Equal(world.PracticeA.OdsCode, foundPatient.GeneralPractitioner[0].Identifier.Value);

        var slot = (await world.FreeSlotsAsync())[0];
        var created = await client.CreateAsync(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode, comment: "Prefers a female GP"));

        Assert.Equal(HttpStatusCode.Created, handler.LastResponse!.StatusCode);
        Assert.Equal($"/fhir/Appointment/{created!.Id}/_history/1", handler.LastResponse.Headers.Location!.AbsolutePath);
        Assert.Equal("W/\"1\"", handler.LastResponse.Headers.ETag!.ToString());
        Assert.Equal("1", created.Meta.VersionId);
        Assert.Equal(FhirAppointment.AppointmentStatus.Booked, created.Status);
        Assert.Equal("Sore throat", created.Description);
        Assert.Equal("Prefers a female GP", created.Comment);
        Assert.Equal(["Slot/" + slot.Id], created.Slot.Select(s => s.Reference));
        Assert.Contains(created.Participant, p => p.Actor.Reference == "Patient/" + patient.Id);
        Assert.Contains(created.Participant, p => p.Actor.Reference == "Location/" + world.HubId);
        var bookingOrg = Assert.IsType<Organization>(Assert.Single(created.Contained));
        Assert.Equal(world.PracticeA.OdsCode, bookingOrg.Identifier[0].Value);
        Assert.Equal("Evening GP clinic", created.ServiceCategory[0].Text);
        var id = long.Parse(created.Id, CultureInfo.InvariantCulture);
        var stored = await world.WithDbAsync(db => db.Appointments.Include(a => a.Slots).ThenInclude(s => s.Slot).SingleAsync(a => a.Id == id));
        Assert.Equal(SlotStatus.Booked, stored.Slots.Single().Slot!.Status);
        Assert.Equal(Forward.Domain.Booking.BookingChannel.Practice, stored.Channel);
        Assert.Equal(world.PracticeA.OdsCode, stored.BookingOrganisationOds);

        var read = await client.ReadAsync<FhirAppointment>("Appointment/" + created.Id);
        Assert.Equal("W/\"1\"", handler.LastResponse.Headers.ETag!.ToString());
        Assert.True(created.IsExactly(read!), "A read returns what the booking returned.");
        var readAudits = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.EntityId == created.Id && e.Actor == world.PracticeStaffA).Select(e => e.Action).ToListAsync());
        Assert.Equal(1, readAudits.Count(a => a == Forward.Domain.Audit.AuditActions.FhirRead)); // audited once, by the FHIR layer
        Assert.DoesNotContain(Forward.Domain.Audit.AuditActions.AppointmentView, readAudits);

        read!.Description = "Sore throat and fever";
        read.Comment = "Call before 18:00";
        var amended = await client.UpdateAsync(read, versionAware: true);
        Assert.Equal("2", amended!.Meta.VersionId);
        Assert.Equal("Sore throat and fever", amended.Description);
        Assert.Equal("Call before 18:00", amended.Comment);
        Assert.Equal(FhirAppointment.AppointmentStatus.Booked, amended.Status);

        amended.Status = FhirAppointment.AppointmentStatus.Cancelled;
        amended.CancelationReason = new CodeableConcept { Text = "Patient feels better" };
        var cancelled = await client.UpdateAsync(amended, versionAware: true);
        Assert.Equal("3", cancelled!.Meta.VersionId);
        Assert.Equal(FhirAppointment.AppointmentStatus.Cancelled, cancelled.Status);
        Assert.Equal("Patient feels better", cancelled.CancelationReason.Text);
        Assert.Equal(SlotStatus.Free, await world.WithDbAsync(async db => (await db.Slots.FindAsync(slot.Id))!.Status));

        var actions = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.EntityType == "Appointment" && a.EntityId == created.Id).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        Assert.Equal(["appointment.book", "fhir.appointment.book", "fhir.appointment.read", "appointment.amend", "fhir.appointment.amend", "appointment.cancel", "fhir.appointment.cancel"], actions);
        var bookAudit = await world.WithDbAsync(db => db.AuditEvents.SingleAsync(a => a.Action == "fhir.appointment.book" && a.EntityId == created.Id));
        Assert.Equal(world.PracticeStaffA, bookAudit.Actor);
        Assert.Equal(int.Parse(patient.Id, CultureInfo.InvariantCulture), bookAudit.PatientId);
        Assert.DoesNotContain("Testperson", bookAudit.Detail ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.Identifier[0].Value, bookAudit.Detail ?? string.Empty, StringComparison.Ordinal);

        // Cancelled appointments cannot be amended.
        cancelled.Description = "Too late";
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(cancelled, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
    }

    [Fact]
    public async Task An_update_from_an_earlier_read_survives_renamed_sessions_hubs_and_practices()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slot = (await world.FreeSlotsAsync())[0];
        var read = await client.CreateAsync(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode));

        // The appointment shows these names, but they are other records' and change without its version moving.
        await world.WithDbAsync(async db =>
        {
            (await db.Sessions.FindAsync(slot.SessionId))!.Name = "Renamed clinic";
            (await db.Hubs.FindAsync(world.HubId))!.Name = "Renamed hub";
            var practice = (await db.Practices.FindAsync(world.PracticeA.Id))!;
            practice.Name = "Renamed practice";
            practice.Phone = "0116 000 0000";
            await db.SaveChangesAsync();
        });

        read!.Comment = "Amended after the renames";
        var amended = await client.UpdateAsync(read, versionAware: true);
        Assert.Equal("Amended after the renames", amended!.Comment);
        Assert.Equal("Renamed clinic", amended.ServiceCategory[0].Text);

        // What the appointment itself holds is still compared: another slot is refused.
        var moved = (FhirAppointment)amended.DeepCopy();
        moved.Slot = [new ResourceReference("Slot/" + (await world.FreeSlotsAsync())[0].Id)];
        await FhirTestKit.ExpectErrorAsync(world, () => client.UpdateAsync(moved, versionAware: true), HttpStatusCode.UnprocessableEntity, "INVALID_RESOURCE");
    }

    [Fact]
    public async Task The_same_instants_written_another_way_are_no_change_and_references_may_be_absolute_on_this_server()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slots = (await world.FreeSlotsAsync()).Where(s => s.ClinicianIndex == 0).ToList();
        var own = new Uri(factory.Server.BaseAddress, "fhir/").ToString();
        var absolute = FhirTestKit.Booking(slots[0], patient.Id, world.PracticeA.OdsCode);
        // Host and path in any case, the default port written out: still this server.
        absolute.Slot = [new ResourceReference($"HTTP://{factory.Server.BaseAddress.Host.ToUpperInvariant()}:80/FHIR/Slot/{slots[0].Id}")];
        absolute.Participant[0].Actor = new ResourceReference(own + "Patient/" + patient.Id);
        var booked = await client.CreateAsync(absolute);

        // Times as UTC (+00:00 for the +01:00 Forward sent), as a client that normalises dates sends them back: old code
        // refused both the amend and the cancel as changing something other than description or comment.
        var amended = (FhirAppointment)booked!.DeepCopy();
        amended.Start = amended.Start!.Value.ToUniversalTime();
        amended.End = amended.End!.Value.ToUniversalTime();
        Assert.True(amended.CreatedElement.TryToDateTimeOffset(out var created));
        amended.CreatedElement = new FhirDateTime(created.ToUniversalTime());
        amended.Comment = "Bring inhaler";
        var afterAmend = await client.UpdateAsync(amended, versionAware: true);
        Assert.Equal("Bring inhaler", afterAmend!.Comment);

        var cancel = (FhirAppointment)afterAmend.DeepCopy();
        cancel.Start = cancel.Start!.Value.ToUniversalTime();
        cancel.Status = FhirAppointment.AppointmentStatus.Cancelled;
        cancel.CancelationReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason", "pat", "Patient", "No longer needed");
        var cancelled = await client.UpdateAsync(cancel, versionAware: true);
        Assert.Equal(FhirAppointment.AppointmentStatus.Cancelled, cancelled!.Status);
        Assert.Equal("No longer needed", cancelled.CancelationReason.Text);
    }

    [Fact]
    public async Task A_create_retried_with_its_idempotency_key_gets_the_booking_it_made()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slots = await world.FreeSlotsAsync();
        handler.ExtraHeaders["Idempotency-Key"] = $"{world.Prefix}-retry";

        var first = await client.CreateAsync(FhirTestKit.Booking(slots[0], patient.Id!, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.Created, handler.LastResponse!.StatusCode);
        var again = await client.CreateAsync(FhirTestKit.Booking(slots[0], patient.Id!, world.PracticeA.OdsCode));
        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        Assert.Equal(first!.Id, again!.Id);
        Assert.Equal(1, await world.WithDbAsync(db => db.Appointments.CountAsync(a => a.PatientId == int.Parse(patient.Id!, CultureInfo.InvariantCulture))));

        // The replay shows the booking again without booking anything: it is recorded as a view of it.
        Assert.Equal(1, await world.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.AppointmentView && e.Actor == world.PracticeStaffA && e.EntityId == first.Id)));

        // The same key for a different booking is refused, and books nothing: other slots, or the same slot for another patient.
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slots[4], patient.Id!, world.PracticeA.OdsCode)), HttpStatusCode.Conflict, "DUPLICATE_REJECTED");
        var another = await FhirTestKit.PatientAsync(world);
        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slots[0], another.Id!, world.PracticeA.OdsCode)), HttpStatusCode.Conflict, "DUPLICATE_REJECTED");
    }

    [Fact]
    public async Task A_booking_refused_for_another_practices_patient_is_audited_against_that_patient()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world, world.PracticeB.Id);
        var slot = (await world.FreeSlotsAsync())[0];

        await FhirTestKit.ExpectErrorAsync(world, () => client.CreateAsync(FhirTestKit.Booking(slot, patient.Id!, world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");

        var entry = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Action == AuditActions.FhirBook && e.Actor == world.PracticeStaffA).SingleAsync());
        Assert.Equal(int.Parse(patient.Id!, CultureInfo.InvariantCulture), entry.PatientId);
        Assert.Equal(world.PracticeB.Id, entry.PracticeId);
    }

    [Fact]
    public async Task A_clinician_at_a_hub_that_was_closed_down_finds_none_of_its_patients()
    {
        var world = await TestWorld.CreateAsync(factory);
        var patient = await FhirTestKit.PatientAsync(world);
        var (clinician, _) = await FhirTestKit.ClientAsync(world, world.HubClinician);
        var search = $"Patient?identifier={FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}";
        Assert.Single(((Bundle)(await clinician.GetAsync(search))!).Entry);

        await world.WithDbAsync(db => db.Hubs.Where(h => h.Id == world.HubId).ExecuteUpdateAsync(u => u.SetProperty(h => h.IsActive, false)));

        Assert.Empty(((Bundle)(await clinician.GetAsync(search))!).Entry);
    }

    [Fact]
    public async Task A_fortnight_of_slots_across_the_october_clock_change_can_be_searched()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);

        // 19 October to 1 November 2026: fourteen London dates, fourteen days and an hour.
        var found = await client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(new DateOnly(2026, 10, 19), new DateOnly(2026, 11, 1), world.PracticeA.OdsCode));
        Assert.NotNull(found);
        await FhirTestKit.ExpectErrorAsync(
            world,
            () => client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(new DateOnly(2026, 10, 19), new DateOnly(2026, 11, 2), world.PracticeA.OdsCode)),
            HttpStatusCode.UnprocessableEntity,
            "INVALID_PARAMETER");
    }

    [Fact]
    public async Task Two_weeks_of_date_times_reaching_a_fifteenth_date_are_searched_to_their_end()
    {
        var world = await TestWorld.CreateAsync(factory);

        // Monday 8 June, 21:30 London: a practice may book until 21:30 on Monday 22 June, whose evening slots a search
        // for the next two weeks finds on the fifteenth London date.
        using var evening = factory.Clock.TravelTo(new DateTime(2026, 6, 8, 20, 30, 0, DateTimeKind.Utc));
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        SearchParams Window(string start, string end)
        {
            var search = new SearchParams().Add("start", "ge" + start).Add("end", "le" + end).Add("status", "free")
                .Add("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeA.OdsCode}");
            search.Include.Add(("Slot:schedule", IncludeModifier.None));
            return search;
        }

        // Thirteen days and 22 hours (old code: 422, fifteen dates).
        var bundle = await client.SearchAsync<FhirSlot>(Window("2026-06-08T22:00:00+01:00", "2026-06-22T20:00:00+01:00"));

        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        var slots = FhirTestKit.Resources<FhirSlot>(bundle!).ToList();
        var (from, to, bookableTo) = (new DateTime(2026, 6, 8, 21, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 22, 19, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 22, 20, 30, 0, DateTimeKind.Utc));
        var expected = await world.WithDbAsync(db => db.Slots.Where(s => s.HubId == world.HubId && s.Status == SlotStatus.Free && s.StartUtc >= from && s.EndUtc <= to && s.StartUtc <= bookableTo)
            .OrderBy(s => s.Id).Select(s => s.Id).ToListAsync());
        Assert.Equal(expected, slots.Select(s => long.Parse(s.Id, CultureInfo.InvariantCulture)).Order());
        Assert.Contains(slots, s => s.Start!.Value.ToOffset(TimeSpan.FromHours(1)).Date == new DateTime(2026, 6, 9));
        Assert.Contains(slots, s => s.Start!.Value.ToOffset(TimeSpan.FromHours(1)).Date == new DateTime(2026, 6, 22));
        Assert.Equal(slots.Count, bundle!.Total);

        // Fourteen London dates are searched, fifteen are not; nor are dateTimes more than two weeks apart.
        Assert.NotNull(await client.SearchAsync<FhirSlot>(Window("2026-06-09", "2026-06-22")));
        Assert.NotNull(await client.SearchAsync<FhirSlot>(Window("2026-06-08T20:00:00+01:00", "2026-06-22T20:00:00+01:00")));
        var fifteenDates = await FhirTestKit.ExpectErrorAsync(world, () => client.SearchAsync<FhirSlot>(Window("2026-06-08", "2026-06-22")), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        await FhirTestKit.ExpectErrorAsync(world, () => client.SearchAsync<FhirSlot>(Window("2026-06-08T20:00:00+01:00", "2026-06-22T21:00:00+01:00")), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");

        // The refusal and the capability statement say the rule as it is applied (old text: "at most 14 days apart").
        const string Rule = "at most 14 London dates (start=ge2027-01-04&end=le2027-01-17), or dateTimes up to 14 days apart (start=ge2027-01-04T18:00:00+00:00&end=le2027-01-18T18:00:00+00:00), counted from today when the start is earlier";
        Assert.Equal($"Search {Rule}.", fifteenDates.Issue[0].Diagnostics);
        var capability = await client.CapabilityStatementAsync();
        Assert.Contains(Rule, capability!.Rest[0].Resource.Single(r => r.Type == "Slot").Documentation, StringComparison.Ordinal);

        // Two weeks starting inside the two years slots may be searched for, ending past them: nothing there, not an error
        // about a start date the search does not have (old code searched the fifteenth date apart and refused it).
        var farOff = await client.SearchAsync<FhirSlot>(Window("2028-05-26T22:00:00+01:00", "2028-06-09T22:00:00+01:00"));
        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        Assert.Empty(FhirTestKit.Resources<FhirSlot>(farOff!));
    }

    [Fact]
    public async Task The_five_thousand_slot_bound_holds_over_both_parts_of_a_fifteen_date_search()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var evening = factory.Clock.TravelTo(new DateTime(2026, 6, 8, 20, 30, 0, DateTimeKind.Utc));
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var search = new SearchParams().Add("start", "ge2026-06-08T22:00:00+01:00").Add("end", "le2026-06-22T20:00:00+01:00").Add("status", "free")
            .Add("searchFilter", $"{FhirTestKit.Ods}|{world.PracticeA.OdsCode}");
        search.Include.Add(("Slot:schedule", IncludeModifier.None));

        // The first part (8 to 21 June) holds the rota's evening slots; the fifteenth date is filled with extra clinicians'
        // five-minute slots (07:00 to 17:00 UTC) until the two parts together hold exactly the bound.
        var (now, afterLastDate) = (factory.Clock.GetUtcNow().UtcDateTime, new DateTime(2026, 6, 22, 23, 0, 0, DateTimeKind.Utc));
        var rotaSlots = await world.WithDbAsync(db => db.Slots.CountAsync(s => s.HubId == world.HubId && s.Status == SlotStatus.Free && s.StartUtc > now && s.StartUtc < afterLastDate));
        Assert.InRange(rotaSlots, 50, 500);
        var added = 0;
        async Task AddSlotsOnTheFifteenthDateAsync(int count)
        {
            await world.WithDbAsync(db =>
            {
                for (var k = added; k < added + count; k++)
                {
                    var start = new DateTime(2026, 6, 22, 7, 0, 0, DateTimeKind.Utc).AddMinutes(k % 120 * 5);
                    db.Slots.Add(new Forward.Domain.Hubs.Slot { SessionId = world.SessionId, HubId = world.HubId, ClinicianIndex = 10 + (k / 120), StartUtc = start, EndUtc = start.AddMinutes(5), Role = ClinicianRole.GeneralPractitioner, Mode = DeliveryMode.FaceToFace, Status = SlotStatus.Free });
                }

                return db.SaveChangesAsync();
            });
            added += count;
        }

        await AddSlotsOnTheFifteenthDateAsync(FhirEndpoints.MaxSlotsPerSearch - rotaSlots);
        var atTheBound = await client.SearchAsync<FhirSlot>(search);
        Assert.Equal(HttpStatusCode.OK, handler.LastResponse!.StatusCode);
        var (from, to) = (new DateTime(2026, 6, 8, 21, 0, 0, DateTimeKind.Utc), new DateTime(2026, 6, 22, 19, 0, 0, DateTimeKind.Utc));
        var inWindow = await world.WithDbAsync(db => db.Slots.CountAsync(s => s.HubId == world.HubId && s.Status == SlotStatus.Free && s.StartUtc >= from && s.EndUtc <= to && s.StartUtc > now));
        Assert.Equal(inWindow, atTheBound!.Total);
        Assert.Contains(FhirTestKit.Resources<FhirSlot>(atTheBound), s => s.Start!.Value.UtcDateTime == new DateTime(2026, 6, 22, 16, 55, 0, DateTimeKind.Utc));

        // One more free slot on the fifteenth date is one past the bound, though each part alone is within it.
        await AddSlotsOnTheFifteenthDateAsync(1);
        var refused = await FhirTestKit.ExpectErrorAsync(world, () => client.SearchAsync<FhirSlot>(search), HttpStatusCode.UnprocessableEntity, "INVALID_PARAMETER");
        Assert.Equal("More than 5,000 free slots match; search fewer days at a time.", refused.Issue[0].Diagnostics);
    }

    [Fact]
    public async Task Several_adjacent_slots_book_as_one_appointment_and_nhs111_books_within_its_window()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);
        var patient = await FhirTestKit.PatientAsync(world);
        var slots = (await world.FreeSlotsAsync()).Where(s => s.ClinicianIndex == 0).Take(2).ToList();
        var booking = FhirTestKit.Booking(slots[0], patient.Id, "Y111");
        booking.Slot.Add(new ResourceReference("Slot/" + slots[1].Id));
        booking.End = new DateTimeOffset(DateTime.SpecifyKind(slots[1].EndUtc, DateTimeKind.Utc)).ToOffset(TimeSpan.FromHours(1));

        var created = await client.CreateAsync(booking);

        Assert.Equal(2, created!.Slot.Count);
        Assert.Equal(30, (int)(created.End!.Value - created.Start!.Value).TotalMinutes);
        Assert.Equal(Forward.Domain.Booking.BookingChannel.Nhs111, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == long.Parse(created.Id, CultureInfo.InvariantCulture)).Select(a => a.Channel).SingleAsync()));
    }

    [Fact]
    public async Task A_client_books_from_the_search_alone_with_the_schedules_practitioner_and_back_to_back_slots_of_one_schedule()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var bundle = (await client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(Today.AddDays(1), Today.AddDays(1), world.PracticeA.OdsCode, allIncludes: true)))!;

        // The evening session's second GP, as a client sees it: a Schedule with one practitioner and its slots.
        var schedule = FhirTestKit.Resources<Schedule>(bundle).Single(s => s.Id == $"{world.SessionId}-2");
        var practitioner = Assert.Single(schedule.Actor, a => a.Reference.StartsWith("Practitioner/", StringComparison.Ordinal)).Reference;
        var slots = FhirTestKit.Resources<FhirSlot>(bundle).Where(s => s.Schedule.Reference == "Schedule/" + schedule.Id).OrderBy(s => s.Start).ToList();
        var pair = slots.Zip(slots.Skip(1)).First(p => p.First.End == p.Second.Start);
        var booking = new FhirAppointment
        {
            Contained = [new Organization { Id = "1", Identifier = [new Identifier(FhirTestKit.Ods, world.PracticeA.OdsCode)], Name = "Booking organisation", Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Work, "01632 960000")] }],
            Extension = [new Extension("https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-BookingOrganisation-1", new ResourceReference("#1"))],
            Status = FhirAppointment.AppointmentStatus.Booked,
            Start = pair.First.Start,
            End = pair.Second.End,
            Created = new FhirDateTime(new DateTimeOffset(2026, 6, 8, 9, 0, 0, TimeSpan.FromHours(1))).Value,
            Slot = [new ResourceReference("Slot/" + pair.First.Id), new ResourceReference("Slot/" + pair.Second.Id)],
            Participant =
            [
                new FhirAppointment.ParticipantComponent { Actor = new ResourceReference("Patient/" + patient.Id), Status = ParticipationStatus.Accepted },
                new FhirAppointment.ParticipantComponent { Actor = Assert.Single(schedule.Actor, a => a.Reference.StartsWith("Location/", StringComparison.Ordinal)), Status = ParticipationStatus.Accepted },
                new FhirAppointment.ParticipantComponent { Actor = new ResourceReference(practitioner), Status = ParticipationStatus.Accepted },
            ],
        };

        var created = await client.CreateAsync(booking);

        Assert.Equal(2, created!.Slot.Count);
        Assert.Contains(created.Participant, p => p.Actor.Reference == practitioner);
    }

    [Fact]
    public async Task Another_nhs111_provider_can_neither_read_nor_cancel_an_appointment_it_did_not_book()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (booker, _) = await FhirTestKit.ClientAsync(world, world.Nhs111);
        var (otherProvider, _) = await FhirTestKit.ClientAsync(world, world.OtherNhs111);
        var patient = await FhirTestKit.PatientAsync(world);
        var created = await booker.CreateAsync(FhirTestKit.Booking((await world.FreeSlotsAsync())[0], patient.Id, "Y111"));

        var read = await Assert.ThrowsAsync<FhirOperationException>(() => otherProvider.ReadAsync<FhirAppointment>("Appointment/" + created!.Id));
        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        created!.Status = FhirAppointment.AppointmentStatus.Cancelled;
        created.CancelationReason = new CodeableConcept { Text = "Not needed" };
        var cancel = await Assert.ThrowsAsync<FhirOperationException>(() => otherProvider.UpdateAsync(created, versionAware: true));
        Assert.Equal(HttpStatusCode.NotFound, cancel.Status);

        // Both attempts are recorded under the appointment, its patient and hub, so its commissioner sees them, and the
        // cancel as a cancel (old code: neither named, and the cancel recorded as an amend); as refusals, though the caller
        // was told only that there is no such appointment (old code: "failed", as for an appointment that does not exist).
        var attempts = await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == world.OtherNhs111 && e.EntityType == "Appointment").OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditActions.FhirRead, AuditActions.FhirCancel], attempts.Select(e => e.Action));
        Assert.All(attempts, e => Assert.Equal((created.Id, int.Parse(patient.Id!, CultureInfo.InvariantCulture), world.HubId, "denied"), (e.EntityId, e.PatientId!.Value, e.HubId!.Value, e.Outcome)));
        Assert.All(attempts, e => Assert.Contains("status=404; code=NO_RECORD_FOUND; refused=other-organisation", e.Detail, StringComparison.Ordinal));
        Assert.All(attempts, e => Assert.Equal(world.PracticeA.Id, e.PracticeId)); // the patient's practice, for its CCG

        // The booker's own refused cancel (an old version) is recorded as a cancel too.
        var stale = (FhirAppointment)created.DeepCopy();
        stale.Meta = new Meta { VersionId = "7" };
        await FhirTestKit.ExpectErrorAsync(world, () => booker.UpdateAsync(stale, versionAware: true), HttpStatusCode.Conflict, "FHIR_CONSTRAINT_VIOLATION");
        Assert.Equal(AuditActions.FhirCancel, await world.WithDbAsync(db => db.AuditEvents.Where(e => e.Actor == world.Nhs111 && e.EntityId == created.Id).OrderBy(e => e.Id).Select(e => e.Action).LastAsync()));
        var theirs = (Bundle)(await otherProvider.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Today:yyyy-MM-dd}&start=le{Today.AddDays(13):yyyy-MM-dd}"))!;
        Assert.Empty(FhirTestKit.Resources<FhirAppointment>(theirs));

        Assert.Equal(Forward.Domain.Booking.AppointmentStatus.Booked, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == long.Parse(created.Id, CultureInfo.InvariantCulture)).Select(a => a.Status).SingleAsync()));
        Assert.Single(FhirTestKit.Resources<FhirAppointment>((Bundle)(await booker.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Today:yyyy-MM-dd}&start=le{Today.AddDays(13):yyyy-MM-dd}"))!));
    }

    [Fact]
    public async Task Another_practices_patient_is_answered_as_not_found_but_audited_as_denied_with_the_patient_and_hub()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (practice, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var theirs = await FhirTestKit.PatientAsync(world, world.PracticeB.Id);
        var theirsId = int.Parse(theirs.Id, CultureInfo.InvariantCulture);
        var byNhsNumber = $"{FhirTestKit.NhsNumberSystem}|{theirs.Identifier[0].Value}";
        var dates = $"start=ge{Today:yyyy-MM-dd}&start=le{Today.AddDays(13):yyyy-MM-dd}";
        var slot = (await world.FreeSlotsAsync())[0];

        // Answered as for a patient Forward does not hold: nothing tells the caller that this one exists.
        await FhirTestKit.ExpectErrorAsync(world, () => practice.CreateAsync(FhirTestKit.Booking(slot, theirs.Id, world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
        Assert.Empty((await practice.SearchAsync<Patient>(new SearchParams().Add("identifier", byNhsNumber)))!.Entry);
        await FhirTestKit.ExpectErrorAsync(world, () => practice.GetAsync($"Patient/{theirs.Id}/Appointment?{dates}"), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");
        await FhirTestKit.ExpectErrorAsync(world, () => practice.GetAsync($"Appointment?patient.identifier={Uri.EscapeDataString(byNhsNumber)}&{dates}"), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");

        // A hub's system is refused a patient of a practice its hub does not serve.
        var (hub, _) = await FhirTestKit.ClientAsync(world, world.HubClinician);
        Assert.Empty((await hub.SearchAsync<Patient>(new SearchParams().Add("identifier", byNhsNumber)))!.Entry);

        // A patient Forward does not hold is not a refusal: there is nobody to refuse.
        await FhirTestKit.ExpectErrorAsync(world, () => practice.CreateAsync(FhirTestKit.Booking(slot, "987654321", world.PracticeA.OdsCode)), HttpStatusCode.NotFound, "PATIENT_NOT_FOUND");

        // Each refusal is audited as denied, as the JSON API's refused booking is, under the patient and their practice
        // (for its CCG), the booking under the hub of the slot it asked for too (old code: "failed" with no hub, the search
        // "success").
        var audit = await world.WithDbAsync(db => db.AuditEvents.Where(e => (e.Actor == world.PracticeStaffA || e.Actor == world.HubClinician) && e.Action.StartsWith("fhir.")).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(
            [(AuditActions.FhirBook, "denied"), (AuditActions.FhirPatientSearch, "denied"), (AuditActions.FhirAppointmentSearch, "denied"), (AuditActions.FhirAppointmentSearch, "denied"), (AuditActions.FhirPatientSearch, "denied"), (AuditActions.FhirBook, "failed")],
            audit.Select(e => (e.Action, e.Outcome)));
        Assert.All(audit.Take(5), e => Assert.Equal((theirsId, world.PracticeB.Id), (e.PatientId!.Value, e.PracticeId!.Value)));
        Assert.Equal((slot.HubId, "Patient", theirs.Id), (audit[0].HubId!.Value, audit[0].EntityType, audit[0].EntityId));
        Assert.StartsWith("status=404; code=PATIENT_NOT_FOUND; refused=other-practice", audit[0].Detail, StringComparison.Ordinal);
        Assert.StartsWith("status=200; refused=other-practice; found=0", audit[1].Detail, StringComparison.Ordinal);
        Assert.All(audit.Skip(2).Take(2), e => Assert.StartsWith("status=404; code=PATIENT_NOT_FOUND; refused=other-practice", e.Detail, StringComparison.Ordinal));
        Assert.StartsWith("status=200; refused=practice-not-served; found=0", audit[4].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("refused", audit[5].Detail, StringComparison.Ordinal);

        // The CCG's commissioner finds them among the denied events in the audit search.
        using var commissioner = await PageClient.SignedInAsync(factory, world.Commissioner);
        var (status, page) = await commissioner.GetAsync($"/Audit?Outcome=denied&UserName={world.PracticeStaffA}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(4, page.Split("<tr class=\"nhsuk-table__row\" data-event=\"").Length - 1);
    }

    [Fact]
    public async Task A_patients_appointments_are_found_by_id_and_by_nhs_number_cancelled_ones_included()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var slots = (await world.FreeSlotsAsync()).Where(s => s.ClinicianIndex == 0).ToList();
        var first = await client.CreateAsync(FhirTestKit.Booking(slots[0], patient.Id, world.PracticeA.OdsCode));
        var second = await client.CreateAsync(FhirTestKit.Booking(slots.First(s => s.StartUtc.Date > slots[0].StartUtc.Date), patient.Id, world.PracticeA.OdsCode));
        second!.Status = FhirAppointment.AppointmentStatus.Cancelled;
        second.CancelationReason = new CodeableConcept { Text = "Booked in error" };
        await client.UpdateAsync(second, versionAware: true);
        var other = await FhirTestKit.PatientAsync(world);
        await client.CreateAsync(FhirTestKit.Booking(slots[1], other.Id, world.PracticeA.OdsCode));

        var byId = (Bundle)(await client.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Today:yyyy-MM-dd}&start=le{Today.AddDays(13):yyyy-MM-dd}"))!;
        var appointments = FhirTestKit.Resources<FhirAppointment>(byId).ToList();
        Assert.Equal([first!.Id, second.Id], appointments.Select(a => a.Id));
        Assert.Equal([FhirAppointment.AppointmentStatus.Booked, FhirAppointment.AppointmentStatus.Cancelled], appointments.Select(a => a.Status!.Value));

        var byNhsNumber = await client.SearchAsync<FhirAppointment>(new SearchParams()
            .Add("patient.identifier", $"{FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}")
            .Add("start", $"ge{Today:yyyy-MM-dd}").Add("start", $"le{Today.AddDays(13):yyyy-MM-dd}"));
        Assert.Equal([first.Id, second.Id], FhirTestKit.Resources<FhirAppointment>(byNhsNumber!).Select(a => a.Id));

        var firstDayOnly = (Bundle)(await client.GetAsync($"Patient/{patient.Id}/Appointment?start=ge{Today:yyyy-MM-dd}&start=le{DateOnly.FromDateTime(slots[0].StartUtc):yyyy-MM-dd}"))!;
        Assert.Equal([first.Id], FhirTestKit.Resources<FhirAppointment>(firstDayOnly).Select(a => a.Id));

        var audit = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.Action == "fhir.appointment.search").Select(a => a.PatientId).ToListAsync());
        Assert.Contains(int.Parse(patient.Id, CultureInfo.InvariantCulture), audit);
    }

    [Fact]
    public async Task Ssp_headers_are_accepted_and_every_call_is_audited_with_its_outcome()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        handler.ExtraHeaders["Ssp-TraceID"] = "09a01679-2564-0fb4-5129-aecc81ea2706";
        handler.ExtraHeaders["Ssp-InteractionID"] = "urn:nhs:names:services:gpconnect:fhir:rest:search:slot-1";

        await client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(Today, Today.AddDays(2), world.PracticeA.OdsCode));
        await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<FhirSlot>(FhirTestKit.SlotSearch(Today, Today.AddDays(20), world.PracticeA.OdsCode)));

        var audit = await world.WithDbAsync(db => db.AuditEvents.Where(a => a.Action == "fhir.slot.search" && a.Actor == world.PracticeStaffA).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(["success", "failed"], audit.Select(a => a.Outcome));
        Assert.Contains("ssp-trace=09a01679-2564-0fb4-5129-aecc81ea2706", audit[0].Detail, StringComparison.Ordinal);
        Assert.Contains("code=INVALID_PARAMETER", audit[1].Detail, StringComparison.Ordinal);
    }
}
