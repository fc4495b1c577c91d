using System.Data.Common;
using System.Globalization;
using Forward.Data;
using Forward.Data.Compliance;
using Forward.Domain.Time;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Hubs;

/// <summary>
/// A new database gets its slots in one bulk load at first start, and bookings follow at once. PostgreSQL plans from
/// its statistics of a table, which autovacuum refreshes only a minute or so later: until then it took the slot table
/// for nearly empty and marked a booking's slots booked by reading the whole free-slot index (5 ms instead of 0.05,
/// which cut booking throughput in bench/booking.sh by a quarter or more). A bulk load that grows a table by a tenth or
/// more refreshes them itself; rows written again in place of deleted ones (compliance days) do not.
/// </summary>
public sealed class BulkLoadStatisticsTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    /// <summary>The booking writer's statement as StatementBatch sends it: statuses and keys are parameters.</summary>
    private const string MarkBooked = "UPDATE \"Slots\" SET \"Status\" = @to WHERE \"Status\" = @from AND \"Id\" IN (@a, @b, @c)";

    [Fact]
    public async Task After_the_first_slot_load_marking_slots_booked_goes_by_their_keys()
    {
        factory.CreateClient().Dispose(); // starts Forward: migrated, seeded, slots planned
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var slots = await db.Slots.CountAsync();
        Assert.True(slots > 1_000, $"{slots} slots planned");

        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        if (factory.Database.IsPostgres)
        {
            var estimate = Convert.ToDouble(await ScalarAsync(connection, "SELECT reltuples FROM pg_class WHERE oid = '\"Slots\"'::regclass"), CultureInfo.InvariantCulture);
            Assert.True(estimate >= slots * 0.9, $"PostgreSQL estimates {estimate} slots; there are {slots}");
        }

        var plan = string.Join('\n', await PlanAsync(connection, factory.Database.IsPostgres ? "EXPLAIN " + MarkBooked : "EXPLAIN QUERY PLAN " + MarkBooked, factory.Database.IsPostgres ? 0 : 3));
        Assert.DoesNotContain("IX_Slots_Free_HubId_StartUtc", plan, StringComparison.Ordinal);
        Assert.Contains(factory.Database.IsPostgres ? "PK_Slots" : "INTEGER PRIMARY KEY", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rewriting_a_hubs_compliance_days_does_not_analyse_the_table()
    {
        // A host of its own: the world's slots would change the other test's first-start slot count.
        using var own = new ForwardFactory();
        if (!own.Database.IsPostgres)
        {
            return;
        }

        var world = await TestWorld.CreateAsync(own);
        const string Analyses = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'ComplianceSessionDays'";
        await using var observer = own.Database.OpenContext();
        await observer.Database.OpenConnectionAsync();
        var before = Convert.ToInt64(await ScalarAsync(observer.Database.GetDbConnection(), Analyses), CultureInfo.InvariantCulture);

        // Every hub's days rewritten, as rota changes do hub by hub (in a deployment of a few hubs, each a large part of
        // the table): as growth this would be the whole table. PostgreSQL counts a manual ANALYZE as soon as it has run.
        await using var rotaChange = own.Database.OpenContext();
        await using (var transaction = await rotaChange.Database.BeginTransactionAsync())
        {
            var today = London.Today(own.Clock);
            var hubIds = await rotaChange.Hubs.Select(h => h.Id).ToListAsync();
            await ComplianceDayStore.RefreshSessionDaysAsync(rotaChange, hubIds, today.AddDays(-7), today.AddDays(400), CancellationToken.None);
            Assert.True(await rotaChange.Set<SessionDayRow>().CountAsync(r => r.HubId == world.HubId) > 0, "the hubs have days to rewrite");
            await transaction.CommitAsync();
        }

        Assert.Equal(before, Convert.ToInt64(await ScalarAsync(observer.Database.GetDbConnection(), Analyses), CultureInfo.InvariantCulture));
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<string>> PlanAsync(DbConnection connection, string sql, int column)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in new (string, object)[] { ("to", "Booked"), ("from", "Free"), ("a", 1L), ("b", 2L), ("c", 3L) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(column));
        }

        return lines;
    }
}
