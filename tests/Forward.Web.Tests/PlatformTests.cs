using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Data;
using Forward.Domain.Access;
using Forward.Domain.Hubs;
using Forward.Web.Hubs;
using Forward.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Forward.Web.Tests;

public sealed class PlatformTests(ForwardFactory factory) : IClassFixture<ForwardFactory>
{
    [Fact]
    public async Task The_openapi_document_describes_the_api_and_scalar_serves_its_reference()
    {
        using var client = factory.CreateClient();
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/slots", "/api/v1/appointments", "/api/v1/appointments/{id}/cancel", "/api/v1/hubs", "/api/v1/auth/token" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        }

        // Query dates are documented as the dates they are (yyyy-mm-dd), not as an opaque string.
        var from = paths.GetProperty("/api/v1/slots").GetProperty("get").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "from");
        Assert.Equal(("string", "date"), (from.GetProperty("schema").GetProperty("type").GetString(), from.GetProperty("schema").GetProperty("format").GetString()));

        // Only what the server needs is required: a booking without a reason, practice or consent is taken, and a cancel
        // without a body; a generated client must not be made to send them.
        var schemas = document.GetProperty("components").GetProperty("schemas");
        static string[] Required(JsonElement schema) => schema.TryGetProperty("required", out var required) ? [.. required.EnumerateArray().Select(r => r.GetString()!).Order()] : [];
        Assert.Equal(["patient", "slotIds"], Required(schemas.GetProperty("BookAppointmentDto")));
        Assert.Empty(Required(schemas.GetProperty("CancelAppointmentDto")));
        // A choice in a body is documented as its names (the API reads them by its own converter, not the framework's).
        Assert.Equal(["NotAsked", "Granted", "Refused"], schemas.GetProperty("BookAppointmentDto").GetProperty("properties").GetProperty("consent").GetProperty("enum").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["NotAsked", "Granted", "Refused"], schemas.GetProperty("RecordSharingConsent").GetProperty("enum").EnumerateArray().Select(n => n.GetString()));

        // The version headers the handlers read and write themselves, and the errors as the ProblemDetails they are.
        var cancel = paths.GetProperty("/api/v1/appointments/{id}/cancel").GetProperty("post");
        var ifMatch = cancel.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "If-Match");
        Assert.Equal("header", ifMatch.GetProperty("in").GetString());
        var responses = cancel.GetProperty("responses");
        Assert.True(responses.GetProperty("200").GetProperty("headers").TryGetProperty("ETag", out _), "cancel documents the ETag it returns");
        foreach (var status in new[] { "400", "401", "403", "404", "409", "422" })
        {
            Assert.True(responses.TryGetProperty(status, out var error), $"cancel lacks {status}");
            Assert.True(error.GetProperty("content").TryGetProperty("application/problem+json", out _), $"cancel's {status} is not a ProblemDetails");
        }

        // Every appointment endpoint says which errors it answers, the searches, the record and a hub's day list too.
        var appointmentOperations = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Operation: o.Value)))
            .Where(o => o.Operation.TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "Appointments"))
            .ToList();
        Assert.Contains(appointmentOperations, o => o.Path == "/api/v1/hubs/{hubId}/day-list");
        foreach (var (path, method, operation) in appointmentOperations)
        {
            Assert.True(operation.GetProperty("responses").TryGetProperty("400", out _), $"{method} {path} documents no errors");
        }

        var dayList = paths.GetProperty("/api/v1/hubs/{hubId}/day-list").GetProperty("get").GetProperty("responses");
        Assert.True(dayList.TryGetProperty("403", out _) && dayList.TryGetProperty("404", out _), "the day list documents another hub's and a missing hub's errors");

        var book = paths.GetProperty("/api/v1/appointments").GetProperty("post");
        Assert.DoesNotContain(book.TryGetProperty("parameters", out var bookParameters) ? bookParameters.EnumerateArray() : default, p => p.GetProperty("name").GetString() == "If-Match");
        Assert.True(book.GetProperty("responses").TryGetProperty("409", out _), "booking documents the slot taken meanwhile");

        // A role and a mode are documented as the names they must be (bound by EnumName since the names alone are read).
        var parameters = paths.GetProperty("/api/v1/slots").GetProperty("get").GetProperty("parameters").EnumerateArray().ToList();
        foreach (var (name, names) in new[] { ("role", Enum.GetNames<ClinicianRole>()), ("mode", Enum.GetNames<DeliveryMode>()) })
        {
            var schema = parameters.Single(p => p.GetProperty("name").GetString() == name).GetProperty("schema");
            if (schema.TryGetProperty("$ref", out var reference))
            {
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!["#/components/schemas/".Length..]);
            }

            Assert.Equal(names, schema.GetProperty("enum").EnumerateArray().Select(n => n.GetString()));
        }

        var scalar = await client.GetAsync(new Uri("/scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    [Fact]
    public void Instants_without_a_kind_are_stored_as_utc_whatever_the_servers_time_zone()
    {
        // test.sh runs one pass of this suite with TZ set far from UTC, where reading Unspecified as server-local time
        // would move the instant by hours.
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var converter = db.Model.FindEntityType(typeof(Slot))!.FindProperty(nameof(Slot.StartUtc))!.GetValueConverter()!;
        var instant = new DateTime(2026, 6, 8, 17, 30, 0, DateTimeKind.Utc);

        var unspecified = (DateTime)converter.ConvertToProvider(DateTime.SpecifyKind(instant, DateTimeKind.Unspecified))!;
        var local = (DateTime)converter.ConvertToProvider(instant.ToLocalTime())!;
        var read = (DateTime)converter.ConvertFromProvider(DateTime.SpecifyKind(instant, DateTimeKind.Unspecified))!;

        Assert.Equal((instant.Ticks, DateTimeKind.Utc), (unspecified.Ticks, unspecified.Kind));
        Assert.Equal((instant.Ticks, DateTimeKind.Utc), (local.Ticks, local.Kind));
        Assert.Equal((instant.Ticks, DateTimeKind.Utc), (read.Ticks, read.Kind));
    }

    [Fact]
    public async Task Pages_carry_strict_security_headers()
    {
        using var client = factory.CreateClient();
        var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task Generating_slots_again_never_duplicates_and_never_withdraws_a_booked_slot()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        var planner = scope.ServiceProvider.GetRequiredService<SlotPlanner>();
        var before = await db.Slots.CountAsync(s => s.HubId == world.HubId);
        var booked = await db.Slots.FirstAsync(s => s.SessionId == world.SessionId);
        booked.Status = SlotStatus.Booked;
        await db.SaveChangesAsync();

        var again = await planner.PlanAsync(new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 28), world.HubId);

        Assert.Equal(SlotPlanResult.None, again);
        Assert.Equal(before, await db.Slots.CountAsync(s => s.HubId == world.HubId));

        // Close the whole session: free slots are withdrawn, the booked one stays booked.
        var session = await db.Sessions.FirstAsync(s => s.Id == world.SessionId);
        session.IsActive = false;
        await db.SaveChangesAsync();
        var closed = await planner.PlanAsync(new DateOnly(2026, 6, 8), new DateOnly(2026, 6, 28), world.HubId);

        Assert.True(closed.Withdrawn > 0);
        db.ChangeTracker.Clear();
        Assert.Equal(SlotStatus.Booked, (await db.Slots.FindAsync(booked.Id))!.Status);
        Assert.Equal(0, await db.Slots.CountAsync(s => s.SessionId == world.SessionId && s.Status == SlotStatus.Free));
    }

    /// <summary>
    /// The six-hourly horizon refresh mostly finds nothing to change. It must then hold nothing either: were it to take
    /// the hubs and their slots (PostgreSQL) or the write lock (SQLite) for every window regardless, bookings in those
    /// dates would wait for it, and here it would wait for the transaction below.
    /// </summary>
    [Fact]
    public async Task A_horizon_refresh_with_nothing_to_change_takes_no_locks()
    {
        var world = await TestWorld.CreateAsync(factory);
        using var scope = factory.Services.CreateScope();
        var planner = scope.ServiceProvider.GetRequiredService<SlotPlanner>();
        await planner.RefreshAsync(world.HubId); // whatever the world's set-up left to plan

        // Another writer holds the hub's row (PostgreSQL) and the database's write lock (SQLite) until it ends.
        await using var other = factory.Database.OpenContext();
        await using var holding = await other.Database.BeginTransactionAsync();
        await other.Database.ExecuteSqlRawAsync("UPDATE \"Hubs\" SET \"Name\" = \"Name\" WHERE \"Id\" = {0}", world.HubId);

        var refresh = planner.RefreshAsync(world.HubId);
        await Task.WhenAny(refresh, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(refresh.IsCompleted, "the refresh waited for another writer although it had nothing to change");
        Assert.Equal(SlotPlanResult.None, await refresh);
        await holding.RollbackAsync();
    }
}

/// <summary>Outside Development no demo account exists, whatever the data.</summary>
public sealed class ProductionStartTests : IDisposable
{
    private readonly NoDemoFactory factory = new();

    [Fact]
    public async Task No_demo_users_are_seeded_unless_configured()
    {
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
        Assert.False(await db.Users.AnyAsync());
        Assert.True(await db.Hubs.AnyAsync(h => h.Code == "LC-H02"));
    }

    [Fact]
    public async Task Demo_accounts_left_from_a_development_start_cannot_sign_in()
    {
        // The same data folder started once in Development (demo users seeded with the password in the repository),
        // then in production.
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ForwardDbContext>();
            var hasher = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.IPasswordHasher<UserAccount>>();
            foreach (var (name, isDemo) in new[] { ("left-demo", true), ("real-user", false) })
            {
                var user = new UserAccount { UserName = name, DisplayName = name, Role = Roles.Nhs111, OrganisationOds = "Y111", PasswordHash = string.Empty, IsDemo = isDemo };
                user.PasswordHash = hasher.HashPassword(user, "forward-demo");
                db.Users.Add(user);
            }

            await db.SaveChangesAsync();
        }

        using var client = factory.CreateClient();
        using var demo = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "left-demo", password = "forward-demo" });
        using var real = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "real-user", password = "forward-demo" });

        Assert.Equal(HttpStatusCode.Unauthorized, demo.StatusCode);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);

        // This host's other test finds no account at all.
        using var cleanup = factory.Services.CreateScope();
        await cleanup.ServiceProvider.GetRequiredService<ForwardDbContext>().Users.Where(u => u.UserName == "left-demo" || u.UserName == "real-user").ExecuteDeleteAsync();
    }

    public void Dispose() => factory.Dispose();

    private sealed class NoDemoFactory : ForwardFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Forward:Demo:SeedUsers", "false");
        }
    }
}
