using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>What members have read: marking channels read, unread and mention counts, and the mentions feed.</summary>
public sealed class ReadStateService(IWorkspaceStore workspaces, IChannelStore channels, IReadStateStore readStates, EventDispatcher events, TimeProvider time)
{
    public const int MaxMentionsPage = 100;

    /// <summary>
    /// Marks <paramref name="channelId"/> read up to message <paramref name="sequence"/> (at most the channel's newest;
    /// lower marks it unread again) and tells the caller's other connections (READ_STATE_UPDATE).
    /// </summary>
    public async Task<ChannelReadState> MarkReadAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? sequence, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesWrite);
        var validSequence = Validate.Sequence(sequence, "sequence");
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        if (!visible.IsMember)
        {
            throw TanagerException.Forbidden("Join the channel to keep its read state.");
        }
        var upTo = Math.Min(validSequence, visible.Channel.LastSequence);
        await readStates.SetLastReadAsync(workspaceId, channelId, callerId, upTo, time.UtcNow(), cancellationToken);
        var state = (await readStates.GetReadStatesAsync(workspaceId, callerId, [channelId], cancellationToken))[0];
        await events.PublishAsync(EventHeader.ForUser(GatewayEvents.ReadStateUpdate, callerId), state.ToDto(workspaceId), TanagerJsonContext.Default.ReadStateDto, cancellationToken);
        return state;
    }

    /// <summary>The caller's read state of every channel of the workspace they are a member of.</summary>
    public async Task<IReadOnlyList<ChannelReadState>> ListAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var memberships = await channels.ListMembershipsAsync(workspaceId, callerId, cancellationToken);
        return memberships.Count == 0 ? [] : await readStates.GetReadStatesAsync(workspaceId, callerId, [.. memberships], cancellationToken);
    }

    /// <summary>Messages that mention the caller in the workspace's channels they are a member of, newest first.</summary>
    public async Task<IReadOnlyList<Message>> ListMentionsAsync(Ulid callerId, Ulid workspaceId, string? before, int? limit, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        Ulid? validBefore = null;
        if (!string.IsNullOrEmpty(before))
        {
            validBefore = Ulid.TryParse(before, out var id) ? id : throw TanagerException.Invalid("before must be a message id.");
        }
        var validLimit = Validate.Limit(limit, 50, MaxMentionsPage);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var memberships = await channels.ListMembershipsAsync(workspaceId, callerId, cancellationToken);
        return memberships.Count == 0 ? [] : await readStates.ListMentionsAsync(workspaceId, callerId, [.. memberships], validBefore, validLimit, cancellationToken);
    }
}
