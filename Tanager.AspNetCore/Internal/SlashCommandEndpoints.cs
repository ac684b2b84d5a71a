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

    /// <summary>
    /// A URL command's <c>response_url</c>: no bearer token, the signed response id in the path is the credential (as an
    /// incoming webhook's token is). Throttled per invocation.
    /// </summary>
    public static void MapAnonymous(RouteGroupBuilder api, RequestThrottle throttle)
    {
        api.MapPost(Commands + "/responses/{responseId}", async Task<IResult> (string workspaceId, string responseId, HttpContext context, SlashCommandService commands) =>
        {
            if (throttle.CommandResponse(responseId) is { } wait)
            {
                return RequestThrottle.Refuse(context, wait, "answers to this invocation");
            }
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CommandAnswerDto);
            var reply = await commands.RespondAsync(Ids.Parse(workspaceId, "Workspace"), responseId, body.Text, body.Visibility, context.RequestAborted);
            return TypedResults.Json(reply, TanagerJsonContext.Default.CommandReplyDto);
        })
            .Describe("respondToCommand", "Answer a URL command later", "No bearer token: the response_url of the command's request, within 15 minutes of the invocation. "
                + "The answer is the invoking member's, ephemeral unless visibility is channel; throttled per invocation.")
            .Body<CommandAnswerDto>().Produces<CommandReplyDto>();
    }

    public static void Map(RouteGroupBuilder api, string prefix)
    {
        api.MapPut(Commands + "/{command}", async (string workspaceId, string command, HttpContext context, SlashCommandService commands) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.RegisterCommandRequest);
            var (registered, created, secret) = await commands.RegisterAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), command, body.Description, body.UsageHint, body.BotId, body.Url, context.RequestAborted);
            return TypedResults.Json(ToDto(registered) with { Secret = secret }, TanagerJsonContext.Default.SlashCommandDto, statusCode: created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        })
            .Describe("registerCommand", "Register a slash command", "201 when registered, 200 when the same bot's (or URL's) command was updated. Needs commands:write; a person names a bot they own in bot_id, "
                + "or a workspace owner or admin routes the command to an https url instead (the answer then holds the signing secret, shown only at creation).")
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
            var request = context.Request;
            var serverUrl = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/");
            var invocation = await commands.InvokeAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.Command, body.Args,
                serverUrl, context.RequestAborted);
            // A URL's command was answered before this returns (200); a bot's is on its way to the bot (202).
            var status = invocation.BotUserId is null ? StatusCodes.Status200OK : StatusCodes.Status202Accepted;
            return TypedResults.Json(invocation, TanagerJsonContext.Default.CommandInvocationDto, statusCode: status);
        })
            .Describe("invokeCommand", "Invoke a slash command", "Sends /command args to the command's bot (COMMAND_INVOKE): 202, or 503 bot_unavailable when the bot is not connected. "
                + "A command routed to a URL is POSTed there first: 200 with the reply its answer made, or 502 command_failed when it gave no usable answer.")
            .Body<InvokeCommandRequest>().Produces<CommandInvocationDto>(StatusCodes.Status202Accepted).Produces<CommandInvocationDto>();

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
        BotUserId = command.BotUserId?.ToString(),
        Url = command.Url,
        CreatedAt = command.CreatedAt,
        UpdatedAt = command.UpdatedAt,
    };
}
