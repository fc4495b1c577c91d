using System.Collections.Concurrent;
using Forward.Web.Notifications;
using Forward.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forward.Web.Tests.Notifications;

/// <summary>
/// Forward with the development sender writing to a file of its own, every log line captured, and a sender wrapper
/// that can fail before sending or "crash" after sending (the host stopping between send and mark-sent).
/// </summary>
public sealed class NotificationsFactory : ForwardFactory
{
    public string OutboxFile { get; } = Path.Combine(Path.GetTempPath(), "forward-tests", Guid.NewGuid().ToString("N"), "notifications.jsonl");

    public CapturingLoggerProvider Logs { get; } = new();

    public SenderFaults Faults { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.ConfigureWebHost(builder);
        builder.UseSetting("Forward:Notifications:OutboxFile", OutboxFile);
        builder.UseSetting("Forward:Notifications:SendTimeoutSeconds", "2");
        builder.UseSetting("Logging:LogLevel:Default", "Information");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Information");
        builder.ConfigureLogging(l => l.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
            services.AddSingleton<INotificationSender>(sp => new FaultySender(sp.GetRequiredService<FileNotificationSender>(), Faults)));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Logs.Dispose();
            try
            {
                Directory.Delete(Path.GetDirectoryName(OutboxFile)!, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing was sent.
            }
        }
    }
}

/// <summary>What the wrapper should do to the next send of a given reference.</summary>
public sealed class SenderFaults
{
    public ConcurrentDictionary<string, int> CrashAfterSending { get; } = new();

    /// <summary>The dispatcher's stopping token that a "crash" cancels: the host stopping just after the send.</summary>
    public CancellationTokenSource? Stopping { get; set; }

    public ConcurrentDictionary<string, int> FailBeforeSending { get; } = new();

    /// <summary>References whose next send never answers: it waits until the dispatcher gives it up.</summary>
    public ConcurrentDictionary<string, int> HangUntilCancelled { get; } = new();

    /// <summary>References whose next send times out inside the sender, as an HttpClient does (no caller token cancelled).</summary>
    public ConcurrentDictionary<string, int> TimeOutOwnRequest { get; } = new();

    /// <summary>
    /// References whose send is held, once delivered, until the gate is opened: the provider has the message and the
    /// dispatcher has not yet heard back. The gate's first task is set when the send reaches it.
    /// </summary>
    public ConcurrentDictionary<string, (TaskCompletionSource Reached, TaskCompletionSource Open)> HoldAfterSending { get; } = new();

    /// <summary>Every reference handed to the sender, in order, repeats included.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public static bool Take(ConcurrentDictionary<string, int> faults, string reference) =>
        faults.TryGetValue(reference, out var left) && left > 0 && faults.TryUpdate(reference, left - 1, left);
}

internal sealed class FaultySender(INotificationSender inner, SenderFaults faults) : INotificationSender
{
    public Task<string> SendSmsAsync(string phoneNumber, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, CancellationToken cancellationToken = default) =>
        RunAsync(reference, () => inner.SendSmsAsync(phoneNumber, templateId, personalisation, reference, cancellationToken), cancellationToken);

    public Task<string> SendEmailAsync(string emailAddress, string templateId, IReadOnlyDictionary<string, string> personalisation, string reference, IReadOnlyList<NotificationAttachment> attachments, CancellationToken cancellationToken = default) =>
        RunAsync(reference, () => inner.SendEmailAsync(emailAddress, templateId, personalisation, reference, attachments, cancellationToken), cancellationToken);

    private async Task<string> RunAsync(string reference, Func<Task<string>> send, CancellationToken cancellationToken)
    {
        faults.Calls.Enqueue(reference);
        if (SenderFaults.Take(faults.FailBeforeSending, reference))
        {
            throw new NotificationSendException("provider-unavailable");
        }

        if (SenderFaults.Take(faults.HangUntilCancelled, reference))
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (SenderFaults.Take(faults.TimeOutOwnRequest, reference))
        {
            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.");
        }

        var id = await send();
        if (faults.HoldAfterSending.TryRemove(reference, out var hold))
        {
            hold.Reached.TrySetResult();
            await hold.Open.Task.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None); // the provider has it: not cancellable
        }

        if (SenderFaults.Take(faults.CrashAfterSending, reference))
        {
            // The host is stopping: its token is cancelled, so the dispatcher lets the cancellation through and
            // nothing after the send runs.
            var stopping = faults.Stopping ?? throw new InvalidOperationException("Set Faults.Stopping and dispatch with its token.");
            await stopping.CancelAsync();
            stopping.Token.ThrowIfCancellationRequested();
        }

        return id;
    }
}

/// <summary>Keeps every formatted log line, with its category.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            lines.Enqueue((category, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
        }
    }
}
