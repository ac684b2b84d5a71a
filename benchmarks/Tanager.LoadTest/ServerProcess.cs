using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tanager.LoadTest;

/// <summary>A server started as a child process on a free loopback port, killed (with its children) on disposal.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    // Tanager may create its store on first start; 60 s is generous for that and still ends a broken start.
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(250);
    // Lines of server output kept to explain a failed start; the rest is discarded so the pipes never fill.
    private const int OutputTailLines = 40;

    private readonly Process _process;
    private readonly string _workingDirectory;
    private readonly Queue<string> _outputTail = new();

    private ServerProcess(string name, Process process, string workingDirectory, Uri baseUrl)
    {
        Name = name;
        _process = process;
        _workingDirectory = workingDirectory;
        BaseUrl = baseUrl;
    }

    public string Name { get; }
    public Uri BaseUrl { get; }

    /// <summary>Process id of the server: the dotnet host runs the app in-process, and taskset execs into it.</summary>
    public int Pid => _process.Id;

    /// <summary>
    /// Runs <c>dotnet <paramref name="dllPath"/> …</c> with the arguments <paramref name="arguments"/> builds from the
    /// chosen URL, in a scratch working directory (so a server that keeps data under its working directory leaves
    /// nothing behind), and waits for <c>GET /health</c> to answer 200. With <paramref name="tasksetCore"/> the command
    /// is <c>taskset -c &lt;core&gt; dotnet …</c> (taskset at <paramref name="tasksetPath"/>), which sets the affinity and
    /// execs dotnet in the same process.
    /// </summary>
    /// <param name="loginThrottling">
    /// Keep the login limits at their defaults (a login flood measures them) and lift only those the load itself would
    /// meet: connections, REST calls and registrations from one loopback address. Otherwise every limit is off.
    /// </param>
    public static async Task<ServerProcess> StartAsync(string name, string dllPath, Func<string, IEnumerable<string>> arguments, string? tasksetPath, int? tasksetCore, bool loginThrottling, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(dllPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"{name}: no such file", fullPath);
        }
        var url = $"http://127.0.0.1:{FreeLoopbackPort()}";
        var workingDirectory = Directory.CreateTempSubdirectory($"tanager-loadtest-{name}-").FullName;
        var pinned = tasksetPath is not null && tasksetCore is not null;
        var startInfo = new ProcessStartInfo(pinned ? tasksetPath! : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The load tool may run its own sockets with inline completions (its receive loops then stay on the epoll thread);
        // the servers must run as they would in production, with the runtime's defaults.
        startInfo.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        // Thousands of users and connections from one loopback address are the point here, not an attack: the server's
        // throttling (Tanager:RateLimits) would refuse them. Harmless for the SignalR baseline, which ignores it.
        if (loginThrottling)
        {
            const string Limits = "TANAGER_Tanager__RateLimits__";
            foreach (var count in new[] { "ConnectionsPerUser", "ConnectionsPerAddress", "UnidentifiedConnectionsPerAddress" })
            {
                startInfo.Environment[Limits + count] = "100000";
            }
            // A million at once, then one a millisecond: never met by the setup or the publisher.
            foreach (var bucket in new[] { "RestPerUser", "RegisterPerAddress" })
            {
                startInfo.Environment[Limits + bucket + "__Permits"] = "1000000";
                startInfo.Environment[Limits + bucket + "__Window"] = "00:16:40";
            }
        }
        else
        {
            startInfo.Environment["TANAGER_Tanager__RateLimits__Enabled"] = "false";
        }
        if (pinned)
        {
            startInfo.ArgumentList.Add("-c");
            startInfo.ArgumentList.Add(tasksetCore!.Value.ToString(CultureInfo.InvariantCulture));
            startInfo.ArgumentList.Add("dotnet");
        }
        startInfo.ArgumentList.Add(fullPath);
        foreach (var argument in arguments(url))
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name}: could not start dotnet.");
        var server = new ServerProcess(name, process, workingDirectory, new Uri(url + "/"));
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or would not die within the timeout: nothing more a client can do.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying child; the temp directory is cleaned by the OS eventually.
        }
    }

    /// <summary>Kills the process without waiting; safe to call from a process-exit handler.</summary>
    public void KillNow()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already exited.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_outputTail)
        {
            _outputTail.Enqueue(line);
            if (_outputTail.Count > OutputTailLines)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private string OutputTail()
    {
        lock (_outputTail)
        {
            return string.Join(Environment.NewLine, _outputTail);
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = new Uri(BaseUrl, "health");
        var deadline = Stopwatch.GetTimestamp() + (long)(HealthTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was healthy:{Environment.NewLine}{OutputTail()}");
            }
            try
            {
                using var response = await http.GetAsync(health, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The 5 s request timeout: still starting.
            }
            await Task.Delay(HealthPollInterval, cancellationToken);
        }
        throw new TimeoutException($"{Name} did not answer GET /health with 200 within {HealthTimeout.TotalSeconds} s:{Environment.NewLine}{OutputTail()}");
    }

    /// <summary>
    /// Asks the OS for a free loopback port. The port is released before the server binds it, so another process could
    /// take it in between; on a test machine that window is harmless, and a clash fails loudly at the health check.
    /// </summary>
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
