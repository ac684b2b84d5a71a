using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>A slash command a member invoked, as the bot receives it (COMMAND_INVOKE), with the means to reply.</summary>
public sealed class CommandInvocation
{
    private readonly TanagerClient _client;

    internal CommandInvocation(TanagerClient client, CommandInvocationDto invocation)
    {
        _client = client;
        Invocation = invocation;
    }

    /// <summary>The event as sent: ids, command, arguments and expiry.</summary>
    public CommandInvocationDto Invocation { get; }

    /// <summary>The command's name, without the slash.</summary>
    public string Command => Invocation.Command;
    /// <summary>What followed the name; empty when nothing did.</summary>
    public string Args => Invocation.Args;
    public string WorkspaceId => Invocation.WorkspaceId;
    public string ChannelId => Invocation.ChannelId;
    /// <summary>The member who invoked the command.</summary>
    public string UserId => Invocation.UserId;

    /// <summary>A reply only the invoking member sees, on their live connections; it is not stored.</summary>
    public Task<CommandReplyDto> ReplyEphemeralAsync(string content, CancellationToken cancellationToken = default) =>
        _client.ReplyToCommandAsync(WorkspaceId, Invocation.Id, content, ephemeral: true, cancellationToken);

    /// <summary>A reply posted in the channel as the bot's message (the bot must be in the channel, with messages:write).</summary>
    public Task<CommandReplyDto> ReplyAsync(string content, CancellationToken cancellationToken = default) =>
        _client.ReplyToCommandAsync(WorkspaceId, Invocation.Id, content, ephemeral: false, cancellationToken);
}
