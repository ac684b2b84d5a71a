using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for the test run: npm's smtp-server (tests/interop/smtp-sink.mjs, installed by 'npm ci' there) on
/// a private loopback port. One is shared by the whole run; tests tell their emails apart by recipient (every test user
/// has an address of their own).
/// </summary>
public sealed class SmtpSink
{
    private static readonly Lazy<Task<SmtpSink>> Shared = new(StartAsync);
    private static readonly ConcurrentQueue<string> Errors = new();
    private static Process? s_process;
    private readonly ConcurrentQueue<ReceivedEmail> _received = new();

    static SmtpSink()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                s_process?.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        };
    }

    private SmtpSink(int port) => Port = port;

    public int Port { get; }

    public static Task<SmtpSink> GetSharedAsync() => Shared.Value;

    /// <summary>Every email received so far for <paramref name="address"/>.</summary>
    public IReadOnlyList<ReceivedEmail> To(string address) =>
        [.. _received.Where(e => e.Recipients.Contains(address, StringComparer.OrdinalIgnoreCase))];

    /// <summary>Waits for an email to <paramref name="address"/> whose text contains <paramref name="text"/>.</summary>
    public async Task<ReceivedEmail> WaitForAsync(string address, string text, int seconds = 30)
    {
        ReceivedEmail? found = null;
        var arrived = await Eventually.Until(() => (found = To(address).FirstOrDefault(e => e.Text.Contains(text, StringComparison.Ordinal))) is not null, seconds);
        Assert.True(arrived, $"No email to {address} containing '{text}' within {seconds} s; got {To(address).Count} others. {string.Join('\n', Errors)}");
        return found!;
    }

    private static async Task<SmtpSink> StartAsync()
    {
        var interop = Path.Combine(Repository.Root, "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "smtp-server")))
        {
            throw new InvalidOperationException("smtp-server is not installed: run 'npm ci' in tests/interop (.ci/run does).");
        }
        var port = Ports.Free();
        // Like S3Server's: a watchdog ends the server within a second of the test host going away without ProcessExit.
        var watchdog = "\"$0\" \"$@\" & server=$!; "
            + $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; "
            + "kill $server 2>/dev/null; wait $server";
        var info = new ProcessStartInfo("/bin/bash", ["-c", watchdog, "node", Path.Combine(interop, "smtp-sink.mjs"), port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = interop,
        };
        var process = Process.Start(info)!;
        var sink = new SmtpSink(port);
        process.OutputDataReceived += (_, e) => sink.Receive(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null && Errors.Count < 100)
            {
                Errors.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        s_process = process;
        await Ports.WaitForListenersAsync(process, 30, () => $"smtp-server did not start on port {port}:\n{string.Join('\n', Errors)}", port);
        return sink;
    }

    private void Receive(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }
        using var json = JsonDocument.Parse(line);
        var recipients = json.RootElement.GetProperty("to").EnumerateArray().Select(r => r.GetString()!).ToList();
        using var raw = new MemoryStream(Encoding.UTF8.GetBytes(json.RootElement.GetProperty("data").GetString()!));
        var message = MimeMessage.Load(raw);
        _received.Enqueue(new ReceivedEmail(recipients, message, message.TextBody ?? ""));
    }
}

/// <summary>An email as the SMTP server received it: the envelope's recipients, the parsed message and its plain text.</summary>
public sealed record ReceivedEmail(IReadOnlyList<string> Recipients, MimeMessage Message, string Text);
