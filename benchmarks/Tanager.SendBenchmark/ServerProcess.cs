using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tanager.SendBenchmark;

/// <summary><c>dotnet tanager.dll serve --listen http://127.0.0.1:&lt;free port&gt; …</c> as a child process, stopped on disposal.</summary>
/// <remarks>
/// The server's stdout and stderr go straight to a file (through <c>/bin/sh -c 'exec dotnet … &gt;&gt;file 2&gt;&amp;1'</c>,
/// so the process id is still the server's): a server that logs every request must not make the load generator spend
/// CPU on reading its output.
/// </remarks>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private const int OutputTailLines = 40;
    private const int OutputTailBytes = 16 * 1024;

    private readonly Process _process;
    private readonly string _workingDirectory;
    private readonly string _logPath;

    private ServerProcess(Process process, string workingDirectory, Uri baseUrl, string logPath)
    {
        _process = process;
        _workingDirectory = workingDirectory;
        _logPath = logPath;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }
    public int Pid => _process.Id;

    /// <summary>The file the server's output goes to.</summary>
    public string LogPath => _logPath;

    /// <param name="logPath">Where the server's output is appended; null: a file in the scratch directory, deleted at the end.</param>
    public static async Task<ServerProcess> StartAsync(string dllPath, IReadOnlyList<string> serveArguments, string? logPath, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(dllPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException("No such server assembly.", fullPath);
        }
        var url = $"http://127.0.0.1:{FreeLoopbackPort().ToString(CultureInfo.InvariantCulture)}";
        // A scratch working directory, so a server that defaults to ./data leaves nothing in the caller's directory.
        var workingDirectory = Directory.CreateTempSubdirectory("tanager-sendbench-").FullName;
        var log = Path.GetFullPath(logPath ?? Path.Combine(workingDirectory, "server.log"));
        var startInfo = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        // sh -c 'exec "$0" "$@" >>"$LOG" 2>&1' dotnet <dll> serve …: the arguments are never parsed by the shell.
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$TANAGER_SENDBENCH_LOG\" 2>&1");
        startInfo.Environment["TANAGER_SENDBENCH_LOG"] = log;
        // Many senders from one loopback address are the load, not an attack: the server's throttling would refuse them.
        startInfo.Environment["TANAGER_Tanager__RateLimits__Enabled"] = "false";
        foreach (var argument in new[] { "dotnet", fullPath, "serve", "--listen", url }.Concat(serveArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start /bin/sh.");
        var server = new ServerProcess(process, workingDirectory, new Uri(url + "/"), log);
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

    /// <summary>SIGKILL: no shutdown code runs, so whatever survives is what the store had made durable.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or would not die in time.
        }
    }

    /// <summary>SIGTERM (the server drains and exits), then SIGKILL if it is still running after <see cref="StopTimeout"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
                {
                    if (term is not null)
                    {
                        await term.WaitForExitAsync();
                    }
                }
                using var timeout = new CancellationTokenSource(StopTimeout);
                try
                {
                    await _process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already exited, or kill(1) missing: fall back to SIGKILL.
            KillNow();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying child; the OS cleans temp eventually.
        }
    }

    /// <summary>Kills without waiting; for the process-exit handler.</summary>
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

    /// <summary>The last lines of the server's output, to explain a failed start.</summary>
    public string OutputTail()
    {
        try
        {
            using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Max(0, stream.Length - OutputTailBytes), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n');
            return string.Join(Environment.NewLine, lines.TakeLast(OutputTailLines));
        }
        catch (IOException)
        {
            return "(no server output)";
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < HealthTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was healthy:{Environment.NewLine}{OutputTail()}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "health"), cancellationToken);
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
                // One slow probe; try again.
            }
            await Task.Delay(HealthPollInterval, cancellationToken);
        }
        throw new TimeoutException($"The server was not healthy within {HealthTimeout.TotalSeconds} s:{Environment.NewLine}{OutputTail()}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
