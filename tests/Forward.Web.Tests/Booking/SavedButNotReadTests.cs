using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Domain.Booking;
using Forward.Web.Tests.Fhir;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// The database goes away just after a change to an appointment commits, while the answer is being read back. The
/// client must be told the change stands, not the usual "nothing was saved; retry": a retried cancellation would meet a
/// version conflict against its own change.
/// </summary>
public sealed class SavedButNotReadTests(SavedButNotReadTests.FailingFactory factory) : IClassFixture<SavedButNotReadTests.FailingFactory>
{
    /// <summary>Once armed, every read on the context whose transaction commits next fails as if the database had gone.</summary>
    public sealed class FailReadsAfterCommit : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private int armed;
        private DbContext? failing;

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public void Disarm() => Volatile.Write(ref failing, null);

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref armed, 0) == 1)
            {
                Volatile.Write(ref failing, eventData.Context);
            }

            return Task.CompletedTask;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context is not null && eventData.Context == Volatile.Read(ref failing) && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                throw new TimeoutException("Simulated: the database went away after the commit");
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    public sealed class FailingFactory : InterceptingFactory<FailReadsAfterCommit>;

    [Fact]
    public async Task A_cancellation_that_committed_says_so_when_it_cannot_be_read_back()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        using var booked = await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking((await world.FreeSlotsAsync())[0].Id));
        var id = JsonDocument.Parse(await booked.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        factory.Interceptor.Arm();
        HttpResponseMessage cancelled;
        try
        {
            cancelled = await client.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" });
        }
        finally
        {
            factory.Interceptor.Disarm();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, cancelled.StatusCode);
        var problem = JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("saved-not-read", problem.GetProperty("code").GetString());
        Assert.Equal(id, problem.GetProperty("appointmentId").GetInt64());
        Assert.Contains($"Appointment {id} was cancelled", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("do not send it again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(AppointmentStatus.Cancelled, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task A_fhir_cancellation_that_committed_says_so_when_it_cannot_be_read_back()
    {
        var world = await TestWorld.CreateAsync(factory);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var patient = await FhirTestKit.PatientAsync(world);
        var created = await client.CreateAsync(FhirTestKit.Booking((await world.FreeSlotsAsync())[0], patient.Id!, world.PracticeA.OdsCode));
        created!.Status = FhirAppointment.AppointmentStatus.Cancelled;
        created.CancelationReason = new CodeableConcept { Text = "Patient feels better" };

        factory.Interceptor.Arm();
        Hl7.Fhir.Rest.FhirOperationException failure;
        try
        {
            failure = await Assert.ThrowsAsync<Hl7.Fhir.Rest.FhirOperationException>(() => client.UpdateAsync(created, versionAware: true));
        }
        finally
        {
            factory.Interceptor.Disarm();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failure.Status);
        Assert.Contains($"Appointment {created.Id} was cancelled", failure.Outcome!.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.NotNull(handler.LastResponse);
        var id = long.Parse(created.Id!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(AppointmentStatus.Cancelled, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));
    }
}
