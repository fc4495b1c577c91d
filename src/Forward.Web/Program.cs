using Forward.Web;
using Forward.Web.Compliance;
using Forward.Web.Demo;

ForwardApp.MarkMainStarted();

if (DemoHistoryCommand.IsHistoryCommand(args))
{
    Environment.ExitCode = await DemoHistoryCommand.RunAsync(args);
    return;
}

if (ComplianceRebuildCommand.IsCommand(args))
{
    Environment.ExitCode = await ComplianceRebuildCommand.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddForward();
var app = builder.Build();
await app.UseForwardAsync();
await app.RunAsync();

/// <summary>Entry point; public so the test host can start the real pipeline.</summary>
public partial class Program;
