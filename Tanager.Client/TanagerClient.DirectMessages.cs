using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Direct messages (two people) and group direct messages (three to nine): channels of kind direct and group.</summary>
public sealed partial class TanagerClient
{
    /// <summary>
    /// Opens the direct message with one other workspace member (always the same one for the pair), or a new group direct
    /// message with two to eight others. Post, read and react in it with the ordinary message methods and its id.
    /// </summary>
    public Task<ChannelDto> OpenDirectMessageAsync(string workspaceId, params string[] userIds) =>
        OpenDirectMessageAsync(workspaceId, (IReadOnlyList<string>)userIds, CancellationToken.None);

    /// <inheritdoc cref="OpenDirectMessageAsync(string, string[])"/>
    public Task<ChannelDto> OpenDirectMessageAsync(string workspaceId, IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/dms", new OpenDirectMessageRequest { UserIds = userIds },
            TanagerJsonContext.Default.OpenDirectMessageRequest, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    /// <summary>The caller's direct and group messages in the workspace, newest first, each with its participants and unread counts.</summary>
    public Task<IReadOnlyList<ChannelDto>> ListDirectMessagesAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/dms", TanagerJsonContext.Default.IReadOnlyListChannelDto, cancellationToken);
}
