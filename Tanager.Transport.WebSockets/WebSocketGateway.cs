using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Transport.WebSockets;

/// <summary>
/// Runs the gateway over WebSocket connections. The host does the HTTP upgrade (after <see cref="CheckHandshake"/>)
/// and hands over the raw duplex pipe; everything from the first frame on happens here.
/// </summary>
public sealed class WebSocketGateway(GatewayHub hub, IOptions<TanagerOptions> options, ILogger<WebSocketGateway> logger)
{
    /// <summary>Validates the RFC 6455 §4.2.1 opening handshake headers of a GET request.</summary>
    public static WebSocketHandshakeResult CheckHandshake(string method, string? upgrade, string? connection, string? version, string? key)
    {
        if (!string.Equals(method, "GET", StringComparison.Ordinal))
        {
            return new(null, "The gateway handshake must be a GET request.");
        }
        if (upgrade is null || !upgrade.Contains("websocket", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, "Missing 'Upgrade: websocket'.");
        }
        if (connection is null || !connection.Contains("upgrade", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, "Missing 'Connection: Upgrade'.");
        }
        if (version != "13")
        {
            return new(null, "Sec-WebSocket-Version must be 13.");
        }
        if (!WebSocketHandshake.IsValidKey(key))
        {
            return new(null, "Sec-WebSocket-Key must be 16 bytes in base64.");
        }
        return new(WebSocketHandshake.ComputeAccept(key!), null);
    }

    /// <summary>
    /// Serves a fresh connection whose first request is a valid HTTP/1.1 upgrade to the gateway at <paramref name="path"/>
    /// (answering 101 itself), and returns null once it closed. Any other connection is returned to the caller untouched
    /// for its HTTP server: as the pipe to read it from, which holds every byte looked at. A connection that does not
    /// decide within <paramref name="headTimeout"/> is aborted. Pass the connection's <paramref name="socket"/> when
    /// nothing (such as TLS) sits between it and <paramref name="transport"/>: the gateway then sends on it directly,
    /// without copying frames into the transport's output pipe.
    /// </summary>
    public Task<IDuplexPipe?> ServeIfUpgradeAsync(IDuplexPipe transport, Socket? socket, string path, TimeSpan headTimeout, Action abort, CancellationToken cancellationToken) =>
        ServeIfUpgradeAsync(transport, socket, null, path, headTimeout, abort, cancellationToken);

    /// <summary>
    /// Serves the gateway straight from the connection as <see cref="ServeIfUpgradeAsync(IDuplexPipe, Socket?, string, TimeSpan, Action, CancellationToken)"/>
    /// does, counting it against the limits of <paramref name="clientAddress"/> (the peer's address). Only upgrades
    /// that carry no <c>Origin</c> (browsers always send one) and no forwarding header (<c>Forwarded</c>,
    /// <c>X-Forwarded-For</c>), from an address with room, are served here: the others go to the HTTP server, whose
    /// gateway endpoint checks the origin against the allow-list and the client address behind trusted proxies.
    /// </summary>
    public async Task<IDuplexPipe?> ServeIfUpgradeAsync(IDuplexPipe transport, Socket? socket, string? clientAddress, string path, TimeSpan headTimeout, Action abort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(abort);
        ValidatePath(path);
        if (!hub.HasRoomFor(clientAddress))
        {
            // The HTTP server answers 429 with a problem document.
            return transport;
        }
        // The handshake is its own method so that its state is gone once the connection is served: this method's
        // state lives as long as the connection.
        var (accept, http) = await AcceptAsync(transport, path, headTimeout, abort, cancellationToken);
        if (accept is not null)
        {
            var connection = new WebSocketConnection(transport, socket, abort, options.Value.Gateway, logger, ownsTransport: false);
            // The 101 is the connection's first frame: it leaves through the same output as HELLO and everything after.
            connection.TrySend(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"));
            await connection.RunAsync(hub, clientAddress, cancellationToken);
        }
        return http;
    }

    /// <summary>
    /// The upgrade's Sec-WebSocket-Accept value, its head consumed; or no value and the pipe for the HTTP server, or
    /// neither when the connection was aborted.
    /// </summary>
    private static async Task<(string? Accept, IDuplexPipe? Http)> AcceptAsync(IDuplexPipe transport, string path, TimeSpan headTimeout, Action abort, CancellationToken cancellationToken)
    {
        var input = transport.Input;
        var waited = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(headTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                abort();
                return (null, null);
            }
            var buffer = result.Buffer;
            long headLength = 0;
            string? accept = null;
            var sniff = result.IsCanceled ? UpgradeSniff.NotGateway : UpgradeRequestReader.Examine(buffer, path, out headLength, out accept);
            if (sniff == UpgradeSniff.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                waited = true;
                continue;
            }
            if (sniff != UpgradeSniff.Gateway)
            {
                if (!waited)
                {
                    input.AdvanceTo(buffer.Start);
                    return (null, transport);
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                return (null, new DuplexPipe(new ReplayingPipeReader(input, buffer, result.IsCompleted), transport.Output));
            }
            input.AdvanceTo(buffer.GetPosition(headLength));
            return (accept, null);
        }
    }

    /// <summary>Throws unless <paramref name="path"/> is an absolute URL path of unreserved characters and slashes.</summary>
    public static void ValidatePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length is < 2 or > UpgradeRequestReader.MaxPathLength || path[0] != '/' || path.EndsWith('/')
            || path.AsSpan().ContainsAnyExcept(PathCharacters))
        {
            throw new ArgumentException($"The gateway path must start with '/', not end with '/', be at most {UpgradeRequestReader.MaxPathLength} characters and use only letters, digits, '-', '.', '_', '~' and '/'; got '{path}'.", nameof(path));
        }
    }

    private static readonly SearchValues<char> PathCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/");

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => output;
    }

    /// <summary>
    /// Serves one upgraded connection until it closes. <paramref name="abort"/> tears the underlying connection down
    /// when the peer stops reading and a close frame cannot be delivered.
    /// </summary>
    public Task RunAsync(IDuplexPipe transport, Action abort, CancellationToken cancellationToken) => RunAsync(transport, null, abort, cancellationToken);

    /// <summary>Serves one upgraded connection as <see cref="RunAsync(IDuplexPipe, Action, CancellationToken)"/> does, counted against the limits of <paramref name="clientAddress"/>.</summary>
    public Task RunAsync(IDuplexPipe transport, string? clientAddress, Action abort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return new WebSocketConnection(transport, socket: null, abort, options.Value.Gateway, logger).RunAsync(hub, clientAddress, cancellationToken);
    }
}
