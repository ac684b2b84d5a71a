using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class MessageEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/messages", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.PostMessageRequest);
            var message = await messages.PostAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.Content, body.Nonce, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto, statusCode: StatusCodes.Status201Created);
        });

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/messages", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                request.QueryLong("before"), request.QueryLong("after"), request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        });

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/changes", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListChangesAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                request.QueryLong("since"), request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        });
    
        api.MapGet("/workspaces/{workspaceId}/search", async (string workspaceId, HttpContext context, MessageService messages) =>
        {
            var hits = await messages.SearchAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.Request.Query["q"].ToString(), context.Request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(new SearchResults { Messages = [.. hits.Select(m => m.ToDto())] }, TanagerJsonContext.Default.SearchResults);
        });
    }
}
