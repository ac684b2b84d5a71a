using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider for the test run: npm's oidc-provider (tests/interop/oidc-provider.mjs, installed by
/// .ci/run's npm ci), on three private loopback ports. <see cref="Issuer"/> is a correct provider with pushed
/// authorization requests; <see cref="FrontChannelIssuer"/> the same without them, so the browser carries the request's
/// parameters; <see cref="WrongIssuer"/> serves a discovery document and id tokens that name another issuer. One client,
/// <c>tanager</c>, PKCE required; the account that signs in is named by a <c>test_account</c> cookie on the provider.
/// </summary>
public sealed class OidcProvider
{
    public const string ClientId = "tanager";
    public const string ClientSecret = "tanager-secret";
    private static readonly Lazy<Task<OidcProvider>> Shared = new(StartAsync);
    private static readonly ConcurrentQueue<string> Output = new();
    private static Process? s_process;

    static OidcProvider()
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

    private OidcProvider(int port, int frontChannelPort, int wrongIssuerPort)
    {
        Issuer = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        FrontChannelIssuer = $"http://127.0.0.1:{frontChannelPort.ToString(CultureInfo.InvariantCulture)}";
        WrongIssuer = $"http://127.0.0.1:{wrongIssuerPort.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>A provider whose issuer is its own address.</summary>
    public string Issuer { get; }

    /// <summary>A correct provider without pushed authorization requests.</summary>
    public string FrontChannelIssuer { get; }

    /// <summary>A provider at this address whose discovery document and id tokens say the issuer is https://issuer.invalid.</summary>
    public string WrongIssuer { get; }

    public static Task<OidcProvider> GetSharedAsync() => Shared.Value;

    private static async Task<OidcProvider> StartAsync()
    {
        var interop = Path.Combine(Repository.Root, "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException($"oidc-provider is not installed in {interop}: run 'npm ci' there (.ci/run does).");
        }
        var port = Ports.Free();
        var frontChannelPort = Ports.Free();
        var wrongIssuerPort = Ports.Free();
        // Like S3Server's: a watchdog ends the provider within a second of the test host going away without ProcessExit.
        var watchdog = "\"$0\" \"$@\" & server=$!; "
            + $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; "
            + "kill $server 2>/dev/null; wait $server";
        var info = new ProcessStartInfo("/bin/bash", ["-c", watchdog, "node", "oidc-provider.mjs", port.ToString(CultureInfo.InvariantCulture), frontChannelPort.ToString(CultureInfo.InvariantCulture), wrongIssuerPort.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = interop,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        s_process = process;
        await Ports.WaitForListenersAsync(process, 30, () => $"oidc-provider did not start on ports {port}, {frontChannelPort} and {wrongIssuerPort}:\n{string.Join('\n', Output)}", port, frontChannelPort, wrongIssuerPort);
        return new OidcProvider(port, frontChannelPort, wrongIssuerPort);
    }

    private static void Remember(string? line)
    {
        if (line is not null && Output.Count < 200)
        {
            Output.Enqueue(line);
        }
    }
}
