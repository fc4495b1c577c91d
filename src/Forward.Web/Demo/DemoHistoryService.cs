using System.Diagnostics;
using System.Globalization;
using Forward.Data.Seeding;
using Forward.Web.Access;
using Microsoft.Extensions.Options;

namespace Forward.Web.Demo;

/// <summary>
/// Writes the synthetic demo history (<see cref="DemoHistory"/>) once the app has started, when
/// Forward:Demo:HistoryMonths is above zero (Development only). It waits for ApplicationStarted so /health and the first
/// page never wait for it, and it only writes days before today, which the slot horizon service never touches. Logs counts
/// only, never patient data.
/// </summary>
public sealed partial class DemoHistoryService(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, IOptions<DemoOptions> options, ILogger<DemoHistoryService> logger, DatabaseReadiness readiness) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            await started.Task;
        }

        // The server now listens while the database is prepared in the background: the history follows it.
        await readiness.WhenReady.WaitAsync(stoppingToken);

        var months = options.Value.HistoryMonths;
        var seed = options.Value.HistorySeed;
        try
        {
            LogStarting(logger, months, seed);
            var watch = Stopwatch.StartNew();
            using var scope = scopes.CreateScope();
            var result = await scope.ServiceProvider.GetRequiredService<DemoHistory>().GenerateAsync(months, seed, stoppingToken);
            if (result.AlreadyPresent)
            {
                LogAlreadyPresent(logger);
            }
            else
            {
                var seconds = watch.Elapsed.TotalSeconds;
                var from = result.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var to = result.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                LogFinished(logger, from, to, result.Slots, result.Patients, result.Appointments, result.Attended, result.DidNotAttend, result.Cancelled, result.Reminders, seconds);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One transaction: a failure leaves no history at all, and the next start tries again.
            LogFailed(logger, ex.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Demo history: generating {Months} months with seed {Seed}")]
    private static partial void LogStarting(ILogger logger, int months, ulong seed);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Demo history: already present, nothing written")]
    private static partial void LogAlreadyPresent(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Demo history: {From} to {To}: {Slots} slots, {Patients} synthetic patients, {Appointments} appointments ({Attended} attended, {DidNotAttend} did not attend, {Cancelled} cancelled), {Reminders} reminders, in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, string from, string to, int slots, int patients, int appointments, int attended, int didNotAttend, int cancelled, int reminders, double seconds);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Demo history generation failed ({ErrorType}); nothing was written")]
    private static partial void LogFailed(ILogger logger, string errorType);
}

/// <summary>
/// <c>history [--months 12] [--seed 20260401]</c>: migrate and seed the database the web app uses, write the synthetic
/// history into it and print what was written. Any other arguments are configuration, as for the web app.
/// </summary>
public static class DemoHistoryCommand
{
    public const string Verb = "history";

    public static bool IsHistoryCommand(string[] args) => args is [Verb, ..];

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var months = 12;
        var seed = DemoHistory.DefaultSeed;
        var rest = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--months" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m is > 0 and <= DemoHistory.MaxMonths:
                    months = m;
                    i++;
                    break;
                case "--seed" when i + 1 < args.Length && ulong.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var s):
                    seed = s;
                    i++;
                    break;
                case "--months" or "--seed":
                    await Console.Error.WriteLineAsync($"usage: history [--months 1-{DemoHistory.MaxMonths}] [--seed N]");
                    return 2;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        var builder = WebApplication.CreateBuilder([.. rest]);
        builder.AddForward();
        await using var app = builder.Build();
        var watch = Stopwatch.StartNew();
        await ForwardApp.InitialiseDataAsync(app);
        using var scope = app.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<DemoHistory>().GenerateAsync(months, seed);
        var seconds = watch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        if (result.AlreadyPresent)
        {
            Console.WriteLine($"Demo history is already in this database; nothing written ({seconds} s).");
            return 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Synthetic demo history {result.From:yyyy-MM-dd} to {result.To:yyyy-MM-dd} (seed {seed}):
              {result.Slots:N0} slots, {result.Patients:N0} synthetic patients,
              {result.Appointments:N0} appointments: {result.Attended:N0} attended, {result.DidNotAttend:N0} did not attend, {result.Cancelled:N0} cancelled,
              {result.Reminders:N0} sent reminders; {seconds} s.
            """));
        return 0;
    }
}
