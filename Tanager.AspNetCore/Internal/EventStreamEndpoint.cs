using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// <c>GET /api/v1/events</c>: the gateway's dispatch stream as <c>text/event-stream</c> for read-only clients. It is
/// resumable: a client that reconnects with <c>Last-Event-ID</c> gets every channel change it missed, from the store,
/// before live events.
/// </summary>
internal static class EventStreamEndpoint
{
    public static void Map(RouteGroupBuilder api, GatewayHub hub, AccountService accounts, OriginPolicy origins)
    {
        api.MapGet("/events", (HttpContext context, IOptions<TanagerOptions> tanager, TimeProvider time) => HandleAsync(context, hub, accounts, origins, tanager, time))
            .Describe("streamEvents", "Stream events",
                "The gateway's dispatch stream as server-sent events, for read-only clients. Resumable: reconnect with `Last-Event-ID` (or "
                + "`?last_event_id=`) to get every channel change missed, from the store, before live events. A browser's EventSource, which cannot "
                + "set headers, passes a gateway ticket (POST /gateway/ticket) as `?access_token=` instead of the Authorization header.")
            .Query("access_token", QueryType.String, "A gateway ticket (never a session, bot token or API key), for clients that cannot set the Authorization header.")
            .Query("last_event_id", QueryType.String, "Where to resume, as the Last-Event-ID header would say (channel:sequence pairs).")
            .WithMetadata(new BearerAuthentication(CredentialUse.Connection))
            .Produces(StatusCodes.Status200OK, typeof(string), "text/event-stream");
    }

    public static async Task HandleAsync(HttpContext context, GatewayHub hub, AccountService accounts, OriginPolicy origins, IOptions<TanagerOptions> options, TimeProvider time)
    {
        var request = context.Request;
        if (!origins.Allows(request))
        {
            await ProblemFilter.Problem(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "This origin may not open the event stream (Tanager:AllowedOrigins).").ExecuteAsync(context);
            return;
        }
        var address = context.ClientAddressKey();
        if (!hub.HasRoomFor(address))
        {
            await RequestThrottle.Refuse(context, TimeSpan.FromSeconds(1), "open connections from this address").ExecuteAsync(context);
            return;
        }
        // Browsers' EventSource cannot set headers, so a credential may also come as ?access_token=; there only a gateway
        // ticket is taken (single-use and short-lived, so a URL in a log grants nothing), never a session or bot token.
        Caller? caller;
        try
        {
            var queryToken = request.Query["access_token"].ToString();
            caller = request.BearerToken() is null && queryToken.Length > 0
                ? await accounts.AuthenticateAsync(queryToken, use: CredentialUse.UrlTicket, client: context.Client(), cancellationToken: context.RequestAborted)
                : await BearerAuthenticationFilter.AuthenticateAsync(context, accounts, CredentialUse.Connection);
        }
        catch (TanagerException exception)
        {
            await ProblemFilter.Problem(StatusCodes.Status400BadRequest, exception.Code, exception.Message).ExecuteAsync(context);
            return;
        }
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ProblemFilter.Problem(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "A valid bearer token (Authorization header) or gateway ticket (access_token, from POST /gateway/ticket) is required.").ExecuteAsync(context);
            return;
        }
        var lastEventId = request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length == 0)
        {
            lastEventId = request.Query["last_event_id"].ToString();
        }
        var positions = lastEventId.Length == 0 ? null : EventIds.TryParse(lastEventId);
        if (lastEventId.Length > 0 && positions is null)
        {
            await ProblemFilter.Problem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "Last-Event-ID is not an id this server sent (channel:sequence pairs separated by commas).").ExecuteAsync(context);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsHead(request.Method))
        {
            // HEAD: the headers a GET would have, and no stream.
            return;
        }
        // nginx buffers responses by default, which would hold events back.
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // EventSource reconnects after this many milliseconds when the stream ends.
        await response.Body.WriteAsync("retry: 1000\n\n"u8.ToArray(), context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);

        var connection = new SseConnection(options.Value.Gateway);
        await using var session = hub.ConnectFrom(address, connection, clientHeartbeats: false);
        var writer = connection.RunWriterAsync(response.BodyWriter, time, context.RequestAborted);
        // A token revoked from now on closes the stream with an event: close record (4004).
        await session.StartAsync(caller, positions, context.RequestAborted);
        await writer;
    }
}
