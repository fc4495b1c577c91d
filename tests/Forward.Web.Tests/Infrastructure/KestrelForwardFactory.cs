namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Forward on a real Kestrel port, for what the in-process test server lets through and Kestrel does not (it writes
/// any response header as given; Kestrel refuses one with a character other than ASCII and answers 500). Its clients
/// are made by the test (<see cref="Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory{T}.CreateClient()"/>'s
/// handler follows redirects whatever the options say).
/// </summary>
public sealed class KestrelForwardFactory : ForwardFactory
{
    public KestrelForwardFactory()
    {
        Urls = "http://127.0.0.1:0";
        UseKestrel();
    }
}
