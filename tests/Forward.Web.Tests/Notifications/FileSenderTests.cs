using Forward.Web.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Forward.Web.Tests.Notifications;

public sealed class FileSenderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("forward-sender-").FullName;

    private FileNotificationSender NewSender()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Forward:DataDirectory"] = folder }).Build();
        IHostEnvironment environment = new HostingEnvironment { ContentRootPath = folder };
        return new FileNotificationSender(Options.Create(new NotificationOptions()), configuration, environment, TimeProvider.System, NullLogger<FileNotificationSender>.Instance);
    }

    [Fact]
    public async Task A_message_cut_short_by_a_crash_does_not_stop_the_sends_after_the_restart()
    {
        using (var before = NewSender())
        {
            await before.SendSmsAsync("07700900123", "template", new Dictionary<string, string> { ["time"] = "18:30" }, "ref-1");

            // The process killed in the middle of writing the next message.
            await File.AppendAllTextAsync(before.FilePath, "{\"id\":\"7f3c\",\"reference\":\"ref-2\",\"chan");
        }

        using var after = NewSender();
        var id = await after.SendSmsAsync("07700900123", "template", new Dictionary<string, string> { ["time"] = "18:45" }, "ref-2");
        var again = await after.SendSmsAsync("07700900123", "template", new Dictionary<string, string> { ["time"] = "18:45" }, "ref-2");

        Assert.Equal(id, again); // still de-duplicated by reference
        using var reread = NewSender();
        Assert.Equal(["ref-1", "ref-2"], (await reread.ReadAllAsync()).Select(n => n.Reference));
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
