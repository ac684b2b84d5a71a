using System.Text.Json;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Invoking a command and replying to it.</summary>
public sealed partial class SlashCommandService
{
    /// <summary>
    /// Sends <c>/command args</c>, typed by the caller in a channel, to the command's bot. The caller must be able to post
    /// there (as for a message; guests may not invoke commands), and the bot must be connected to receive it. A command
    /// routed to a URL is POSTed there instead, before this returns, and its answer's reply is in the result;
    /// <paramref name="serverUrl"/> (where this server's API is reached, with any path prefix) gives that request a
    /// <see cref="CommandRequestDto.ResponseUrl"/> for later answers (<see cref="RespondAsync"/>).
    /// </summary>
    public async Task<CommandInvocationDto> InvokeAsync(Caller caller, Ulid workspaceId, Ulid channelId, string? command, string? args, Uri? serverUrl = null,
        CancellationToken cancellationToken = default)
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
        if (registered.Url is not null)
        {
            return await InvokeUrlAsync(caller, registered, channelId, validArgs, serverUrl, cancellationToken);
        }
        if (registered.BotUserId is not { } botId || await users.GetAsync(botId, cancellationToken) is not { DeactivatedAt: null } bot
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
        return (null, await SendEphemeralAsync(workspaceId, invocation.ChannelId, caller.UserId, invocation.UserId, validContent, invocation.Command, cancellationToken));
    }

    /// <summary>
    /// A command routed to a URL: POSTs the invocation there (signed, within the command timeout) and turns a 2xx answer's
    /// text into the reply, through the same checks a bot's reply passes. The reply is the invoking member's own (the
    /// command has no bot to speak for it): ephemeral by default, or posted as their message with every rule of their
    /// posts (moderation hooks included). Anything else the URL does is 502 command_failed, and nothing is posted.
    /// </summary>
    private async Task<CommandInvocationDto> InvokeUrlAsync(Caller caller, SlashCommand registered, Ulid channelId, string args, Uri? serverUrl, CancellationToken cancellationToken)
    {
        var endpoints = Endpoints ?? throw NoEndpoints();
        var workspaceId = registered.WorkspaceId;
        var invocation = new InvocationId(Ulid.NewUlid(time.UtcNow()), registered.Id, channelId, caller.UserId, registered.Name);
        var created = invocation.CreatedAt;
        var id = invocation.Sign(workspaceId, registered.Secret);
        var request = new CommandRequestDto
        {
            Command = registered.Name,
            Text = args,
            UserId = caller.UserId.ToString(),
            UserName = caller.User.DisplayName,
            ChannelId = channelId.ToString(),
            WorkspaceId = workspaceId.ToString(),
            ResponseId = id,
            ResponseUrl = serverUrl is null ? null : new Uri(serverUrl, $"api/v1/workspaces/{workspaceId}/commands/responses/{id}").AbsoluteUri,
            CreatedAt = created,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(request, TanagerJsonContext.Default.CommandRequestDto);
        var (answer, error) = await endpoints.PostCommandAsync(registered, body, cancellationToken);
        if (error is not null)
        {
            throw CommandFailed(registered.Name, error);
        }
        CommandReplyDto? reply = null;
        if (answer is { Text: { } text } && !string.IsNullOrWhiteSpace(text))
        {
            string content;
            try
            {
                content = Validate.MessageContent(text);
            }
            catch (TanagerException invalid) when (invalid.Kind == TanagerErrorKind.InvalidRequest)
            {
                endpoints.CommandFailed(registered, "an answer whose text is not a valid message");
                throw CommandFailed(registered.Name, $"an answer whose text is not a valid message ({invalid.Message})");
            }
            reply = await ReplyAsMemberAsync(workspaceId, channelId, caller.UserId, content, answer.Visibility == "channel", registered.Name, cancellationToken);
        }
        return new CommandInvocationDto
        {
            Id = id,
            WorkspaceId = workspaceId.ToString(),
            ChannelId = channelId.ToString(),
            Command = registered.Name,
            Args = args,
            UserId = caller.UserId.ToString(),
            CreatedAt = created,
            ExpiresAt = created + InvocationLifetime,
            Reply = reply,
        };
    }

    /// <summary>
    /// A later answer of a command routed to a URL, POSTed by its receiver to the request's <c>response_url</c> within
    /// <see cref="InvocationLifetime"/>: the response id, signed with the command's secret, is the credential (no token).
    /// Like the first answer, it is the invoking member's own: ephemeral by default, or posted as their message with
    /// every rule of their posts, so a member who has since left the channel gets nothing. An id that is altered,
    /// expired, not of a URL's command, or whose command was deleted is 404 unknown_invocation, alike.
    /// </summary>
    public async Task<CommandReplyDto> RespondAsync(Ulid workspaceId, string? responseId, string? text, string? visibility, CancellationToken cancellationToken = default)
    {
        if (!InvocationId.TryRead(responseId, out var invocation, out var signed)
            || await commands.GetSlashCommandAsync(workspaceId, invocation.Command, cancellationToken) is not { Url: not null } registered
            || registered.Id != invocation.CommandId || !InvocationId.Verify(signed, workspaceId, registered.Secret))
        {
            throw UnknownInvocation("No invocation of a URL's command has this response id in this workspace.");
        }
        if (time.UtcNow() > invocation.CreatedAt + InvocationLifetime)
        {
            throw UnknownInvocation($"The invocation expired: its URL may answer for {InvocationLifetime.TotalMinutes:0} minutes.");
        }
        var content = Validate.MessageContent(text);
        var inChannel = visibility switch
        {
            null or "ephemeral" => false,
            "channel" => true,
            _ => throw TanagerException.Invalid("visibility must be ephemeral or channel."),
        };
        if (await users.GetAsync(invocation.UserId, cancellationToken) is not { DeactivatedAt: null })
        {
            throw UnknownInvocation("The member who invoked the command is no longer here.");
        }
        if (!inChannel)
        {
            // Only someone who still sees the channel is told anything about it.
            await Access.VisibleChannelAsync(channels, workspaceId, invocation.ChannelId, invocation.UserId, cancellationToken);
        }
        return await ReplyAsMemberAsync(workspaceId, invocation.ChannelId, invocation.UserId, content, inChannel, invocation.Command, cancellationToken);
    }

    /// <summary>A URL command's reply: the invoking member's message in the channel, or an ephemeral one to them alone.</summary>
    private async Task<CommandReplyDto> ReplyAsMemberAsync(Ulid workspaceId, Ulid channelId, Ulid memberId, string content, bool inChannel, string command, CancellationToken cancellationToken) =>
        inChannel
            ? new CommandReplyDto { Ephemeral = false, Message = (await messages.PostAsync(memberId, workspaceId, channelId, content, cancellationToken: cancellationToken)).ToDto() }
            : new CommandReplyDto { Ephemeral = true, EphemeralMessage = await SendEphemeralAsync(workspaceId, channelId, memberId, memberId, content, command, cancellationToken) };

    private async Task<EphemeralMessageDto> SendEphemeralAsync(Ulid workspaceId, Ulid channelId, Ulid authorId, Ulid userId, string content, string command, CancellationToken cancellationToken)
    {
        var now = time.UtcNow();
        var message = new EphemeralMessageDto
        {
            Id = Ulid.NewUlid(now).ToString(),
            WorkspaceId = workspaceId.ToString(),
            ChannelId = channelId.ToString(),
            AuthorId = authorId.ToString(),
            UserId = userId.ToString(),
            Content = content,
            Command = command,
            CreatedAt = now,
        };
        // On the invoking member's own subject: their connections alone receive it, on whichever nodes they are.
        await events.PublishAsync(EventHeader.ForUser(GatewayEvents.EphemeralMessage, userId), message, TanagerJsonContext.Default.EphemeralMessageDto, cancellationToken);
        return message;
    }

    private static TanagerException CommandFailed(string name, string error) =>
        new(TanagerErrorKind.BadGateway, ErrorCodes.CommandFailed, $"/{name} failed at the URL that answers it: {error}. Nothing was posted.");

    private static TanagerException NoEndpoints() =>
        new(TanagerErrorKind.BadGateway, ErrorCodes.CommandFailed, "This server makes no requests to URLs (its services were not built by AddTanager).");

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
