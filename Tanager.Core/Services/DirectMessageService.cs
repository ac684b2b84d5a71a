using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Direct messages (two people) and group direct messages (three to nine) inside a workspace. They are channels of kind
/// <see cref="ChannelKind.Direct"/> and <see cref="ChannelKind.Group"/>: messages, history, reactions and read state work
/// as in any channel, and only participants can see them (to everyone else they are "not found").
/// </summary>
public sealed class DirectMessageService(IWorkspaceStore workspaces, IChannelStore channels, IReadStateStore readStates, EventDispatcher events, TimeProvider time)
{
    /// <summary>Others in one group direct message, as in Slack (nine people in all); bigger conversations belong in a channel.</summary>
    public const int MaxOthers = 8;

    /// <summary>
    /// Opens the direct message between the caller and one other workspace member (the one that exists, or a new one),
    /// or a new group direct message with two to eight others. Everyone named must be a member of the workspace; a guest
    /// may name only people who share a channel with them. <c>Created</c> is false when an existing direct message is returned.
    /// </summary>
    public async Task<(DirectMessage DirectMessage, bool Created)> OpenAsync(Ulid callerId, Ulid workspaceId, IReadOnlyList<string?>? userIds, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        if (userIds is null || userIds.Count == 0)
        {
            throw TanagerException.Invalid($"user_ids must name 1 to {MaxOthers} other members of the workspace.");
        }
        if (userIds.Count > MaxOthers + 1)
        {
            throw TanagerException.Invalid($"A group direct message has at most {MaxOthers} people besides you.");
        }
        var others = userIds.Select(id => Ids.Parse(id, "User")).Where(id => id != callerId).Distinct().Order().ToList();
        if (others.Count == 0)
        {
            throw TanagerException.Invalid("user_ids must name someone other than you.");
        }
        if (others.Count > MaxOthers)
        {
            throw TanagerException.Invalid($"A group direct message has at most {MaxOthers} people besides you.");
        }
        // Someone outside the workspace is "not found": ids from elsewhere reveal nothing.
        foreach (var other in others)
        {
            if (await workspaces.GetMemberAsync(workspaceId, other, cancellationToken) is null)
            {
                throw TanagerException.NotFound("User");
            }
        }
        var now = time.UtcNow();
        if (others.Count == 1)
        {
            // An existing direct message is returned to either side, a guest included (a member may have opened it).
            var key = Channel.DirectMessageKeyOf(callerId, others[0]);
            if (await channels.FindDirectMessageAsync(workspaceId, key, cancellationToken) is { } existing)
            {
                return (await RejoinAsync(existing, [callerId, others[0]], cancellationToken), false);
            }
            if (caller.Role == WorkspaceRole.Guest)
            {
                await EnsureGuestSharesChannelsAsync(workspaceId, callerId, others, cancellationToken);
            }
            var direct = NewChannel(workspaceId, ChannelKind.Direct, now) with { DirectMessageKey = key };
            if (await TryCreateAsync(direct, [callerId, others[0]], now, cancellationToken) is { } created)
            {
                return (created, true);
            }
            // The other side opened it at the same moment; the store's unique key let exactly one of us create it.
            var winner = await channels.FindDirectMessageAsync(workspaceId, key, cancellationToken)
                ?? throw TanagerException.Conflict(ErrorCodes.Conflict, "The direct message is being opened by someone else; try again.");
            return (await RejoinAsync(winner, [callerId, others[0]], cancellationToken), false);
        }
        if (caller.Role == WorkspaceRole.Guest)
        {
            await EnsureGuestSharesChannelsAsync(workspaceId, callerId, others, cancellationToken);
        }
        var group = NewChannel(workspaceId, ChannelKind.Group, now);
        return (await TryCreateAsync(group, [callerId, .. others], now, cancellationToken)
            ?? throw TanagerException.Conflict(ErrorCodes.Conflict, "Could not open the group; try again."), true);
    }

    /// <summary>The direct and group messages the caller is in, newest first, with their participants.</summary>
    /// <summary>The caller's direct messages in the workspace, with their read state of each.</summary>
    public async Task<IReadOnlyList<(DirectMessage DirectMessage, ChannelReadState? ReadState)>> ListAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsRead);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var list = await channels.ListDirectMessagesAsync(workspaceId, callerId, cancellationToken);
        var states = list.Count == 0 ? []
            : (await readStates.GetReadStatesAsync(workspaceId, callerId, [.. list.Select(d => d.Channel.Id)], cancellationToken)).ToDictionary(s => s.ChannelId);
        return [.. list.Select(d => (d, states.GetValueOrDefault(d.Channel.Id)))];
    }

    /// <summary>A direct message's internal name: unique (it is the id), never shown; clients show the participants' names.</summary>
    private static Channel NewChannel(Ulid workspaceId, ChannelKind kind, DateTimeOffset now)
    {
        var id = Ulid.NewUlid(now);
        return new Channel(workspaceId, id, "dm-" + id.ToString().ToLowerInvariant(), kind, Topic: null, LastSequence: 0, now, now);
    }

    private async Task<DirectMessage?> TryCreateAsync(Channel channel, IReadOnlyList<Ulid> participants, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var members = participants.Order().Select(p => new ChannelMember(channel.WorkspaceId, channel.Id, p, now)).ToList();
        if (!await channels.TryCreateDirectMessageAsync(channel, members, cancellationToken))
        {
            return null;
        }
        var directMessage = new DirectMessage(channel, [.. members.Select(m => m.UserId)]);
        await AnnounceAsync(directMessage, members, cancellationToken);
        return directMessage;
    }

    /// <summary>
    /// Brings back a participant of an existing direct message who is no longer in it (removed from the workspace and
    /// added again): the pair keeps its one conversation and its history.
    /// </summary>
    private async Task<DirectMessage> RejoinAsync(Channel channel, IReadOnlyList<Ulid> pair, CancellationToken cancellationToken)
    {
        var returning = new List<ChannelMember>();
        foreach (var userId in pair)
        {
            var member = new ChannelMember(channel.WorkspaceId, channel.Id, userId, time.UtcNow());
            if (await channels.TryAddMemberAsync(member, cancellationToken))
            {
                returning.Add(member);
            }
        }
        var directMessage = new DirectMessage(channel, [.. pair.Order()]);
        if (returning.Count > 0)
        {
            await AnnounceAsync(directMessage, returning, cancellationToken);
        }
        return directMessage;
    }

    /// <summary>
    /// CHANNEL_CREATE and then CHANNEL_MEMBER_ADD for each new member, to every participant's own subject and never to the
    /// workspace: a participant's live sessions start following the channel on seeing their own CHANNEL_MEMBER_ADD.
    /// </summary>
    private async Task AnnounceAsync(DirectMessage directMessage, IReadOnlyList<ChannelMember> added, CancellationToken cancellationToken)
    {
        var (workspaceId, channelId) = (directMessage.Channel.WorkspaceId, directMessage.Channel.Id);
        var created = directMessage.Participants.Select(p => EventHeader.ForUser(GatewayEvents.ChannelCreate, p, workspaceId: workspaceId, channelId: channelId)).ToList();
        await events.PublishAsync(created, directMessage.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto, cancellationToken);
        foreach (var member in added)
        {
            var headers = directMessage.Participants
                .Select(p => EventHeader.ForUser(GatewayEvents.ChannelMemberAdd, p, p == member.UserId ? SessionControl.ChannelJoined : SessionControl.None, workspaceId, channelId))
                .ToList();
            await events.PublishAsync(headers, member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
    }

    /// <summary>Guests talk only where they were let in: a guest may message people who share a (non-direct) channel with them.</summary>
    private async Task EnsureGuestSharesChannelsAsync(Ulid workspaceId, Ulid guestId, IReadOnlyList<Ulid> others, CancellationToken cancellationToken)
    {
        var guestChannels = await channels.ListMembershipsAsync(workspaceId, guestId, cancellationToken);
        var direct = (await channels.ListDirectMessagesAsync(workspaceId, guestId, cancellationToken)).Select(d => d.Channel.Id).ToHashSet();
        guestChannels = guestChannels.Where(c => !direct.Contains(c)).ToHashSet();
        foreach (var other in others)
        {
            var theirs = await channels.ListMembershipsAsync(workspaceId, other, cancellationToken);
            if (!theirs.Overlaps(guestChannels))
            {
                throw TanagerException.Forbidden("Guests may message only people who share a channel with them.");
            }
        }
    }
}
