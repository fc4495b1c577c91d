// Firely's POCOs mark every element nullable; these tests assert on what the server must have filled in.
#nullable disable warnings

using System.Net;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

public sealed class FhirConcurrencyTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Twenty_FhirClients_booking_one_slot_at_once_make_exactly_one_booking_and_nineteen_DUPLICATE_REJECTED()
    {
        var world = await TestWorld.CreateAsync(factory);
        var slot = (await world.FreeSlotsAsync())[0];
        await FhirTestKit.SetScopesAsync(world, world.PracticeStaffA, FhirTestKit.AllScopes);
        var clients = new List<FhirClient>();
        var bookings = new List<Hl7.Fhir.Model.Appointment>();
        for (var i = 0; i < 20; i++)
        {
            var (client, _) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
            clients.Add(client);
            var patient = await FhirTestKit.PatientAsync(world);
            bookings.Add(FhirTestKit.Booking(slot, patient.Id, world.PracticeA.OdsCode));
        }

        using var start = new SemaphoreSlim(0);
        var tasks = clients.Select(async (client, i) =>
        {
            await start.WaitAsync();
            try
            {
                var created = await client.CreateAsync(bookings[i]);
                return (Status: HttpStatusCode.Created, Code: created.Id);
            }
            catch (FhirOperationException ex)
            {
                return (Status: ex.Status, Code: ex.Outcome?.Issue[0].Details.Coding[0].Code ?? ex.Message);
            }
        }).ToList();
        start.Release(clients.Count);
        var results = await Task.WhenAll(tasks);

        Assert.True(results.Count(r => r.Status == HttpStatusCode.Created) == 1, string.Join(" | ", results.Select(r => $"{r.Status} {r.Code}")));
        var conflicts = results.Where(r => r.Status != HttpStatusCode.Created).ToList();
        Assert.Equal(19, conflicts.Count);
        Assert.All(conflicts, c =>
        {
            Assert.Equal(HttpStatusCode.Conflict, c.Status);
            Assert.Equal("DUPLICATE_REJECTED", c.Code);
        });

        var (holds, appointments) = await world.WithDbAsync(async db => (
            await db.AppointmentSlots.CountAsync(h => h.IsActive && h.SlotId == slot.Id),
            await db.Appointments.CountAsync(a => a.HubId == world.HubId)));
        Assert.Equal(1, holds);
        Assert.Equal(1, appointments);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
