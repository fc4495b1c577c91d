using System.Data.Common;
using System.Net;
using Forward.Web.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Task = System.Threading.Tasks.Task;

namespace Forward.Web.Tests.Fhir;

/// <summary>
/// Every read of patient data through FHIR is audited after the read; when that audit row cannot be saved (the database
/// refuses the write while reads still work, as SQLite does while another writer holds its lock), the data is not
/// handed over.
/// </summary>
public sealed class FhirAuditFailureTests(FhirAuditFailureTests.FailingFactory factory) : IClassFixture<FhirAuditFailureTests.FailingFactory>
{
    /// <summary>Fails the next insert of an audit row, once armed.</summary>
    public sealed class FailAuditInsert : DbCommandInterceptor
    {
        private int armed;

        public void Arm() => Interlocked.Exchange(ref armed, 1);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailIfArmed(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailIfArmed(command);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        private void FailIfArmed(DbCommand command)
        {
            if (command.CommandText.Contains("INSERT INTO \"AuditEvents\"", StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1)
            {
                throw new InvalidOperationException("Simulated failure writing the audit row");
            }
        }
    }

    public sealed class FailingFactory : InterceptingFactory<FailAuditInsert>;

    [Fact]
    public async Task A_patient_read_whose_audit_row_cannot_be_saved_returns_nothing_and_says_retry()
    {
        var world = await TestWorld.CreateAsync(factory);
        var patient = await FhirTestKit.PatientAsync(world);
        var (client, handler) = await FhirTestKit.ClientAsync(world, world.PracticeStaffA);
        var search = $"Patient?identifier={FhirTestKit.NhsNumberSystem}|{patient.Identifier[0].Value}";
        var audited = await world.WithDbAsync(db => db.AuditEvents.CountAsync());

        factory.Interceptor.Arm();
        var outcome = await FhirTestKit.ExpectErrorAsync(world, () => client.GetAsync(search), HttpStatusCode.ServiceUnavailable, "INTERNAL_SERVER_ERROR");
        Assert.Contains("could not record this access", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal("5", handler.LastResponse!.Headers.RetryAfter?.ToString());
        Assert.Equal(audited, await world.WithDbAsync(db => db.AuditEvents.CountAsync()));

        // Once the audit row can be written, the same read answers.
        Assert.Single(((Bundle)(await client.GetAsync(search))!).Entry);
        Assert.Equal(audited + 1, await world.WithDbAsync(db => db.AuditEvents.CountAsync()));
    }
}
