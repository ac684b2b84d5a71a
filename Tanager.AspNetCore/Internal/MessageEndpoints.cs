using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
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
        })
            .Describe("postMessage", "Post a message", "Posts to a channel or direct message, or as a reply in a thread (`thread_id`). A `nonce` makes the send idempotent: the same nonce again answers the message already posted.")
            .Body<PostMessageRequest>().Produces<MessageDto>(StatusCodes.Status201Created);

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/messages", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                request.QueryLong("before"), request.QueryLong("after"), request.QueryInt("limit"), QueryFlag(request, "include_replies"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        })
            .Describe("listMessages", "Read history", "A page of the channel's messages in sequence order: the newest without `before` or `after`.")
            .Query("before", QueryType.Integer, "Only messages with a smaller sequence (page backwards: the first message's sequence).")
            .Query("after", QueryType.Integer, "Only messages with a greater sequence (page forwards); not with before.")
            .Query("limit", QueryType.Integer, "Page size, 1 to 100 (default 50).")
            .Query("include_replies", QueryType.Boolean, "Whether thread replies appear among top-level messages (default false).")
            .Produces<MessagePage>();

        MapMessageFeatures(api);

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/changes", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListChangesAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                request.QueryLong("since"), request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        })
            .Describe("listChanges", "Changes since a sequence", "The current state of every message changed (created, edited, deleted, reacted to) after `since`, in change order: how a client catches up.")
            .Query("since", QueryType.Integer, "Changes after this sequence number (default 0).")
            .Query("limit", QueryType.Integer, "Page size, 1 to 100 (default 100).")
            .Produces<MessagePage>();
    
        api.MapGet("/workspaces/{workspaceId}/search", async (string workspaceId, HttpContext context, MessageService messages) =>
        {
            var hits = await messages.SearchAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.Request.Query["q"].ToString(), context.Request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(new SearchResults { Messages = [.. hits.Select(m => m.ToDto())] }, TanagerJsonContext.Default.SearchResults);
        })
            .Describe("searchMessages", "Search messages", "Free text and filters (in:, from:, has:, before:, after: and more; docs/rest.md) over the channels the caller may read.")
            .Query("q", QueryType.String, "Free text and filters, separated by spaces; 1 to 256 characters.", required: true)
            .Query("limit", QueryType.Integer, "The most results, 1 to 100 (default 20).")
            .Produces<SearchResults>();
    }

    /// <summary>One message: reading it, edits, deletes, reactions, pins and its thread.</summary>
    private static void MapMessageFeatures(RouteGroupBuilder api)
    {
        const string Message = "/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}";

        api.MapGet(Message, async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var message = await messages.GetAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        })
            .Describe("getMessage", "Get a message").Produces<MessageDto>();

        api.MapPatch(Message, async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.EditMessageRequest);
            var message = await messages.EditAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), body.Content, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        })
            .Describe("editMessage", "Edit a message", "Only its author may.").Body<EditMessageRequest>().Produces<MessageDto>();

        api.MapDelete(Message, async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var message = await messages.DeleteAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        })
            .Describe("deleteMessage", "Delete a message", "Answers the tombstone: the message with `deleted_at` and no content.").Produces<MessageDto>();

        api.MapPut(Message + "/reactions/{emoji}", async (string workspaceId, string channelId, string messageId, string emoji, HttpContext context, MessageService messages) =>
        {
            var message = await messages.AddReactionAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), emoji, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        })
            .Describe("addReaction", "Add a reaction").Produces<MessageDto>();

        api.MapDelete(Message + "/reactions/{emoji}", async (string workspaceId, string channelId, string messageId, string emoji, HttpContext context, MessageService messages) =>
        {
            var message = await messages.RemoveReactionAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"), emoji, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto);
        })
            .Describe("removeReaction", "Remove a reaction").Produces<MessageDto>();

        api.MapPut(Message + "/pin", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => PinAsync(workspaceId, channelId, messageId, context, messages, pin: true))
            .Describe("pinMessage", "Pin a message").Produces<MessageDto>();
        api.MapDelete(Message + "/pin", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => PinAsync(workspaceId, channelId, messageId, context, messages, pin: false))
            .Describe("unpinMessage", "Unpin a message").Produces<MessageDto>();

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/pins", async (string workspaceId, string channelId, HttpContext context, MessageService messages) =>
        {
            var pins = await messages.ListPinsAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.Json<IReadOnlyList<MessageDto>>([.. pins.Select(m => m.ToDto())], TanagerJsonContext.Default.IReadOnlyListMessageDto);
        })
            .Describe("listPins", "List pinned messages").Produces<IReadOnlyList<MessageDto>>();

        api.MapGet(Message + "/thread", async (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) =>
        {
            var request = context.Request;
            var slice = await messages.ListThreadAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(messageId, "Message"),
                request.QueryLong("before"), request.QueryLong("after"), request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(slice.ToDto(), TanagerJsonContext.Default.MessagePage);
        })
            .Describe("listThread", "Read a thread", "A page of the replies to a top-level message, paged like history.")
            .Query("before", QueryType.Integer, "Only replies with a smaller sequence.")
            .Query("after", QueryType.Integer, "Only replies with a greater sequence; not with before.")
            .Query("limit", QueryType.Integer, "Page size, 1 to 100 (default 50).")
            .Produces<MessagePage>();

        api.MapPut(Message + "/follow", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => FollowAsync(workspaceId, channelId, messageId, context, messages, follow: true))
            .Describe("followThread", "Follow a thread").Empty();
        api.MapDelete(Message + "/follow", (string workspaceId, string channelId, string messageId, HttpContext context, MessageService messages) => FollowAsync(workspaceId, channelId, messageId, context, messages, follow: false))
            .Describe("unfollowThread", "Stop following a thread").Empty();

        api.MapGet("/workspaces/{workspaceId}/threads", async (string workspaceId, HttpContext context, MessageService messages) =>
        {
            var threads = await messages.ListFollowedThreadsAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.Request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json<IReadOnlyList<ThreadDto>>([.. threads.Select(t => t.ToDto())], TanagerJsonContext.Default.IReadOnlyListThreadDto);
        })
            .Describe("listFollowedThreads", "Followed threads", "The threads the caller follows, most recently active first.")
            .Query("limit", QueryType.Integer, "How many, 1 to 100 (default 50).")
            .Produces<IReadOnlyList<ThreadDto>>();
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
