using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Channels and channel membership.</summary>
public sealed class ChannelService(IWorkspaceStore workspaces, IChannelStore channels, EventDispatcher events, TimeProvider time)
{
    public async Task<Channel> CreateAsync(Ulid callerId, Ulid workspaceId, string? name, string? kind, string? topic, CancellationToken cancellationToken = default)
    {
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var validName = Validate.ChannelName(name);
        var validTopic = Validate.OptionalText(topic, "topic", Validate.MaxTopicLength);
        var validKind = kind is null ? ChannelKind.Public
            : DtoMapping.TryParseChannelKind(kind, out var parsed) ? parsed
            : throw TanagerException.Invalid("kind must be public or private.");
        if (!Permissions.CanCreateChannel(member.Role, validKind))
        {
            throw TanagerException.Forbidden("Guests may not create channels.");
        }
        var now = time.UtcNow();
        var channel = new Channel(workspaceId, Ulid.NewUlid(now), validName, validKind, validTopic, LastSequence: 0, now, now);
        var creator = new ChannelMember(workspaceId, channel.Id, callerId, now);
        if (!await channels.TryCreateAsync(channel, creator, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, $"A channel named '{validName}' exists in this workspace.");
        }
        var audience = validKind == ChannelKind.Public ? Subjects.Workspace(workspaceId) : Subjects.User(callerId);
        await events.DispatchAsync(audience, GatewayEvents.ChannelCreate, channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto, cancellationToken);
        await events.DispatchAsync(Subjects.User(callerId), GatewayEvents.ChannelMemberAdd, creator.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        return channel;
    }

    /// <summary>The channels the caller can see, with whether the caller is a member of each.</summary>
    public async Task<IReadOnlyList<(Channel Channel, bool IsMember)>> ListAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var all = await channels.ListAsync(workspaceId, cancellationToken);
        var memberships = await channels.ListMembershipsAsync(workspaceId, callerId, cancellationToken);
        return [.. all
            .Select(c => (Channel: c, IsMember: memberships.Contains(c.Id)))
            .Where(p => Permissions.CanSeeChannel(member.Role, p.Channel, p.IsMember))];
    }

    public async Task<(Channel Channel, bool IsMember)> GetAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        return (visible.Channel, visible.IsMember);
    }

    /// <summary>Joins a public channel. Joining a channel one is in already succeeds and changes nothing.</summary>
    public async Task<ChannelMember> JoinAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        if (visible.IsMember)
        {
            return (await channels.GetMemberAsync(workspaceId, channelId, callerId, cancellationToken))!;
        }
        if (!Permissions.CanJoinChannel(visible.Role, visible.Channel))
        {
            throw TanagerException.Forbidden("This channel is joined by invitation only.");
        }
        var member = new ChannelMember(workspaceId, channelId, callerId, time.UtcNow());
        if (await channels.TryAddMemberAsync(member, cancellationToken))
        {
            await events.DispatchAsync([Subjects.Channel(workspaceId, channelId), Subjects.User(callerId)], GatewayEvents.ChannelMemberAdd, member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
        return member;
    }

    /// <summary>Leaves a channel. Leaving a channel one is not in is "not found" for a private channel and a no-op for a public one.</summary>
    public async Task LeaveAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        if (!visible.IsMember)
        {
            return;
        }
        var leaving = await channels.GetMemberAsync(workspaceId, channelId, callerId, cancellationToken);
        if (leaving is not null && await channels.TryRemoveMemberAsync(workspaceId, channelId, callerId, cancellationToken))
        {
            // The leaver's own connections hear it first and stop listening to the channel, so they get it once.
            await events.DispatchAsync([Subjects.User(callerId), Subjects.Channel(workspaceId, channelId)], GatewayEvents.ChannelMemberRemove, leaving.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
    }
}
