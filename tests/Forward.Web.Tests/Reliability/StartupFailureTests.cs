using System.Collections.Concurrent;
using Forward.Web.Notifications;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Reliability;

/// <summary>
/// Forward prepares its database in the background after it starts listening. If that fails it must not carry on
/// serving pages over a database it could not migrate: it says why and stops with a non-zero exit code, so a process
/// supervisor sees the failure.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string dataDirectory = Directory.CreateTempSubdirectory("forward-startfail-").FullName;

    [Fact]
    public async Task A_database_that_cannot_be_prepared_stops_Forward_with_exit_code_1_and_says_why()
    {
        var output = new ConcurrentQueue<string>();

        // A SQLite file in a folder that cannot exist: opening it fails whatever the machine.
        using var server = ForwardProcess.Start(ForwardProcess.FreePort(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Forward__Notifications__PublicBaseUrl"] = "https://forward.example.nhs.uk",
            ["Forward__DataDirectory"] = dataDirectory,
            ["Forward__Database__Provider"] = "Sqlite",
            ["ConnectionStrings__Forward"] = $"Data Source={Path.Combine("/proc", "forward-no-such-folder", "forward.db")}",
        }, output);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await server.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, server.ExitCode);
        Assert.Contains(output, line => line.Contains("Start-up failed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://forward.example.nhs.uk")]
    [InlineData("https://127.0.0.1:5001")]
    public async Task A_production_start_without_a_public_https_address_for_cancel_links_stops_and_says_why(string? address)
    {
        var output = new ConcurrentQueue<string>();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Forward__DataDirectory"] = dataDirectory,
        };
        if (address is not null)
        {
            settings["Forward__Notifications__PublicBaseUrl"] = address;
        }

        using var server = ForwardProcess.Start(ForwardProcess.FreePort(), settings, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await server.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains(output, line => line.Contains("Forward:Notifications:PublicBaseUrl must be the https address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_calendar_organiser_that_is_no_email_address_stops_the_start_and_says_why()
    {
        var output = new ConcurrentQueue<string>();
        using var server = ForwardProcess.Start(ForwardProcess.FreePort(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Forward__DataDirectory"] = dataDirectory,
            ["Forward__Notifications__PublicBaseUrl"] = "https://forward.example.nhs.uk",
            ["Forward__Notifications__CalendarOrganizerEmail"] = "Belgrave hub <appointments@example.nhs.uk>",
        }, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await server.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains(output, line => line.Contains("Forward:Notifications:CalendarOrganizerEmail must be an email address", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reminder_lead_that_is_no_number_of_hours_stops_the_start_and_says_why()
    {
        // Negative, not a number, or more than a week: each would refuse every booking at run time. Under an hour (0 was
        // accepted) is due when the dispatcher already drops it as too late, so nobody would be reminded.
        Assert.All(["-1", "0", "0.5", "NaN", "Infinity", "1e300", "24h", ""], bad => Assert.False(NotificationOptions.IsReminderLead(bad), bad));
        Assert.All(["1", "24", "2.5", "168"], good => Assert.True(NotificationOptions.IsReminderLead(good), good));

        var output = new ConcurrentQueue<string>();
        using var server = ForwardProcess.Start(ForwardProcess.FreePort(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Forward__DataDirectory"] = dataDirectory,
            ["Forward__Notifications__PublicBaseUrl"] = "https://forward.example.nhs.uk",
            ["Forward__Notifications__ReminderLeadHours"] = "-1",
        }, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await server.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains(output, line => line.Contains("Forward:Notifications:ReminderLeadHours must be a number of hours", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Forward:Consultation:WorkingDays must be a whole number of working days from 1 to 10", "Forward__Consultation__WorkingDays=-1")]
    [InlineData("Forward:Consultation:WorkingDays must be a whole number of working days from 1 to 10", "Forward__Consultation__WorkingDays=0")]
    [InlineData("Forward:Consultation:PerNhsNumberPer24Hours must be a whole number from 1 to 100", "Forward__Consultation__PerNhsNumberPer24Hours=1000000000")]
    [InlineData("Forward:Consultation:AcknowledgementsPerContactPer24Hours must be a whole number from 1 to 100", "Forward__Consultation__AcknowledgementsPerContactPer24Hours=0")]
    [InlineData("Forward:Fhir:PublicBaseUrls must list absolute http or https addresses", "Forward__Fhir__PublicBaseUrls__0=forward.example.nhs.uk/fhir")] // old code: ignored, and every booking under it refused

    // Old code: started, then every sign-in (or form post, cancel link, record view) was a 500 from the limiter.
    [InlineData("Forward:RateLimits:SignInPerMinute must be a whole number of at least 1", "Forward__RateLimits__SignInPerMinute=0")]
    [InlineData("Forward:RateLimits:ConsultPerHourPerIp must be a whole number of at least 1", "Forward__RateLimits__ConsultPerHourPerIp=-1")]
    [InlineData("Forward:RateLimits:PatientLinkPerMinute must be a whole number of at least 1", "Forward__RateLimits__PatientLinkPerMinute=0")]
    [InlineData("Forward:RateLimits:RecordViewsPerMinutePerUser must be a whole number of at least 1", "Forward__RateLimits__RecordViewsPerMinutePerUser=0")]
    [InlineData("Forward:RateLimits:FhirPerMinutePerUser must be a whole number of at least 1", "Forward__RateLimits__FhirPerMinutePerUser=0")]

    // Old code: started; every slot search was then a 500 (abc) or listed nothing, and a horizon shorter than the windows
    // stopped bookings short of them.
    [InlineData("'Forward:Booking:Windows:Practice:MaximumAhead'", "Forward__Booking__Windows__Practice__MaximumAhead=abc")]
    [InlineData("Forward:Booking:Windows:Practice:MaximumAhead must be a time span greater than zero", "Forward__Booking__Windows__Practice__MaximumAhead=-1.00:00:00")]
    [InlineData("Forward:Booking:Windows:Hub:MaximumAhead must be a time span greater than zero", "Forward__Booking__Windows__Hub__MaximumAhead=00:00:00")]
    [InlineData("Forward:Booking:Windows:Nhs111:MinimumNotice must be a time span of zero or more", "Forward__Booking__Windows__Nhs111__MinimumNotice=-01:00:00")]
    [InlineData("Forward:Booking:Windows:Online:MinimumNotice (2.00:00:00) must be less than Forward:Booking:Windows:Online:MaximumAhead (2.00:00:00)", "Forward__Booking__Windows__Online__MinimumNotice=2.00:00:00", "Forward__Booking__Windows__Online__MaximumAhead=2.00:00:00")]
    [InlineData("Forward:Slots:HorizonDays must be a whole number of days from 1 to 366", "Forward__Slots__HorizonDays=0")]
    [InlineData("Forward:Slots:HorizonDays must be a whole number of days from 1 to 366", "Forward__Slots__HorizonDays=-3")]
    [InlineData("Forward:Slots:HorizonDays (13) must be at least 14, the longest booking window (Forward:Booking:Windows:Practice:MaximumAhead, 14.00:00:00)", "Forward__Slots__HorizonDays=13")]
    [InlineData("Forward:Slots:HorizonDays (28) must be at least 31, the longest booking window (Forward:Booking:Windows:Hub:MaximumAhead, 30.12:00:00)", "Forward__Booking__Windows__Hub__MaximumAhead=30.12:00:00")]

    // Old code: started; no attempts marked every message Failed unsent, and a poll of abc stopped the host with exit code 0.
    [InlineData("Forward:Notifications:MaxAttempts must be a whole number of at least 1", "Forward__Notifications__MaxAttempts=0")]
    [InlineData("'Forward:Notifications:PollSeconds'", "Forward__Notifications__PollSeconds=abc")]
    [InlineData("Forward:Notifications:PollSeconds must be a whole number of seconds from 1 to 3600", "Forward__Notifications__PollSeconds=0")]
    [InlineData("Forward:Notifications:BatchSize must be a whole number of at least 1", "Forward__Notifications__BatchSize=0")]
    [InlineData("Forward:Notifications:ClaimMinutes must be a whole number of minutes from 1 to 1440", "Forward__Notifications__ClaimMinutes=0")]
    [InlineData("Forward:Notifications:SendTimeoutSeconds must be a whole number of seconds from 1 to 150", "Forward__Notifications__SendTimeoutSeconds=0")]
    [InlineData("Forward:Notifications:SendTimeoutSeconds must be a whole number of seconds from 1 to 30, half of Forward:Notifications:ClaimMinutes (1)", "Forward__Notifications__ClaimMinutes=1", "Forward__Notifications__SendTimeoutSeconds=60")]

    // Old code: a number was taken as a provider (5 as Postgres), a bad number as the default, and a bad connection
    // string stopped the start without saying which setting it was.
    [InlineData("Forward:Database:Provider must be Sqlite or Postgres, not '5'", "Forward__Database__Provider=5")]
    [InlineData("Forward:Database:Provider must be Sqlite or Postgres, not 'Sqlite,Postgres'", "Forward__Database__Provider=Sqlite,Postgres")]
    [InlineData("Forward:Slots:HorizonDays must be a whole number of days from 1 to 366", "Forward__Database__Provider= Sqlite ", "Forward__Slots__HorizonDays=0")] // spaces around a provider's name are not refused: the start goes on to the next setting
    [InlineData("Forward:Database:SqliteBusyTimeoutSeconds must be a whole number of seconds from 1 to 300, or not set, not 'abc'", "Forward__Database__SqliteBusyTimeoutSeconds=abc")]
    [InlineData("Forward:Database:SqliteBusyTimeoutSeconds must be a whole number of seconds from 1 to 300, or not set, not '0'", "Forward__Database__SqliteBusyTimeoutSeconds=0")]
    [InlineData("Forward:Database:PostgresRetries must be a whole number of retries from 0 to 10, or not set, not '-1'", "Forward__Database__Provider=Postgres", "ConnectionStrings__Forward=Host=127.0.0.1;Port=1;Database=never_opened", "Forward__Database__PostgresRetries=-1")]
    [InlineData("ConnectionStrings:Forward is not a valid SQLite connection string:", "ConnectionStrings__Forward=Data Source=forward-never.db;Mode=Bogus")]
    [InlineData("ConnectionStrings:Forward is not a valid SQLite connection string:", "ConnectionStrings__Forward=Data Source=forward-never.db;Foo=bar")]
    [InlineData("ConnectionStrings:Forward is not a valid PostgreSQL connection string:", "Forward__Database__Provider=Postgres", "ConnectionStrings__Forward=Host=127.0.0.1;Port=1;Foo=bar")]
    [InlineData("ConnectionStrings:Forward is not a valid PostgreSQL connection string:", "Forward__Database__Provider=Postgres", "ConnectionStrings__Forward=Host=127.0.0.1;Port=many")]
    public async Task Settings_that_would_refuse_or_mislead_every_patient_or_client_stop_the_start_and_say_why(string message, params string[] settings)
    {
        var output = new ConcurrentQueue<string>();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Forward__DataDirectory"] = dataDirectory,
            ["Forward__Notifications__PublicBaseUrl"] = "https://forward.example.nhs.uk",
        };
        foreach (var setting in settings)
        {
            var nameAndValue = setting.Split('=', 2);
            environment[nameAndValue[0]] = nameAndValue[1];
        }

        using var server = ForwardProcess.Start(ForwardProcess.FreePort(), environment, output);

        // A start that took the settings says it is running and carries on: that is the failure, seen without waiting it out.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var started = false;
        while (!server.HasExited && !started)
        {
            started = output.Any(line => line.StartsWith("Forward is running at", StringComparison.Ordinal)) || DateTime.UtcNow > deadline;
            await Task.Delay(100);
        }

        if (!server.HasExited)
        {
            server.Kill();
        }

        await server.WaitForExitAsync();
        Assert.False(started, $"Forward started with {string.Join(", ", settings)}");
        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains(output, line => line.Contains(message, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }
    }
}
