using NUlid;

namespace Tanager;

/// <summary>Channel management, workspace membership changes, invites and profiles.</summary>
public sealed partial class InMemoryStore
{
    private readonly Dictionary<(Ulid Workspace, Ulid Invite), WorkspaceInvite> _invites = [];
    private readonly Dictionary<(Ulid Workspace, string EmailKey), WorkspaceInvitation> _invitations = [];

    public ValueTask<ChannelUpdateResult> TryUpdateChannelAsync(Channel channel, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            if (!_channels.TryGetValue((channel.WorkspaceId, channel.Id), out var state) || state.Channel.UpdatedAt != expectedUpdatedAt)
            {
                return ValueTask.FromResult(ChannelUpdateResult.Stale);
            }
            if (_channels.Values.Any(c => c.Channel.WorkspaceId == channel.WorkspaceId && c.Channel.Id != channel.Id && c.Channel.Name == channel.Name))
            {
                return ValueTask.FromResult(ChannelUpdateResult.NameTaken);
            }
            // The sequence is the store's own: a send may have moved it since the caller read the channel.
            state.Channel = state.Channel with
            {
                Name = channel.Name,
                Topic = channel.Topic,
                Description = channel.Description,
                ArchivedAt = channel.ArchivedAt,
                Overrides = channel.Overrides.Count == 0 ? [] : [.. channel.Overrides],
                UpdatedAt = channel.UpdatedAt,
            };
            return ValueTask.FromResult(ChannelUpdateResult.Updated);
        }
    }

    public ValueTask<bool> TryCreateDirectMessageAsync(Channel channel, IReadOnlyList<ChannelMember> participants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(participants);
        lock (_lock)
        {
            if (_channels.Values.Any(c => c.Channel.WorkspaceId == channel.WorkspaceId
                && (c.Channel.Name == channel.Name || (channel.DirectMessageKey is not null && c.Channel.DirectMessageKey == channel.DirectMessageKey))))
            {
                return ValueTask.FromResult(false);
            }
            var state = new ChannelState(channel);
            foreach (var participant in participants)
            {
                state.Members[participant.UserId] = participant;
            }
            _channels.Add((channel.WorkspaceId, channel.Id), state);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<Channel?> FindDirectMessageAsync(Ulid workspaceId, string directMessageKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_channels.Values
                .Select(c => c.Channel)
                .FirstOrDefault(c => c.WorkspaceId == workspaceId && c.DirectMessageKey == directMessageKey));
        }
    }

    public ValueTask<IReadOnlyList<DirectMessage>> ListDirectMessagesAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<DirectMessage> list = [.. _channels.Values
                .Where(c => c.Channel.WorkspaceId == workspaceId && c.Channel.IsDirectMessage && c.Members.ContainsKey(userId))
                .OrderByDescending(c => c.Channel.Id)
                .Select(c => new DirectMessage(c.Channel, [.. c.Members.Keys.Order()]))];
            return ValueTask.FromResult(list);
        }
    }

    public ValueTask<IReadOnlyList<Ulid>?> DeleteChannelAsync(Ulid workspaceId, Ulid channelId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_channels.Remove((workspaceId, channelId), out var state))
            {
                return ValueTask.FromResult<IReadOnlyList<Ulid>?>(null);
            }
            return ValueTask.FromResult<IReadOnlyList<Ulid>?>([.. state.Members.Keys.Order()]);
        }
    }

    public ValueTask<IReadOnlyList<ChannelMember>> ListChannelMembersAsync(Ulid workspaceId, Ulid channelId, Ulid? afterUserId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_channels.TryGetValue((workspaceId, channelId), out var state))
            {
                return ValueTask.FromResult<IReadOnlyList<ChannelMember>>([]);
            }
            IReadOnlyList<ChannelMember> page = [.. state.Members.Values
                .Where(m => afterUserId is not { } after || m.UserId.CompareTo(after) > 0)
                .OrderBy(m => m.UserId)
                .Take(limit)];
            return ValueTask.FromResult(page);
        }
    }

    public ValueTask<bool> RenameAsync(Ulid workspaceId, string name, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_workspaces.TryGetValue(workspaceId, out var workspace))
            {
                return ValueTask.FromResult(false);
            }
            _workspaces[workspaceId] = workspace with { Name = name, UpdatedAt = updatedAt };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<WorkspaceMember?> ChangeRoleAsync(Ulid workspaceId, Ulid userId, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_workspaceMembers.TryGetValue((workspaceId, userId), out var member) || member.Role == WorkspaceRole.Owner)
            {
                return ValueTask.FromResult<WorkspaceMember?>(null);
            }
            var changed = member with { Role = role };
            _workspaceMembers[(workspaceId, userId)] = changed;
            return ValueTask.FromResult<WorkspaceMember?>(changed);
        }
    }

    public ValueTask<IReadOnlyList<ChannelMember>?> RemoveMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_workspaceMembers.TryGetValue((workspaceId, userId), out var member) || member.Role == WorkspaceRole.Owner)
            {
                return ValueTask.FromResult<IReadOnlyList<ChannelMember>?>(null);
            }
            _workspaceMembers.Remove((workspaceId, userId));
            var ended = new List<ChannelMember>();
            foreach (var state in _channels.Values.Where(c => c.Channel.WorkspaceId == workspaceId))
            {
                if (state.Members.Remove(userId, out var membership))
                {
                    ended.Add(membership);
                }
            }
            return ValueTask.FromResult<IReadOnlyList<ChannelMember>?>([.. ended.OrderBy(m => m.ChannelId)]);
        }
    }

    public ValueTask<bool> TransferOwnershipAsync(Ulid workspaceId, Ulid currentOwnerId, Ulid newOwnerId, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_workspaces.TryGetValue(workspaceId, out var workspace) || workspace.OwnerId != currentOwnerId
                || !_workspaceMembers.TryGetValue((workspaceId, currentOwnerId), out var current) || current.Role != WorkspaceRole.Owner
                || !_workspaceMembers.TryGetValue((workspaceId, newOwnerId), out var next) || next.Role == WorkspaceRole.Owner)
            {
                return ValueTask.FromResult(false);
            }
            _workspaces[workspaceId] = workspace with { OwnerId = newOwnerId, UpdatedAt = updatedAt };
            _workspaceMembers[(workspaceId, currentOwnerId)] = current with { Role = WorkspaceRole.Admin };
            _workspaceMembers[(workspaceId, newOwnerId)] = next with { Role = WorkspaceRole.Owner };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask CreateInviteAsync(WorkspaceInvite invite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        lock (_lock)
        {
            _invites.Add((invite.WorkspaceId, invite.Id), invite);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<WorkspaceInvite>> ListInvitesAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<WorkspaceInvite> invites = [.. _invites.Values.Where(i => i.WorkspaceId == workspaceId).OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)];
            return ValueTask.FromResult(invites);
        }
    }

    public ValueTask<bool> RevokeInviteAsync(Ulid workspaceId, Ulid inviteId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_invites.TryGetValue((workspaceId, inviteId), out var invite) || invite.RevokedAt is not null)
            {
                return ValueTask.FromResult(false);
            }
            _invites[(workspaceId, inviteId)] = invite with { RevokedAt = revokedAt };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<InviteRedemption> RedeemInviteAsync(Ulid workspaceId, byte[] codeHash, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        lock (_lock)
        {
            var invite = _invites.Values.FirstOrDefault(i => i.WorkspaceId == workspaceId && i.CodeHash.AsSpan().SequenceEqual(codeHash));
            if (invite is null)
            {
                return ValueTask.FromResult(new InviteRedemption(InviteRedemptionStatus.NotFound, null, null));
            }
            // A member following an old link is simply let in, whatever state the link is in.
            if (_workspaceMembers.TryGetValue((workspaceId, userId), out var existing))
            {
                return ValueTask.FromResult(new InviteRedemption(InviteRedemptionStatus.AlreadyMember, invite, existing));
            }
            var status = invite.StatusAt(now);
            if (status != InviteRedemptionStatus.Joined)
            {
                return ValueTask.FromResult(new InviteRedemption(status, invite, null));
            }
            var used = invite with { Uses = invite.Uses + 1 };
            _invites[(workspaceId, invite.Id)] = used;
            var member = new WorkspaceMember(workspaceId, userId, invite.Role, now);
            _workspaceMembers.Add((workspaceId, userId), member);
            return ValueTask.FromResult(new InviteRedemption(InviteRedemptionStatus.Joined, used, member));
        }
    }

    public ValueTask<WorkspaceInvitation> SaveInvitationAsync(WorkspaceInvitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        lock (_lock)
        {
            var key = (invitation.WorkspaceId, invitation.EmailKey);
            var stored = _invitations.TryGetValue(key, out var existing)
                ? existing with { Role = invitation.Role, InvitedBy = invitation.InvitedBy, ExpiresAt = invitation.ExpiresAt, UserId = invitation.UserId ?? existing.UserId }
                : invitation;
            _invitations[key] = stored;
            return ValueTask.FromResult(stored);
        }
    }

    public ValueTask<IReadOnlyList<WorkspaceInvitation>> ListInvitationsForAsync(string emailKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<WorkspaceInvitation> found = [.. _invitations.Values.Where(i => i.EmailKey == emailKey && i.ExpiresAt > now).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)];
            return ValueTask.FromResult(found);
        }
    }

    public ValueTask<InvitationAcceptance?> AcceptInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_invitations.TryGetValue((workspaceId, emailKey), out var invitation) || invitation.Id != invitationId || invitation.ExpiresAt <= now)
            {
                return ValueTask.FromResult<InvitationAcceptance?>(null);
            }
            _invitations.Remove((workspaceId, emailKey));
            if (_workspaceMembers.TryGetValue((workspaceId, userId), out var existing))
            {
                return ValueTask.FromResult<InvitationAcceptance?>(new InvitationAcceptance(existing, Joined: false));
            }
            var member = new WorkspaceMember(workspaceId, userId, invitation.Role, now);
            _workspaceMembers.Add((workspaceId, userId), member);
            return ValueTask.FromResult<InvitationAcceptance?>(new InvitationAcceptance(member, Joined: true));
        }
    }

    public ValueTask<bool> DeleteInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_invitations.TryGetValue((workspaceId, emailKey), out var invitation) && invitation.Id == invitationId
                && _invitations.Remove((workspaceId, emailKey)));
        }
    }

    public ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            if (!_users.TryGetValue(user.Id, out var stored))
            {
                return ValueTask.FromResult(false);
            }
            _users[user.Id] = stored with
            {
                DisplayName = user.DisplayName,
                AvatarUrl = user.AvatarUrl,
                StatusText = user.StatusText,
                StatusEmoji = user.StatusEmoji,
                UpdatedAt = user.UpdatedAt,
            };
            return ValueTask.FromResult(true);
        }
    }
}
