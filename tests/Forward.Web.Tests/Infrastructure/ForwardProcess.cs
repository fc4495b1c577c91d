using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>
/// Forward as its own process (the app as built next to the tests, same configuration, run from its project folder as
/// `dotnet run` would), for tests that must kill it or watch it exit. Its output is kept for assertions.
/// </summary>
public static class ForwardProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts Forward on 127.0.0.1:<paramref name="port"/> with the given settings (environment variables).</summary>
    public static Process Start(int port, IReadOnlyDictionary<string, string> settings, ConcurrentQueue<string>? output = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var project = Path.Combine(RepositoryRoot, "src", "Forward.Web");
        var info = new ProcessStartInfo("dotnet", [Built(project, "Forward.Web.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in settings)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start Forward.");
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The folder holding Forward.slnx, found upwards from the tests' own output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Forward.slnx")))
            {
                root = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InvalidOperationException("Cannot find the repository root.");
            }

            return root;
        }
    }

    /// <summary>A project's built assembly, in the configuration these tests were built in (the solution builds both).</summary>
    public static string Built(string projectDirectory, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        return Path.Combine(projectDirectory, "bin", configuration, "net10.0", assembly);
    }

    private static void Keep(ConcurrentQueue<string>? output, string? line)
    {
        if (output is not null && line is not null)
        {
            output.Enqueue(line);
        }
    }
}
