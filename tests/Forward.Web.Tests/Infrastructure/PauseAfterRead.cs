using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Armed, holds the next read whose SQL contains <see cref="Marker"/>, just after it ran, until released: a test can
/// then do something else "in between" and release it. Each arming starts afresh (a fixture's interceptor is shared by
/// the tests of its class).
/// </summary>
public abstract class PauseAfterRead : DbCommandInterceptor
{
    private TaskCompletionSource paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int armed;

    public Task Paused => paused.Task;

    /// <summary>Text that only the read to hold contains.</summary>
    protected abstract string Marker { get; }

    public void Arm()
    {
        paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref armed, 1);
    }

    public void Release() => released.TrySetResult();

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.CommandText.Contains(Marker, StringComparison.Ordinal) && Interlocked.Exchange(ref armed, 0) == 1)
        {
            paused.TrySetResult();
            await released.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        return result;
    }
}
