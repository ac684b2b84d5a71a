using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class DirectMessageEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workspaces/{workspaceId}/dms", async (string workspaceId, HttpContext context, DirectMessageService directMessages) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.OpenDirectMessageRequest);
            var (directMessage, created) = await directMessages.OpenAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.UserIds, context.RequestAborted);
            return TypedResults.Json(directMessage.ToDto(isMember: true), TanagerJsonContext.Default.ChannelDto,
                statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

        api.MapGet("/workspaces/{workspaceId}/dms", async (string workspaceId, HttpContext context, DirectMessageService directMessages, IReadStateStore readStates) =>
        {
            var workspace = Ids.Parse(workspaceId, "Workspace");
            var caller = context.Caller().UserId;
            var list = await directMessages.ListAsync(caller, workspace, context.RequestAborted);
            var states = list.Count == 0 ? []
                : (await readStates.GetReadStatesAsync(workspace, caller, [.. list.Select(d => d.Channel.Id)], context.RequestAborted)).ToDictionary(s => s.ChannelId);
            IReadOnlyList<ChannelDto> dtos = [.. list.Select(d => d.ToDto(isMember: true).WithReadState(states.GetValueOrDefault(d.Channel.Id)))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListChannelDto);
        });
    }
}
