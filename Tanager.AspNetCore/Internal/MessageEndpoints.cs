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
            var threadId = body.ThreadId is null ? (NUlid.Ulid?)null : Ids.Parse(body.ThreadId, "Thread");
            var message = await messages.PostAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.Content, body.Nonce, threadId, body.AttachmentIds, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto, statusCode: StatusCodes.Status201Created);
        });

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/messages", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                request.QueryLong("before"), request.QueryLong("after"), request.QueryInt("limit"), QueryFlag(request, "include_replies"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        });

        MapMessageFeatures(api);

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

    /// <summary>One message: reading it, edits, deletes, reactions, pins and its thread.</summary>
    private static void MapMessageFeatures(RouteGroupBuilder api)
    {
        const string Message = "/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}";

        api.MapGet(Message, async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var message = await messages.GetAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        });

        api.MapPatch(Message, async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.EditMessageRequest);
            var message = await messages.EditAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), body.Content, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        });

        api.MapDelete(Message, async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var message = await messages.DeleteAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        });

        api.MapPut(Message + "/reactions/{emoji}", async (string workspaceId, string channelId, string messageId, string emoji, HttpContext context, MessageService messages) =>
        {
            var message = await messages.AddReactionAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), emoji, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        });

        api.MapDelete(Message + "/reactions/{emoji}", async (string workspaceId, string channelId, string messageId, string emoji, HttpContext context, MessageService messages) =>
        {
            var message = await messages.RemoveReactionAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), emoji, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        });

        api.MapPut(Message + "/pin", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => PinAsync(workspaceId, channelId, messageId, context, messages, pin: true));
        api.MapDelete(Message + "/pin", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => PinAsync(workspaceId, channelId, messageId, context, messages, pin: false));

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/pins", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var pins = await messages.ListPinsAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.Json<IReadOnlyList<MessageDto>>([.. pins.Select(m => m.ToDto())], TanagerJsonContext.Default.IReadOnlyListMessageDto);
        });

        api.MapGet(Message + "/thread", async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListThreadAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"),
                request.QueryLong("before"), request.QueryLong("after"), request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        });

        api.MapPut(Message + "/follow", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => FollowAsync(workspaceId, channelId, messageId, context, messages, follow: true));
        api.MapDelete(Message + "/follow", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => FollowAsync(workspaceId, channelId, messageId, context, messages, follow: false));

        api.MapGet("/workspaces/{workspaceId}/threads", async (string workspaceId, HttpContext context, MessageService messages) =>
        {
            var threads = await messages.ListFollowedThreadsAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.Request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json<IReadOnlyList<ThreadDto>>([.. threads.Select(t => t.ToDto())], TanagerJsonContext.Default.IReadOnlyListThreadDto);
        });
    }

    private static async Task<IResult> PinAsync(string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages, bool pin)
    {
        var message = await messages.SetPinAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), pin, context.RequestAborted);
        return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
    }

    private static async Task<IResult> FollowAsync(string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages, bool follow)
    {
        await messages.SetThreadFollowAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), follow, context.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>A boolean query parameter: absent is false; otherwise exactly one of <c>true</c> or <c>false</c>.</summary>
    private static bool QueryFlag(HttpRequest request, string name)
    {
        var raw = request.Query[name];
        return raw.Count switch
        {
            0 => false,
            1 when raw[0] == "true" => true,
            1 when raw[0] == "false" => false,
            _ => throw new TanagerException(TanagerErrorKind.InvalidRequest, ErrorCodes.InvalidRequest, $"Query parameter '{name}' must be given once, as true or false."),
        };
    }
}
