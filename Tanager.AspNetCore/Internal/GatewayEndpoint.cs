using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tanager.Protocol;
using Tanager.Transport.WebSockets;

namespace Tanager.AspNetCore.Internal;

/// <summary>Performs the RFC 6455 upgrade and hands the raw connection to <see cref="WebSocketGateway"/>.</summary>
internal static class GatewayEndpoint
{
    public static async Task HandleAsync(HttpContext context, WebSocketGateway gateway, GatewayHub hub, OriginPolicy origins)
    {
        var request = context.Request;
        // Refused before the upgrade, so a foreign page never gets a socket to send a stolen ticket or cookie over.
        if (!origins.Allows(request))
        {
            await ProblemFilter.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This origin may not open the gateway (Tanager:AllowedOrigins).").ExecuteAsync(context);
            return;
        }
        var address = context.ClientAddressKey();
        if (!hub.HasRoomFor(address))
        {
            // One second: a connection closes (or identifies) in about that time, making room.
            await RequestThrottle.Refuse(context, TimeSpan.FromSeconds(1), "open connections from this address").ExecuteAsync(context);
            return;
        }
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var check = WebSocketGateway.CheckHandshake(request.Method, request.Headers.Upgrade, request.Headers.Connection, request.Headers.SecWebSocketVersion, request.Headers.SecWebSocketKey);
        if (!check.IsValid || upgrade is not { IsUpgradableRequest: true })
        {
            context.Response.Headers.SecWebSocketVersion = "13";
            var problem = ProblemFilter.Problem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, check.Error ?? "The gateway needs an HTTP/1.1 WebSocket upgrade.");
            await problem.ExecuteAsync(context);
            return;
        }
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = check.Accept;
        // The gateway is long-lived; it has its own message limits, so Kestrel's body limit does not apply.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }
        var stream = await upgrade.UpgradeAsync();
        await gateway.RunAsync(new StreamDuplexPipe(stream), address, context.Abort, context.RequestAborted);
    }
}
