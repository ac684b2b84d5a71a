using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
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
        })
            .Describe("createChannel", "Create a channel").Body<CreateChannelRequest>().Produces<ChannelDto>(StatusCodes.Status201Created);

        api.MapGet("/workspaces/{workspaceId}/channels", async (string workspaceId, HttpContext context, ChannelService channels) =>
        {
            var list = await channels.ListAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<ChannelDto> dtos = [.. list.Select(p => p.Channel.ToDto(p.IsMember).WithReadState(p.ReadState))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListChannelDto);
        })
            .Describe("listChannels", "List channels", "The channels the caller can see, with its read state in each it belongs to.").Produces<IReadOnlyList<ChannelDto>>();

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var (channel, isMember, participants) = await channels.GetAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            var dto = participants is null ? channel.ToDto(isMember) : new DirectMessage(channel, participants).ToDto(isMember);
            return TypedResults.Json(dto, TanagerJsonContext.Default.ChannelDto);
        })
            .Describe("getChannel", "Get a channel").Produces<ChannelDto>();

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/join", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var member = await channels.JoinAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.Json(member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto);
        })
            .Describe("joinChannel", "Join a channel").Produces<ChannelMemberDto>();

        api.MapPatch("/workspaces/{workspaceId}/channels/{channelId}", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.UpdateChannelRequest);
            var channel = await channels.UpdateAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.Name, body.Topic, body.Description, context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto);
        })
            .Describe("updateChannel", "Change a channel", "Name, topic and description; absent fields stay as they are.").Body<UpdateChannelRequest>().Produces<ChannelDto>();

        api.MapDelete("/workspaces/{workspaceId}/channels/{channelId}", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            await channels.DeleteAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("deleteChannel", "Delete a channel").Empty();

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/archive", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var channel = await channels.SetArchivedAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), archived: true, context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto);
        })
            .Describe("archiveChannel", "Archive a channel", "An archived channel keeps its history and takes no new messages.").Produces<ChannelDto>();

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/unarchive", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var channel = await channels.SetArchivedAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), archived: false, context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto);
        })
            .Describe("unarchiveChannel", "Unarchive a channel").Produces<ChannelDto>();

        api.MapPut("/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}", async (string workspaceId, string channelId, string role, HttpContext context, ChannelService channels) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.SetChannelOverrideRequest);
            var channel = await channels.SetOverrideAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), role, body.Allow, body.Deny, context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto);
        })
            .Describe("setChannelOverride", "Set a role's override", "Permissions allowed and denied to a role in this channel (docs/permissions.md).").Body<SetChannelOverrideRequest>().Produces<ChannelDto>();

        api.MapDelete("/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}", async (string workspaceId, string channelId, string role, HttpContext context, ChannelService channels) =>
        {
            var channel = await channels.RemoveOverrideAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), role, context.RequestAborted);
            return TypedResults.Json(channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto);
        })
            .Describe("removeChannelOverride", "Remove a role's override").Produces<ChannelDto>();

        api.MapGet("/workspaces/{workspaceId}/channels/{channelId}/members", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var members = await channels.ListMembersAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                context.Request.Query["after"].ToString(), context.Request.QueryInt("limit"), context.RequestAborted);
            IReadOnlyList<ChannelMemberDto> dtos = [.. members.Select(m => m.ToDto())];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListChannelMemberDto);
        })
            .Describe("listChannelMembers", "List channel members")
            .Query("after", QueryType.String, "The user id to list after (the last of the previous page).").Query("limit", QueryType.Integer, "How many, at most.")
            .Produces<IReadOnlyList<ChannelMemberDto>>();

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/members", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.AddChannelMemberRequest);
            var member = await channels.AddMemberAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.UserId, context.RequestAborted);
            return TypedResults.Json(member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto);
        })
            .Describe("addChannelMember", "Add a member to a channel", "How private channels get members, and guests get into channels.").Body<AddChannelMemberRequest>().Produces<ChannelMemberDto>();

        api.MapDelete("/workspaces/{workspaceId}/channels/{channelId}/members/{userId}", async (string workspaceId, string channelId, string userId, HttpContext context, ChannelService channels) =>
        {
            await channels.KickAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(userId, "Channel member"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("kickChannelMember", "Remove a member from a channel").Empty();

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/leave", async (string workspaceId, string channelId, HttpContext context, ChannelService channels) =>
        {
            await channels.LeaveAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("leaveChannel", "Leave a channel").Empty();
    }
}
