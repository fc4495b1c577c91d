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
/// The database goes away just after a change to an appointment commits. The JSON API answers from what it read before
/// the change and what the change wrote, so it still answers with the changed appointment; the FHIR answer reads the
/// appointment's slots, hub and practice afterwards, and when that fails it must say the change stands, not the usual
/// "nothing was saved; retry": a retried cancellation would meet a version conflict against its own change.
/// </summary>
public sealed class SavedButNotReadTests(SavedButNotReadTests.FailingFactory factory) : IClassFixture<SavedButNotReadTests.FailingFactory>
{
    /// <summary>Once armed, every read on the context whose transaction commits next fails as if the database had gone.</summary>
    public sealed class FailReadsAfterCommit : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private int armed;
        private int fired;
        private DbContext? failing;

        public int Fired => Volatile.Read(ref fired);

        public void Arm()
        {
            Interlocked.Exchange(ref fired, 0);
            Interlocked.Exchange(ref armed, 1);
        }

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
                Interlocked.Increment(ref fired);
                throw new TimeoutException("Simulated: the database went away after the commit");
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    public sealed class FailingFactory : InterceptingFactory<FailReadsAfterCommit>;

    [Fact]
    public async Task A_cancellation_is_answered_with_the_cancelled_appointment_even_if_nothing_can_be_read_after_its_commit()
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

        Assert.True(factory.Interceptor.Fired == 0, "nothing was read after the commit");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var body = JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("Cancelled", 2, "Feeling better"), (body.GetProperty("status").GetString(), body.GetProperty("version").GetInt32(), body.GetProperty("cancellationReason").GetString()));
        Assert.Equal("W/\"2\"", cancelled.Headers.ETag?.ToString());
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
        Assert.Contains("do not send it again", failure.Outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Null(handler.LastResponse!.Headers.RetryAfter); // not an invitation to send it again
        var id = long.Parse(created.Id!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(AppointmentStatus.Cancelled, await world.WithDbAsync(db => db.Appointments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()));
    }
}
