using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Forward.Web.Tests.Observability;

/// <summary>
/// No patient data in logs: a booking journey (book through the API and the pages, read it back, record access,
/// cancel) runs with every category logging at Debug, and every message and every structured value written is
/// scanned for the patient's NHS number, names, phone number and date of birth.
/// </summary>
public sealed class LogPrivacyTests : IClassFixture<LogPrivacyTests.CapturingFactory>
{
    private readonly CapturingFactory factory;

    public LogPrivacyTests(CapturingFactory factory) => this.factory = factory;

    [Fact]
    public async Task A_booking_journey_logs_no_nhs_number_name_phone_or_date_of_birth()
    {
        var world = await TestWorld.CreateAsync(factory);
        var nhsNumber = TestPatients.NewNhsNumber();
        const string given = "Zanzibarra";
        const string family = "Quixotelli";
        const string phone = "07700 900 981";
        var slots = await world.FreeSlotsAsync();
        factory.Lines.Clear();

        var practice = await world.ClientAsync(world.PracticeStaffA);
        var booked = await practice.PostAsJsonAsync("/api/v1/appointments", new
        {
            slotIds = new[] { slots[0].Id },
            patient = new { nhsNumber, givenName = given, familyName = family, dateOfBirth = "1961-02-27", phone },
            registeredPracticeOds = world.PracticeA.OdsCode,
            reason = "Rash on forearm",
            consent = "Granted",
        });
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var id = (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // A failed attempt too: errors are where identifiers tend to leak into messages.
        Assert.Equal(HttpStatusCode.Conflict, (await practice.PostAsJsonAsync("/api/v1/appointments", new
        {
            slotIds = new[] { slots[0].Id },
            patient = new { nhsNumber, givenName = given, familyName = family, dateOfBirth = "1961-02-27", phone },
            registeredPracticeOds = world.PracticeA.OdsCode,
            consent = "Granted",
        })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await practice.GetAsync(new Uri($"/api/v1/appointments/{id}", UriKind.Relative))).StatusCode);
        var clinician = await world.ClientAsync(world.HubClinician);
        Assert.Equal(HttpStatusCode.OK, (await clinician.GetAsync(new Uri($"/api/v1/appointments/{id}/record", UriKind.Relative))).StatusCode);
        using (var pages = await PageClient.SignedInAsync(factory, world.HubClinician))
        {
            Assert.Contains(family, (await pages.GetAsync($"/Hubs/DayList?date=2026-06-08")).Html, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await practice.PostAsJsonAsync(new Uri($"/api/v1/appointments/{id}/cancel", UriKind.Relative), new { reason = "Feeling better" })).StatusCode);

        var lines = factory.Lines.ToList();
        Assert.True(lines.Count > 20, $"expected the journey to log something at Debug, got {lines.Count} lines");
        string[] secrets = [nhsNumber, nhsNumber[..3] + " " + nhsNumber[3..6] + " " + nhsNumber[6..], given, family, phone, phone.Replace(" ", string.Empty, StringComparison.Ordinal), "1961-02-27", "27/02/1961"];
        var leaks = lines.Where(l => secrets.Any(s => l.Contains(s, StringComparison.OrdinalIgnoreCase))).Take(5).ToList();
        Assert.True(leaks.Count == 0, "Patient data in logs:\n" + string.Join('\n', leaks));
    }

    /// <summary>The normal test host with every category at Debug and a provider that keeps every line.</summary>
    public sealed class CapturingFactory : ForwardFactory
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Logging:LogLevel:Default", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Debug");
            builder.ConfigureLogging(logging => logging.AddProvider(new CaptureProvider(Lines)));
        }
    }

    private sealed class CaptureProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CaptureLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CaptureLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} | {Describe(state)} | {exception}");
        }

        private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? string.Empty;
    }
}
