using Forward.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddForward();
var app = builder.Build();
await app.UseForwardAsync();
await app.RunAsync();

/// <summary>Entry point; public so the test host can start the real pipeline.</summary>
public partial class Program;
