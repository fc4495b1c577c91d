using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Forward.Web.Tests.Infrastructure;

namespace Forward.Web.Tests.Observability;

/// <summary>
/// A stand-in OpenTelemetry collector on loopback: it accepts OTLP over HTTP (protobuf) and keeps every body it is sent,
/// by path (/v1/traces, /v1/metrics), so a test can look at exactly what would leave the server.
/// </summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly SemaphoreSlim arrived = new(0);

    public OtlpReceiver()
    {
        Url = $"http://127.0.0.1:{ForwardProcess.FreePort()}/";
        listener.Prefixes.Add(Url);
        listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(string Path, byte[] Body)> Received { get; } = new();

    /// <summary>Whether a body sent to the path holds the text, in any case (protobuf keeps strings as UTF-8 bytes).</summary>
    public bool Has(string path, string text) => Received.Any(r => r.Path == path && Contains(r.Body, text));

    /// <summary>Waits, body by body, until the condition holds; false if it still does not when the time is up.</summary>
    public async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeUp = new CancellationTokenSource(timeout);
        try
        {
            while (!condition())
            {
                await arrived.WaitAsync(timeUp.Token);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return condition();
        }
    }

    public static bool Contains(byte[] body, string text) => Encoding.UTF8.GetString(body).Contains(text, StringComparison.OrdinalIgnoreCase);

    private async Task ReceiveAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                using (var body = new MemoryStream())
                {
                    await context.Request.InputStream.CopyToAsync(body);
                    Received.Enqueue((context.Request.Url?.AbsolutePath ?? string.Empty, body.ToArray()));
                    arrived.Release();
                }

                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // One export cut off half-way; the exporter sends again and the next one is kept.
            }
        }
    }

    public void Dispose()
    {
        // The receiving loop ends by itself once the listener is closed.
        listener.Close();
        arrived.Dispose();
    }
}
