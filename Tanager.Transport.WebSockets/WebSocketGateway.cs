using System.IO.Pipelines;
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
    /// Serves one upgraded connection until it closes. <paramref name="abort"/> tears the underlying connection down
    /// when the peer stops reading and a close frame cannot be delivered.
    /// </summary>
    public async Task RunAsync(IDuplexPipe transport, Action abort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        await using var connection = new WebSocketConnection(transport, abort, options.Value.Gateway, logger);
        await connection.RunAsync(hub, cancellationToken);
    }
}
