using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class ChannelEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workspaces/{workspaceId}/channels", async (string workspaceId, HttpContext context, ChannelService channels) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateChannelRequest);
            var channel = await channels.CreateAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.Name, body.Kind, body.Topic, context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember: true), TanagerJsonContext.Default.ChannelDto, statusCode: StatusCodes.Status201Created);
        });

        api.MapGet("/workspaces/{workspaceId}/channels", async (string workspaceId, HttpContext context, ChannelService channels) =>
        {
            var list = await channels.ListAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<ChannelDto> dtos = [.. list.Select(p => p.Channel.ToDto(p.IsMember))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListChannelDto);
        });

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var (channel, isMember) = await channels.GetAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember), TanagerJsonContext.Default.ChannelDto);
        });

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/join", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var member = await channels.JoinAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.Json(member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto);
        });

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/leave", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            await channels.LeaveAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.NoContent();
        });
    }
}
