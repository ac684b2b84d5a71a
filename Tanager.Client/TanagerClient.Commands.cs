using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>
/// Slash commands: a bot registers its commands and replies to their invocations (see <see cref="TanagerGateway.CommandInvoked"/>);
/// a member invokes them in a channel.
/// </summary>
public sealed partial class TanagerClient
{
    /// <summary>
    /// Registers <c>/name</c> in a workspace, answered by this bot (or by <paramref name="botId"/>, a bot the signed-in person
    /// owns). Registering again updates the description and usage hint, so a bot may register its commands at every start.
    /// </summary>
    public Task<SlashCommandDto> RegisterCommandAsync(string workspaceId, string name, string description, string? usageHint = null, string? botId = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"workspaces/{Escape(workspaceId)}/commands/{Escape(name)}", new RegisterCommandRequest { Description = description, UsageHint = usageHint, BotId = botId },
            TanagerJsonContext.Default.RegisterCommandRequest, TanagerJsonContext.Default.SlashCommandDto, cancellationToken);

    /// <summary>
    /// Registers <c>/name</c> in a workspace, routed to <paramref name="url"/> (absolute https) instead of a bot: a workspace
    /// owner's or admin's call. Each invocation is POSTed there, signed with the secret in the first answer's
    /// <see cref="SlashCommandDto.Secret"/> (shown that once); registering again updates the description, usage hint and URL.
    /// </summary>
    public Task<SlashCommandDto> RegisterUrlCommandAsync(string workspaceId, string name, string description, Uri url, string? usageHint = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        return SendAsync(HttpMethod.Put, $"workspaces/{Escape(workspaceId)}/commands/{Escape(name)}", new RegisterCommandRequest { Description = description, UsageHint = usageHint, Url = url.AbsoluteUri },
            TanagerJsonContext.Default.RegisterCommandRequest, TanagerJsonContext.Default.SlashCommandDto, cancellationToken);
    }

    /// <summary>The workspace's slash commands, by name.</summary>
    public Task<IReadOnlyList<SlashCommandDto>> ListCommandsAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/commands", TanagerJsonContext.Default.IReadOnlyListSlashCommandDto, cancellationToken);

    /// <summary>Deletes a slash command; replies to its pending invocations are refused from then on.</summary>
    public Task DeleteCommandAsync(string workspaceId, string name, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"workspaces/{Escape(workspaceId)}/commands/{Escape(name)}", null, null, null, cancellationToken);

    /// <summary>
    /// Invokes <c>/command args</c> in a channel, as typed by this member; the bot's ephemeral reply arrives as
    /// <see cref="TanagerGateway.EphemeralMessageReceived"/>. Throws <see cref="TanagerApiException"/> with code
    /// <c>unknown_command</c> (404) or <c>bot_unavailable</c> (503, the bot is not connected). A command routed to a URL
    /// is answered before this returns: its reply is in <see cref="CommandInvocationDto.Reply"/>, and a URL that gave no
    /// usable answer throws with code <c>command_failed</c> (502).
    /// </summary>
    public Task<CommandInvocationDto> InvokeCommandAsync(string workspaceId, string channelId, string command, string? args = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ChannelPath(workspaceId, channelId) + "/commands", new InvokeCommandRequest { Command = command, Args = args },
            TanagerJsonContext.Default.InvokeCommandRequest, TanagerJsonContext.Default.CommandInvocationDto, cancellationToken);

    /// <summary>
    /// Replies to an invocation this bot received: to the invoking member alone (<paramref name="ephemeral"/>), or posted in
    /// the channel. <see cref="CommandInvocation"/>'s reply methods call this.
    /// </summary>
    public Task<CommandReplyDto> ReplyToCommandAsync(string workspaceId, string invocationId, string content, bool ephemeral, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/commands/replies", new CommandReplyRequest { InvocationId = invocationId, Content = content, Ephemeral = ephemeral },
            TanagerJsonContext.Default.CommandReplyRequest, TanagerJsonContext.Default.CommandReplyDto, cancellationToken);
}
