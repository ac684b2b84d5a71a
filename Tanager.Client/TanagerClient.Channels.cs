using System.Globalization;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Channel settings, permissions and membership.</summary>
public sealed partial class TanagerClient
{
    /// <summary>Renames the channel and sets its topic and description; null leaves a field as it is, "" removes topic or description.</summary>
    public Task<ChannelDto> UpdateChannelAsync(string workspaceId, string channelId, string? name = null, string? topic = null, string? description = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, ChannelPath(workspaceId, channelId), new UpdateChannelRequest { Name = name, Topic = topic, Description = description },
            TanagerJsonContext.Default.UpdateChannelRequest, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    public Task ArchiveChannelAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<object, ChannelDto>(HttpMethod.Post, ChannelPath(workspaceId, channelId) + "/archive", null, null, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    public Task UnarchiveChannelAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<object, ChannelDto>(HttpMethod.Post, ChannelPath(workspaceId, channelId) + "/unarchive", null, null, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    public Task DeleteChannelAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, ChannelPath(workspaceId, channelId), null, null, null, cancellationToken);

    /// <summary>Sets what <paramref name="role"/> (member or guest) gains and loses in the channel; permission names are snake_case.</summary>
    public Task<ChannelDto> SetChannelOverrideAsync(string workspaceId, string channelId, string role, IReadOnlyList<string> allow, IReadOnlyList<string> deny, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, $"{ChannelPath(workspaceId, channelId)}/overrides/{Escape(role)}", new SetChannelOverrideRequest { Allow = allow, Deny = deny },
            TanagerJsonContext.Default.SetChannelOverrideRequest, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    public Task<ChannelDto> RemoveChannelOverrideAsync(string workspaceId, string channelId, string role, CancellationToken cancellationToken = default) =>
        SendAsync<object, ChannelDto>(HttpMethod.Delete, $"{ChannelPath(workspaceId, channelId)}/overrides/{Escape(role)}", null, null, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    /// <summary>A page of the channel's members by user id; pass the last user id of a page as <paramref name="after"/> for the next.</summary>
    public Task<IReadOnlyList<ChannelMemberDto>> ListChannelMembersAsync(string workspaceId, string channelId, string? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (after is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }
        if (limit is not null)
        {
            query.Add("limit=" + limit.Value.ToString(CultureInfo.InvariantCulture));
        }
        return GetAsync($"{ChannelPath(workspaceId, channelId)}/members{(query.Count == 0 ? "" : "?" + string.Join('&', query))}", TanagerJsonContext.Default.IReadOnlyListChannelMemberDto, cancellationToken);
    }

    /// <summary>Adds a workspace member to the channel (how private channels and guests get members).</summary>
    public Task<ChannelMemberDto> AddChannelMemberAsync(string workspaceId, string channelId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"{ChannelPath(workspaceId, channelId)}/members", new AddChannelMemberRequest { UserId = userId },
            TanagerJsonContext.Default.AddChannelMemberRequest, TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);

    /// <summary>Removes someone from the channel.</summary>
    public Task KickChannelMemberAsync(string workspaceId, string channelId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"{ChannelPath(workspaceId, channelId)}/members/{Escape(userId)}", null, null, null, cancellationToken);

    private static string ChannelPath(string workspaceId, string channelId) => $"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}";
}
