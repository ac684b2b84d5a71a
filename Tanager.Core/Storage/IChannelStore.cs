using NUlid;

namespace Tanager;

/// <summary>Channels and channel membership, always scoped by workspace.</summary>
public interface IChannelStore
{
    /// <summary>Creates the channel with its creator as first member; false when the name is taken in the workspace.</summary>
    ValueTask<bool> TryCreateAsync(Channel channel, ChannelMember creator, CancellationToken cancellationToken = default);
    ValueTask<Channel?> GetAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default);
    /// <summary>Every channel of the workspace, by name.</summary>
    ValueTask<IReadOnlyList<Channel>> ListAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>The ids of the channels of the workspace the user is a member of.</summary>
    ValueTask<IReadOnlySet<Ulid>> ListMembershipsAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>
    /// The user's role in the workspace, the channel and the user's membership of it, in one lookup (it runs on every
    /// send); null when the user is not a member of the workspace.
    /// </summary>
    ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default);
    ValueTask<ChannelMember?> GetMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Adds a member; false when already one.</summary>
    ValueTask<bool> TryAddMemberAsync(ChannelMember member, CancellationToken cancellationToken = default);
    /// <summary>Removes a member; false when not one.</summary>
    ValueTask<bool> TryRemoveMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>
    /// Writes the channel's name, topic, description, archive time and overrides (never its sequence), provided its
    /// <see cref="Channel.UpdatedAt"/> in the store is still <paramref name="expectedUpdatedAt"/>: concurrent changes
    /// cannot overwrite each other. A deleted channel is <see cref="ChannelUpdateResult.Stale"/>.
    /// </summary>
    ValueTask<ChannelUpdateResult> TryUpdateChannelAsync(Channel channel, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default);
    /// <summary>
    /// Deletes the channel: from then on it is not found and its name is free; its memberships end. Returns the users who
    /// were members, or null when there was no such channel. Messages stay stored (out of reach) for retention.
    /// </summary>
    ValueTask<IReadOnlyList<Ulid>?> DeleteChannelAsync(Ulid workspaceId, Ulid channelId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default);
    /// <summary>A page of the channel's members ordered by user id, starting after <paramref name="afterUserId"/>.</summary>
    ValueTask<IReadOnlyList<ChannelMember>> ListChannelMembersAsync(Ulid workspaceId, Ulid channelId, Ulid? afterUserId, int limit, CancellationToken cancellationToken = default);
    /// <summary>
    /// Creates a direct or group message channel with every participant as a member, in one step. False, and nothing
    /// created, when the workspace has a channel with the same <see cref="Channel.DirectMessageKey"/> (or name): the
    /// unique key is what keeps one direct message per pair when both sides open it at once.
    /// </summary>
    ValueTask<bool> TryCreateDirectMessageAsync(Channel channel, IReadOnlyList<ChannelMember> participants, CancellationToken cancellationToken = default);
    /// <summary>The channel with this <see cref="Channel.DirectMessageKey"/> in the workspace, or null.</summary>
    ValueTask<Channel?> FindDirectMessageAsync(Ulid workspaceId, string directMessageKey, CancellationToken cancellationToken = default);
    /// <summary>The direct and group message channels the user is in, newest first, each with its members in id order.</summary>
    ValueTask<IReadOnlyList<DirectMessage>> ListDirectMessagesAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default);
}
