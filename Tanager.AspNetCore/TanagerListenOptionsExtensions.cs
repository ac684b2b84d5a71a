using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tanager.Transport.WebSockets;

namespace Microsoft.AspNetCore.Hosting;

public static class TanagerListenOptionsExtensions
{
    /// <summary>
    /// Serves Tanager's gateway on this Kestrel listener straight from the connection: a connection whose first request
    /// is a valid WebSocket upgrade to <c>{prefix}/gateway</c> skips Kestrel's HTTP layer, which otherwise keeps its
    /// request state (about 7.6 KB) for the connection's whole life and adds a copy to every send. Every other
    /// connection, and an upgrade that is not a connection's first request, goes to HTTP unchanged, so
    /// <c>MapTanager(prefix)</c> with the same prefix is still needed. Use it on plain-HTTP listeners (TLS terminated in
    /// front), or inside <c>Listen(…, l => { l.UseHttps(); l.UseTanagerGateway(); })</c> after <c>UseHttps</c>; not through
    /// <c>ConfigureEndpointDefaults</c> on an app with HTTPS endpoints, because Kestrel applies endpoint defaults before
    /// <c>UseHttps</c>, which would put it in front of TLS.
    /// </summary>
    public static ListenOptions UseTanagerGateway(this ListenOptions listenOptions, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(prefix);
        var path = prefix + "/gateway";
        WebSocketGateway.ValidatePath(path);
        WebSocketGateway? gateway = null;
        listenOptions.Use(next => async connection =>
        {
            gateway ??= ActivatorUtilities.CreateInstance<WebSocketGateway>(listenOptions.ApplicationServices);
            // Read per connection: the limits may be set after this listener was configured.
            var headTimeout = listenOptions.KestrelServerOptions.Limits.RequestHeadersTimeout;
            // The socket is written directly only when the connection is not encrypted: TLS sits in the transport pipe.
            var socket = connection.Features.Get<ITlsHandshakeFeature>() is null ? connection.Features.Get<IConnectionSocketFeature>()?.Socket : null;
            IDuplexPipe? http;
            try
            {
                // Keyed as the HTTP path keys it, so a client is one count whichever path its upgrade takes.
                var address = Tanager.AspNetCore.Internal.ClientAddress.Key((connection.RemoteEndPoint as System.Net.IPEndPoint)?.Address);
                http = await gateway.ServeIfUpgradeAsync(connection.Transport, socket, address, path, headTimeout, connection.Abort, connection.ConnectionClosed);
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The client went away (a reset during the request head, a scanner, a health check): nothing to log.
                return;
            }
            if (http is null)
            {
                return;
            }
            connection.Transport = http;
            await next(connection);
        });
        return listenOptions;
    }
}
