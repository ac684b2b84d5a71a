using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Slash commands: bots register them per workspace, members invoke them in channels, bots reply to invocations.</summary>
internal static class SlashCommandEndpoints
{
    private const string Commands = "/workspaces/{workspaceId}/commands";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPut(Commands + "/{command}", async (string workspaceId, string command, HttpContext context, SlashCommandService commands) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.RegisterCommandRequest);
            var (registered, created) = await commands.RegisterAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), command, body.Description, body.UsageHint, body.BotId, context.RequestAborted);
            return TypedResults.Json(ToDto(registered), TanagerJsonContext.Default.SlashCommandDto, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        })
            .Describe("registerCommand", "Register a slash command", "201 when registered, 200 when the same bot's command was updated. Needs commands:write; a person names a bot they own in bot_id.")
            .Body<RegisterCommandRequest>().Produces<SlashCommandDto>(StatusCodes.Status201Created).Produces<SlashCommandDto>();

        api.MapGet(Commands, async (string workspaceId, HttpContext context, SlashCommandService commands) =>
        {
            var list = await commands.ListAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<SlashCommandDto> dtos = [.. list.Select(ToDto)];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListSlashCommandDto);
        })
            .Describe("listCommands", "List a workspace's slash commands").Produces<IReadOnlyList<SlashCommandDto>>();

        api.MapDelete(Commands + "/{command}", async (string workspaceId, string command, HttpContext context, SlashCommandService commands) =>
        {
            await commands.DeleteAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), command, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("deleteCommand", "Delete a slash command", "By its bot, the bot's owner, or a workspace owner or admin.").Empty();

        api.MapPost("/workspaces/{workspaceId}/channels/{channelId}/commands", async (string workspaceId, string channelId, HttpContext context, SlashCommandService commands) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.InvokeCommandRequest);
            var invocation = await commands.InvokeAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.Command, body.Args, context.RequestAborted);
            return TypedResults.Json(invocation, TanagerJsonContext.Default.CommandInvocationDto, statusCode: StatusCodes.Status202Accepted);
        })
            .Describe("invokeCommand", "Invoke a slash command", "Sends /command args to the command's bot (COMMAND_INVOKE). 503 bot_unavailable when the bot is not connected.")
            .Body<InvokeCommandRequest>().Produces<CommandInvocationDto>(StatusCodes.Status202Accepted);

        api.MapPost(Commands + "/replies", async (string workspaceId, HttpContext context, SlashCommandService commands) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CommandReplyRequest);
            var (posted, ephemeral) = await commands.ReplyAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), body.InvocationId, body.Content, body.Ephemeral, context.RequestAborted);
            var reply = new CommandReplyDto { Ephemeral = ephemeral is not null, Message = posted?.ToDto(), EphemeralMessage = ephemeral };
            return TypedResults.Json(reply, TanagerJsonContext.Default.CommandReplyDto);
        })
            .Describe("replyToCommand", "Reply to a slash command invocation", "By the bot the invocation was sent to, within 15 minutes: ephemeral (only the invoking member sees it) or posted in the channel.")
            .Body<CommandReplyRequest>().Produces<CommandReplyDto>();
    }

    private static SlashCommandDto ToDto(SlashCommand command) => new()
    {
        Name = command.Name,
        WorkspaceId = command.WorkspaceId.ToString(),
        Description = command.Description,
        UsageHint = command.UsageHint,
        BotUserId = command.BotUserId.ToString(),
        CreatedAt = command.CreatedAt,
        UpdatedAt = command.UpdatedAt,
    };
}
