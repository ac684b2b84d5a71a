using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
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
        })
            .Describe("openDirectMessage", "Open a direct message", "With one other member, or two to eight for a group: 201 with a new one, 200 with the one those people already have.").Body<OpenDirectMessageRequest>().Produces<ChannelDto>(StatusCodes.Status201Created).Produces<ChannelDto>();

        api.MapGet("/workspaces/{workspaceId}/dms", async (string workspaceId, HttpContext context, DirectMessageService directMessages) =>
        {
            var list = await directMessages.ListAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<ChannelDto> dtos = [.. list.Select(d => d.DirectMessage.ToDto(isMember: true).WithReadState(d.ReadState))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListChannelDto);
        })
            .Describe("listDirectMessages", "List direct messages").Produces<IReadOnlyList<ChannelDto>>();
    }
}
