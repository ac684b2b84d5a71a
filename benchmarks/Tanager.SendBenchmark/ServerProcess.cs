using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tanager.SendBenchmark;

/// <summary><c>dotnet tanager.dll serve --listen http://127.0.0.1:&lt;free port&gt; …</c> as a child process, stopped on disposal.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan HealthPollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);
    private const int OutputTailLines = 40;

    private readonly Process _process;
    private readonly string _workingDirectory;
    private readonly Queue<string> _outputTail = new();
    private StreamWriter? _log;

    private ServerProcess(Process process, string workingDirectory, Uri baseUrl, StreamWriter? log)
    {
        _log = log;
        _process = process;
        _workingDirectory = workingDirectory;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }
    public int Pid => _process.Id;

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
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { fullPath, "serve", "--listen", url }.Concat(serveArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet.");
        var log = logPath is null ? null : new StreamWriter(logPath, append: true) { AutoFlush = true };
        var server = new ServerProcess(process, workingDirectory, new Uri(url + "/"), log);
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
            // Already exited, or kill(1) missing: fall back to SIGKILL below.
            KillNow();
        }
        _process.Dispose();
        lock (_outputTail)
        {
            _log?.Dispose();
            _log = null;
        }
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

    public string OutputTail()
    {
        lock (_outputTail)
        {
            return string.Join(Environment.NewLine, _outputTail);
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
            _log?.WriteLine(line);
            _outputTail.Enqueue(line);
            if (_outputTail.Count > OutputTailLines)
            {
                _outputTail.Dequeue();
            }
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
