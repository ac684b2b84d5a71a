using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Channels, their settings and their membership.</summary>
public sealed class ChannelService(IWorkspaceStore workspaces, IChannelStore channels, IReadStateStore readStates, EventDispatcher events, TimeProvider time)
{
    public const int DefaultMemberPageSize = 100;
    public const int MaxMemberPageSize = 1000;
    /// <summary>Optimistic updates retry this often when another change lands in between; more means a storm, reported as a conflict.</summary>
    private const int MaxUpdateAttempts = 5;

    public async Task<Channel> CreateAsync(Ulid callerId, Ulid workspaceId, string? name, string? kind, string? topic, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var validName = Validate.ChannelName(name);
        var validTopic = Validate.OptionalText(topic, "topic", Validate.MaxTopicLength);
        var validKind = kind is null ? ChannelKind.Public
            : DtoMapping.TryParseChannelKind(kind, out var parsed) && parsed is ChannelKind.Public or ChannelKind.Private ? parsed
            : throw TanagerException.Invalid("kind must be public or private.");
        if (!Permissions.CanCreateChannel(member.Role, validKind))
        {
            throw TanagerException.Forbidden("Guests may not create channels.");
        }
        var now = time.UtcNow();
        var channel = new Channel(workspaceId, Ulid.NewUlid(now), validName, validKind, validTopic, LastSequence: 0, now, now) { CreatedBy = callerId };
        var creator = new ChannelMember(workspaceId, channel.Id, callerId, now);
        if (!await channels.TryCreateAsync(channel, creator, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, $"A channel named '{validName}' exists in this workspace.");
        }
        // A public channel is news to whoever may see it; a private one only to its creator, its one member.
        var created = validKind == ChannelKind.Public
            ? EventHeader.ForChannelViewers(GatewayEvents.ChannelCreate, channel)
            : EventHeader.ForUser(GatewayEvents.ChannelCreate, callerId, workspaceId: workspaceId, channelId: channel.Id);
        await events.PublishAsync(created, channel.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto, cancellationToken);
        await events.PublishAsync(EventHeader.ForUser(GatewayEvents.ChannelMemberAdd, callerId, SessionControl.ChannelJoined, workspaceId, channel.Id), creator.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        return channel;
    }

    /// <summary>The channels the caller can see, with whether the caller is a member of each; direct messages are listed by <see cref="DirectMessageService"/>.</summary>
    /// <summary>The channels the caller may see, whether they are in each, and their read state of those they are in.</summary>
    public async Task<IReadOnlyList<(Channel Channel, bool IsMember, ChannelReadState? ReadState)>> ListAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsRead);
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var all = await channels.ListAsync(workspaceId, cancellationToken);
        var memberships = await channels.ListMembershipsAsync(workspaceId, callerId, cancellationToken);
        var visible = all
            .Select(c => (Channel: c, IsMember: memberships.Contains(c.Id)))
            .Where(p => !p.Channel.IsDirectMessage && Permissions.CanSeeChannel(member.Role, p.Channel, p.IsMember))
            .ToList();
        var joined = visible.Where(p => p.IsMember).Select(p => p.Channel.Id).ToList();
        var states = joined.Count == 0 ? [] : (await readStates.GetReadStatesAsync(workspaceId, callerId, joined, cancellationToken)).ToDictionary(s => s.ChannelId);
        return [.. visible.Select(p => (p.Channel, p.IsMember, states.GetValueOrDefault(p.Channel.Id)))];
    }

    /// <summary>A channel the caller can see; for a direct or group message, with its participants (clients name it after them).</summary>
    public async Task<(Channel Channel, bool IsMember, IReadOnlyList<Ulid>? Participants)> GetAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsRead);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        if (!visible.Channel.IsDirectMessage)
        {
            return (visible.Channel, visible.IsMember, null);
        }
        var members = await channels.ListChannelMembersAsync(workspaceId, channelId, afterUserId: null, DirectMessageService.MaxOthers + 1, cancellationToken);
        return (visible.Channel, visible.IsMember, [.. members.Select(m => m.UserId).Order()]);
    }

    /// <summary>Joins a public channel. Joining a channel one is in already succeeds and changes nothing.</summary>
    public async Task<ChannelMember> JoinAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        if (visible.IsMember)
        {
            return (await channels.GetMemberAsync(workspaceId, channelId, callerId, cancellationToken))!;
        }
        Access.EnsureNotArchived(visible.Channel);
        if (!Permissions.CanJoinChannel(visible.Role, visible.Channel))
        {
            throw TanagerException.Forbidden("This channel is joined by invitation only.");
        }
        var member = new ChannelMember(workspaceId, channelId, callerId, time.UtcNow());
        if (await channels.TryAddMemberAsync(member, cancellationToken))
        {
            await events.PublishAsync(Membership.Joined(member), member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
        return member;
    }

    /// <summary>Leaves a channel. Leaving a channel one is not in is "not found" for a private channel and a no-op for a public one.</summary>
    public async Task LeaveAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        if (!visible.IsMember)
        {
            return;
        }
        if (visible.Channel.Kind == ChannelKind.Direct)
        {
            throw TanagerException.Forbidden("A direct message between two people cannot be left.");
        }
        await RemoveMemberAsync(workspaceId, channelId, callerId, cancellationToken);
    }

    /// <summary>
    /// Adds a workspace member to a channel: how private channels get members and how guests get into any channel. The
    /// caller must be in the channel and hold add_channel_members there. Adding someone who is in already changes nothing.
    /// </summary>
    public async Task<ChannelMember> AddMemberAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? userId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        Access.EnsureNotDirectMessage(visible.Channel, "Nobody is added to a direct message after it opens; open a new group instead.");
        Access.EnsureNotArchived(visible.Channel);
        Access.EnsurePermission(visible, Permission.AddChannelMembers, "add people");
        if (!visible.IsMember && !visible.Role.IsAdministrator())
        {
            throw TanagerException.Forbidden("Join the channel to add people to it.");
        }
        if (userId is null)
        {
            throw TanagerException.Invalid("user_id is required.");
        }
        var target = Ids.Parse(userId, "User");
        if (await workspaces.GetMemberAsync(workspaceId, target, cancellationToken) is null)
        {
            throw TanagerException.NotFound("User");
        }
        var member = new ChannelMember(workspaceId, channelId, target, time.UtcNow());
        if (!await channels.TryAddMemberAsync(member, cancellationToken))
        {
            return await channels.GetMemberAsync(workspaceId, channelId, target, cancellationToken) ?? throw TanagerException.NotFound("Channel");
        }
        await events.PublishAsync(Membership.Joined(member), member.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        return member;
    }

    /// <summary>Removes someone of a weaker role from a channel (kick_members). Their connections stop following it.</summary>
    public async Task KickAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        Access.EnsureNotDirectMessage(visible.Channel, "Nobody is removed from a direct message; participants of a group may leave it.");
        Access.EnsurePermission(visible, Permission.KickMembers, "remove people");
        if (userId == callerId)
        {
            throw TanagerException.Invalid("To leave a channel, use leave.");
        }
        var target = await workspaces.GetMemberAsync(workspaceId, userId, cancellationToken);
        if (target is null || await channels.GetMemberAsync(workspaceId, channelId, userId, cancellationToken) is null)
        {
            throw TanagerException.NotFound("Channel member");
        }
        if (!Permissions.CanActOn(visible.Role, target.Role))
        {
            throw TanagerException.Forbidden($"A {visible.Role.ToWire()} may not remove a {target.Role.ToWire()}.");
        }
        await RemoveMemberAsync(workspaceId, channelId, userId, cancellationToken);
    }

    /// <summary>A page of the channel's members, by user id; <paramref name="after"/> is the last user id of the previous page.</summary>
    public async Task<IReadOnlyList<ChannelMember>> ListMembersAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? after, int? limit, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsRead);
        var validLimit = Validate.Limit(limit, DefaultMemberPageSize, MaxMemberPageSize);
        Ulid? validAfter = null;
        if (!string.IsNullOrEmpty(after))
        {
            validAfter = after.Length == 26 && Ulid.TryParse(after, out var parsed) ? parsed : throw TanagerException.Invalid("after must be a user id.");
        }
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        return await channels.ListChannelMembersAsync(workspaceId, channelId, validAfter, validLimit, cancellationToken);
    }

    /// <summary>Renames the channel and sets its topic and description (manage_channels, or its creator). Null leaves a field as it is; an empty topic or description removes it.</summary>
    public Task<Channel> UpdateAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? name, string? topic, string? description, CancellationToken cancellationToken = default)
    {
        var validName = name is null ? null : Validate.ChannelName(name);
        var validTopic = Validate.ClearableText(topic, "topic", Validate.MaxTopicLength);
        var validDescription = Validate.ClearableText(description, "description", Validate.MaxDescriptionLength);
        return ModifyAsync(callerId, workspaceId, channelId, "change the channel", creatorMay: true, c => c with
        {
            Name = validName ?? c.Name,
            Topic = validTopic is null ? c.Topic : validTopic.Length == 0 ? null : validTopic,
            Description = validDescription is null ? c.Description : validDescription.Length == 0 ? null : validDescription,
        }, cancellationToken);
    }

    /// <summary>Archives (or brings back) a channel (manage_channels, or its creator). Archiving an archived channel keeps its first archive time.</summary>
    public Task<Channel> SetArchivedAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, bool archived, CancellationToken cancellationToken = default) =>
        ModifyAsync(callerId, workspaceId, channelId, archived ? "archive the channel" : "unarchive the channel", creatorMay: true,
            c => c with { ArchivedAt = archived ? c.ArchivedAt ?? time.UtcNow() : null }, cancellationToken);

    /// <summary>Sets what <paramref name="role"/> gains and loses in the channel (manage_channels); replaces any earlier override for the role.</summary>
    public Task<Channel> SetOverrideAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? role, IReadOnlyList<string>? allow, IReadOnlyList<string>? deny, CancellationToken cancellationToken = default)
    {
        var validRole = OverrideRole(role);
        var allowed = ParsePermissions(allow, "allow");
        var denied = ParsePermissions(deny, "deny");
        if ((allowed & denied) != 0)
        {
            throw TanagerException.Invalid("A permission cannot be both allowed and denied.");
        }
        return ModifyAsync(callerId, workspaceId, channelId, "change the channel's permissions", creatorMay: false, c => c with
        {
            Overrides = [.. c.Overrides.Where(o => o.Role != validRole), new ChannelOverride(validRole, allowed, denied)],
        }, cancellationToken);
    }

    public Task<Channel> RemoveOverrideAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? role, CancellationToken cancellationToken = default)
    {
        var validRole = OverrideRole(role);
        return ModifyAsync(callerId, workspaceId, channelId, "change the channel's permissions", creatorMay: false,
            c => c with { Overrides = [.. c.Overrides.Where(o => o.Role != validRole)] }, cancellationToken);
    }

    /// <summary>Deletes a channel (manage_channels). Its members' connections stop following it; its messages are out of reach.</summary>
    public async Task DeleteAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ChannelsManage);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        Access.EnsureNotDirectMessage(visible.Channel, "A direct message cannot be deleted.");
        Access.EnsurePermission(visible, Permission.ManageChannels, "delete the channel");
        _ = await channels.DeleteChannelAsync(workspaceId, channelId, time.UtcNow(), cancellationToken) ?? throw TanagerException.NotFound("Channel");
        // Its members hear it on the channel's subject, and their connections stop following it; for a public channel,
        // those who could see it without being members hear it on the workspace's.
        var headers = new List<EventHeader> { new() { Name = GatewayEvents.ChannelDelete, Scope = EventScope.Channel, WorkspaceId = workspaceId, ChannelId = channelId, Control = SessionControl.ChannelLeft } };
        if (visible.Channel.Kind == ChannelKind.Public)
        {
            headers.Add(EventHeader.ForChannelViewers(GatewayEvents.ChannelDelete, visible.Channel));
        }
        await events.PublishAsync(headers, Deleted(visible.Channel), TanagerJsonContext.Default.ChannelDeleteDto, cancellationToken);
    }

    /// <summary>
    /// Reads, changes and writes the channel, again when another change landed in between, then announces CHANNEL_UPDATE.
    /// <paramref name="creatorMay"/>: the channel's creator may do this without manage_channels.
    /// </summary>
    private async Task<Channel> ModifyAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string action, bool creatorMay, Func<Channel, Channel> change, CancellationToken cancellationToken)
    {
        Scope.Demand(Scope.ChannelsManage);
        for (var attempt = 1; ; attempt++)
        {
            var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
            Access.EnsureNotDirectMessage(visible.Channel, "A direct message has no name, topic, archive or permission settings to change.");
            if (!creatorMay || !Permissions.CanManageOwnChannel(visible.Role, visible.Channel, callerId))
            {
                Access.EnsurePermission(visible, Permission.ManageChannels, action);
            }
            var current = visible.Channel;
            var now = time.UtcNow();
            // updated_at is the version the next writer checks: it must move even when two changes share a microsecond.
            var changed = change(current) with { UpdatedAt = now > current.UpdatedAt ? now : current.UpdatedAt.AddTicks(10) };
            switch (await channels.TryUpdateChannelAsync(changed, current.UpdatedAt, cancellationToken))
            {
                case ChannelUpdateResult.Updated:
                    var stored = await channels.GetAsync(workspaceId, channelId, cancellationToken) ?? changed;
                    await AnnounceUpdateAsync(current, stored, cancellationToken);
                    return stored;
                case ChannelUpdateResult.NameTaken:
                    throw TanagerException.Conflict(ErrorCodes.Conflict, $"A channel named '{changed.Name}' exists in this workspace.");
                case ChannelUpdateResult.Stale when attempt >= MaxUpdateAttempts:
                    throw TanagerException.Conflict(ErrorCodes.Conflict, "The channel is being changed by others; try again.");
            }
        }
    }

    /// <summary>
    /// CHANNEL_UPDATE to the channel's members and to the roles that saw it before and still do. A change of overrides
    /// can hide the channel from a role or show it: those roles get CHANNEL_DELETE or CHANNEL_CREATE instead, so that
    /// nobody hears of a channel they may not see (REST answers 404 to them).
    /// </summary>
    private async Task AnnounceUpdateAsync(Channel before, Channel after, CancellationToken cancellationToken)
    {
        var sawBefore = Permissions.RolesSeeing(before);
        var seeNow = Permissions.RolesSeeing(after);
        var headers = new List<EventHeader> { EventHeader.ForChannel(GatewayEvents.ChannelUpdate, after.WorkspaceId, after.Id) };
        if ((sawBefore & seeNow) != RoleSet.None)
        {
            headers.Add(EventHeader.ForChannelViewers(GatewayEvents.ChannelUpdate, after, sawBefore & seeNow));
        }
        await events.PublishAsync(headers, after.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto, cancellationToken);
        if ((seeNow & ~sawBefore) != RoleSet.None)
        {
            await events.PublishAsync(EventHeader.ForChannelViewers(GatewayEvents.ChannelCreate, after, seeNow & ~sawBefore), after.ToDto(isMember: null), TanagerJsonContext.Default.ChannelDto, cancellationToken);
        }
        if ((sawBefore & ~seeNow) != RoleSet.None)
        {
            await events.PublishAsync(EventHeader.ForChannelViewers(GatewayEvents.ChannelDelete, after, sawBefore & ~seeNow), Deleted(after), TanagerJsonContext.Default.ChannelDeleteDto, cancellationToken);
        }
    }

    private static ChannelDeleteDto Deleted(Channel channel) => new() { WorkspaceId = channel.WorkspaceId.ToString(), ChannelId = channel.Id.ToString() };

    private async Task RemoveMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken)
    {
        var leaving = await channels.GetMemberAsync(workspaceId, channelId, userId, cancellationToken);
        if (leaving is not null && await channels.TryRemoveMemberAsync(workspaceId, channelId, userId, cancellationToken))
        {
            // The leaver's own connections hear it first and stop listening to the channel, so they get it once.
            await events.PublishAsync(Membership.Left(leaving), leaving.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
    }

    /// <summary>Overrides apply to members and guests: owners and admins are administrators, whom no channel restricts.</summary>
    private static WorkspaceRole OverrideRole(string? role) =>
        DtoMapping.TryParseRole(role, out var parsed) && parsed is WorkspaceRole.Member or WorkspaceRole.Guest
            ? parsed
            : throw TanagerException.Invalid("Overrides are set for the member or guest role (owners and admins have every permission).");

    private static Permission ParsePermissions(IReadOnlyList<string>? names, string field)
    {
        var result = Permission.None;
        foreach (var name in names ?? [])
        {
            if (!Permissions.TryParseName(name, out var bit) || (bit & Permissions.ChannelScoped) == 0)
            {
                throw TanagerException.Invalid($"{field} lists '{name}', which is not a channel permission. Channel permissions: {string.Join(", ", Permissions.NamesOf(Permissions.ChannelScoped))}.");
            }
            result |= bit;
        }
        return result;
    }
}
