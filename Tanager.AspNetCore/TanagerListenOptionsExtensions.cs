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
    /// <c>MapTanager(prefix)</c> with the same prefix is still needed. On an HTTPS listener, call it after <c>UseHttps</c>.
    /// </summary>
    public static ListenOptions UseTanagerGateway(this ListenOptions listenOptions, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(prefix);
        var path = prefix + "/gateway";
        WebSocketGateway.ValidatePath(path);
        var headTimeout = listenOptions.KestrelServerOptions.Limits.RequestHeadersTimeout;
        WebSocketGateway? gateway = null;
        listenOptions.Use(next => async connection =>
        {
            gateway ??= ActivatorUtilities.CreateInstance<WebSocketGateway>(listenOptions.ApplicationServices);
            // The socket is written directly only when the connection is not encrypted: TLS sits in the transport pipe.
            var socket = connection.Features.Get<ITlsHandshakeFeature>() is null ? connection.Features.Get<IConnectionSocketFeature>()?.Socket : null;
            var http = await gateway.ServeIfUpgradeAsync(connection.Transport, socket, path, headTimeout, connection.Abort, connection.ConnectionClosed);
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
