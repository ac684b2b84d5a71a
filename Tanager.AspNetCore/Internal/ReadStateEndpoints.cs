using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Read state, unread and mention counts, and the mentions feed.</summary>
internal static class ReadStateEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPut("/workspaces/{workspaceId}/channels/{channelId}/read", async (string workspaceId, string channelId, HttpContext context, ReadStateService readStates) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.MarkReadRequest);
            var workspace = Ids.Parse(workspaceId, "Workspace");
            var state = await readStates.MarkReadAsync(context.Caller().UserId, workspace, Ids.Parse(channelId, "Channel"), body.Sequence, context.RequestAborted);
            return TypedResults.Json(state.ToDto(workspace), TanagerJsonContext.Default.ReadStateDto);
        })
            .Describe("markRead", "Mark read", "Moves the caller's read position in the channel up to a sequence; it never moves back.").Body<MarkReadRequest>().Produces<ReadStateDto>();

        api.MapGet("/workspaces/{workspaceId}/read-states", async (string workspaceId, HttpContext context, ReadStateService readStates) =>
        {
            var workspace = Ids.Parse(workspaceId, "Workspace");
            var states = await readStates.ListAsync(context.Caller().UserId, workspace, context.RequestAborted);
            return TypedResults.Json(new ReadStateList { Channels = [.. states.Select(s => s.ToDto(workspace))] }, TanagerJsonContext.Default.ReadStateList);
        })
            .Describe("listReadStates", "Read states", "The caller's read position, unread and mention counts in each channel of the workspace.").Produces<ReadStateList>();

        api.MapGet("/workspaces/{workspaceId}/mentions", async (string workspaceId, HttpContext context, ReadStateService readStates) =>
        {
            var mentions = await readStates.ListMentionsAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.Request.Query["before"].ToString(), context.Request.QueryInt("limit"), context.RequestAborted);
            return TypedResults.Json(new SearchResults { Messages = [.. mentions.Select(m => m.ToDto())] }, TanagerJsonContext.Default.SearchResults);
        })
            .Describe("listMentions", "Mentions", "Messages that mention the caller, newest first.")
            .Query("before", QueryType.String, "A message id: the next page starts after it.")
            .Query("limit", QueryType.Integer, "How many, 1 to 100 (default 50).")
            .Produces<SearchResults>();
    }
}
