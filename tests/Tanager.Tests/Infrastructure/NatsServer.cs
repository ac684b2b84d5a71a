using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A real nats-server (Debian's package) on a private loopback port. One is shared by the whole test run
/// (<see cref="GetSharedAsync"/>); a test that stops or restarts the server starts its own (<see cref="StartAsync"/>).
/// <see cref="StopAsync"/> and <see cref="RestartAsync"/> keep the port, as a restarted server on a real host would.
/// Every server still running when the test run ends is killed (by the ProcessExit handler, or else by its watchdog).
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private static readonly Lazy<Task<NatsServer>> Shared = new(() => StartAsync());
    private static readonly ConcurrentDictionary<NatsServer, byte> Running = new();
    private readonly string[] _arguments;
    private readonly ConcurrentQueue<string> _log = new();
    private Process? _process;

    static NatsServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Running.Keys)
            {
                server.Kill();
            }
        };
    }

    private NatsServer(int port, string[] arguments)
    {
        Port = port;
        _arguments = arguments;
    }

    public int Port { get; }

    /// <summary><c>nats://127.0.0.1:port</c>, without credentials.</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The server's own log so far (for failure messages).</summary>
    public string Log => string.Join('\n', _log);

    public static Task<NatsServer> GetSharedAsync() => Shared.Value;

    /// <summary>A server of its own, for tests that stop it. <paramref name="arguments"/> go to nats-server (e.g. <c>--user</c>).</summary>
    public static async Task<NatsServer> StartAsync(params string[] arguments)
    {
        var server = new NatsServer(Ports.Free(), arguments);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server (as a crash would) and waits until the port refuses connections.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        Running.TryRemove(this, out _);
        if (process is null)
        {
            return;
        }
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Stops the server and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    /// <summary>Starts a stopped server again on the same port.</summary>
    public Task StartAgainAsync() => _process is null ? StartProcessAsync() : Task.CompletedTask;

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string Binary()
    {
        foreach (var candidate in new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("nats-server is not installed (apt-get install nats-server); .ci/run installs it.");
    }

    private async Task StartProcessAsync()
    {
        // A restart may find the port still held for a moment by the listener that was just killed: try again then.
        for (var attempt = 1; ; attempt++)
        {
            var process = Launch();
            var deadline = Environment.TickCount64 + 20 * 1000L;
            while (!Ports.Listening(Port) && !process.HasExited && Environment.TickCount64 < deadline)
            {
                await Task.Delay(20);
            }
            if (!process.HasExited && Ports.Listening(Port))
            {
                return;
            }
            await StopAsync();
            if (attempt == 5)
            {
                throw new InvalidOperationException($"nats-server did not start on port {Port}:\n{Log}");
            }
            await Task.Delay(200);
        }
    }

    private Process Launch()
    {
        // The test host is often ended without running ProcessExit handlers, so a watchdog shell ends the server within
        // a second of this process going away; killing the shell's process tree (StopAsync) ends both at once.
        var watchdog = "\"$0\" \"$@\" & server=$!; "
            + $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; "
            + "kill $server 2>/dev/null; wait $server";
        var info = new ProcessStartInfo("/bin/bash", ["-c", watchdog, Binary(), "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. _arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Running.TryAdd(this, 0);
        return process;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.Enqueue(line);
        while (_log.Count > 200)
        {
            _log.TryDequeue(out _);
        }
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
