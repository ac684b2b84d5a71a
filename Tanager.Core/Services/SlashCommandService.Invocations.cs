using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Invoking a command and replying to it.</summary>
public sealed partial class SlashCommandService
{
    /// <summary>
    /// Sends <c>/command args</c>, typed by the caller in a channel, to the command's bot. The caller must be able to post
    /// there (as for a message; guests may not invoke commands), and the bot must be connected to receive it.
    /// </summary>
    public async Task<CommandInvocationDto> InvokeAsync(Caller caller, Ulid workspaceId, Ulid channelId, string? command, string? args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Scope.Demand(Scope.MessagesWrite);
        var validName = Name(command?.TrimStart('/'));
        var validArgs = Args(args);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, caller.UserId, cancellationToken);
        Access.EnsureCanPost(visible);
        if (visible.Role == WorkspaceRole.Guest)
        {
            throw TanagerException.Forbidden("A guest may not invoke slash commands.");
        }
        var registered = await commands.GetSlashCommandAsync(workspaceId, validName, cancellationToken) ?? throw UnknownCommand(validName);
        if (await users.GetAsync(registered.BotUserId, cancellationToken) is not { DeactivatedAt: null } bot
            || await workspaces.GetMemberAsync(workspaceId, bot.Id, cancellationToken) is null)
        {
            throw new TanagerException(TanagerErrorKind.Unavailable, ErrorCodes.BotUnavailable, $"The bot that answers /{validName} was deleted or left the workspace.");
        }
        if (!presence.IsConnected(bot.Id))
        {
            // Invocations are not queued: a command answered an hour later is no answer. Say so now, while the member waits.
            throw new TanagerException(TanagerErrorKind.Unavailable, ErrorCodes.BotUnavailable, $"The bot that answers /{validName} is not connected: try again later.");
        }
        var now = time.UtcNow();
        var invocation = new InvocationId(Ulid.NewUlid(now), registered.Id, channelId, caller.UserId, validName);
        var created = invocation.CreatedAt;
        var dto = new CommandInvocationDto
        {
            Id = invocation.Sign(workspaceId, registered.Secret),
            WorkspaceId = workspaceId.ToString(),
            ChannelId = channelId.ToString(),
            Command = validName,
            Args = validArgs,
            UserId = caller.UserId.ToString(),
            BotUserId = bot.Id.ToString(),
            CreatedAt = created,
            ExpiresAt = created + InvocationLifetime,
        };
        await events.PublishAsync(EventHeader.ForUser(GatewayEvents.CommandInvoke, bot.Id), dto, TanagerJsonContext.Default.CommandInvocationDto, cancellationToken);
        return dto;
    }

    /// <summary>
    /// A bot's reply to an invocation it received: to the invoking member alone (<paramref name="ephemeral"/>), or posted in
    /// the channel as the bot's message (which needs messages:write too, and the bot in the channel). An id that is not
    /// this bot's, altered, expired, or whose command was deleted is 404 unknown_invocation, alike.
    /// </summary>
    public async Task<(Message? Posted, EphemeralMessageDto? Ephemeral)> ReplyAsync(Caller caller, Ulid workspaceId, string? invocationId, string? content, bool ephemeral, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Scope.Demand(Scope.CommandsWrite);
        var validContent = Validate.MessageContent(content);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, caller.UserId, cancellationToken);
        if (!InvocationId.TryRead(invocationId, out var invocation, out var signed)
            || await commands.GetSlashCommandAsync(workspaceId, invocation.Command, cancellationToken) is not { } registered
            || registered.Id != invocation.CommandId || !InvocationId.Verify(signed, workspaceId, registered.Secret)
            || registered.BotUserId != caller.UserId)
        {
            throw UnknownInvocation("No invocation of yours has this id in this workspace.");
        }
        var now = time.UtcNow();
        if (now > invocation.CreatedAt + InvocationLifetime)
        {
            throw UnknownInvocation($"The invocation expired: a bot may reply for {InvocationLifetime.TotalMinutes:0} minutes.");
        }
        if (!ephemeral)
        {
            return (await messages.PostAsync(caller.UserId, workspaceId, invocation.ChannelId, validContent, cancellationToken: cancellationToken), null);
        }
        var message = new EphemeralMessageDto
        {
            Id = Ulid.NewUlid(now).ToString(),
            WorkspaceId = workspaceId.ToString(),
            ChannelId = invocation.ChannelId.ToString(),
            AuthorId = caller.UserId.ToString(),
            UserId = invocation.UserId.ToString(),
            Content = validContent,
            Command = invocation.Command,
            CreatedAt = now,
        };
        // On the invoking member's own subject: their connections alone receive it, on whichever nodes they are.
        await events.PublishAsync(EventHeader.ForUser(GatewayEvents.EphemeralMessage, invocation.UserId), message, TanagerJsonContext.Default.EphemeralMessageDto, cancellationToken);
        return (null, message);
    }

    private static string Args(string? args)
    {
        var value = args?.Trim() ?? "";
        if (value.Length > MaxArgsLength)
        {
            throw TanagerException.Invalid($"args must be at most {MaxArgsLength} characters.");
        }
        if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw TanagerException.Invalid("args must not contain control characters other than new lines and tabs.");
        }
        return value;
    }

    private static TanagerException UnknownInvocation(string message) => new(TanagerErrorKind.NotFound, ErrorCodes.UnknownInvocation, message);
}
