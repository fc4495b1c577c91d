using System.Net.Http.Json;
using Forward.Data;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests.Booking;

/// <summary>
/// The booking writer keeps SQLite's temporary storage in memory for its group only: every other connection keeps
/// SQLite's default, which spills large sorts (an index built by a migration) to disk instead of holding them in memory.
/// </summary>
public sealed class SqliteTempStoreTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task Temporary_storage_is_in_memory_inside_the_scope_and_the_default_again_after_it()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        if (db.IsPostgres)
        {
            await using (await SqliteTempStore.InMemoryAsync(db, CancellationToken.None))
            {
                Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);
            }

            return;
        }

        Assert.Equal(0, await TempStoreAsync(db));
        await using (await SqliteTempStore.InMemoryAsync(db, CancellationToken.None))
        {
            Assert.Equal(2, await TempStoreAsync(db));
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(2, await TempStoreAsync(db));
        }

        Assert.Equal(System.Data.ConnectionState.Closed, db.Database.GetDbConnection().State);
        Assert.Equal(0, await TempStoreAsync(db));
    }

    [Fact]
    public async Task Connections_used_for_bookings_go_back_to_the_pool_with_the_default()
    {
        var world = await TestWorld.CreateAsync(factory);
        var client = await world.ClientAsync(world.PracticeStaffA);
        foreach (var slot in (await world.FreeSlotsAsync()).Take(3))
        {
            (await client.PostAsJsonAsync("/api/v1/appointments", TestPatients.Booking(slot.Id))).EnsureSuccessStatusCode();
        }

        if (factory.Database.IsPostgres)
        {
            return;
        }

        // Several contexts at once, so the pool hands out more than one native connection, the writer's among them.
        var scopes = Enumerable.Range(0, 4).Select(_ => factory.Services.CreateScope()).ToList();
        try
        {
            foreach (var scope in scopes)
            {
                var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
                await db.Database.OpenConnectionAsync();
                Assert.Equal(0, await TempStoreAsync(db));
            }
        }
        finally
        {
            scopes.ForEach(s => s.Dispose());
        }
    }

    private static Task<int> TempStoreAsync(ForwardDbContext db) =>
        db.Database.SqlQueryRaw<int>("SELECT temp_store AS \"Value\" FROM pragma_temp_store").SingleAsync();
}
