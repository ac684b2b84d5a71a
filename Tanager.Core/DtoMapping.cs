using Tanager.Protocol;

namespace Tanager;

/// <summary>Domain → wire. Shared by every adapter so REST and the gateway show the same shapes.</summary>
public static class DtoMapping
{
    /// <summary>A person's notification preferences as the API shows them (quiet hours only when set).</summary>
    public static NotificationPreferencesDto ToDto(this NotificationPreferences preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        return new NotificationPreferencesDto
        {
            Email = NotificationService.LevelName(preferences.Email),
            MutedChannels = [.. preferences.MutedChannels.Select(id => id.ToString())],
            QuietHours = preferences.QuietHours is { } quiet
                ? new QuietHoursDto { Start = QuietHours.Text(quiet.Start), End = QuietHours.Text(quiet.End), TimeZone = quiet.TimeZone }
                : null,
        };
    }

    /// <summary>A push subscription as its owner sees it: never its keys.</summary>
    public static WebPushSubscriptionDto ToDto(this WebPushSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new WebPushSubscriptionDto { Id = subscription.Id.ToString(), Endpoint = subscription.Endpoint, CreatedAt = subscription.CreatedAt };
    }

    public static UserDto ToDto(this User user, bool includeEmail = false)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new UserDto
        {
            Id = user.Id.ToString(),
            DisplayName = user.DisplayName,
            Email = includeEmail ? user.Email : null,
            AvatarUrl = user.AvatarUrl,
            StatusText = user.StatusText,
            StatusEmoji = user.StatusEmoji,
            IsBot = user.IsBot,
            BotOwnerId = user.OwnerId?.ToString(),
            IsServerAdmin = includeEmail ? user.IsServerAdmin : null,
            DeactivatedAt = user.DeactivatedAt,
            CreatedAt = user.CreatedAt,
        };
    }

    /// <summary>A bot token without its secret; <paramref name="token"/> only in the answer that created it.</summary>
    public static TokenDto ToDto(this UserSession credential, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new TokenDto { Id = credential.Id.ToString(), Name = credential.Name, Scopes = credential.Scopes, CreatedAt = credential.CreatedAt, LastUsedAt = credential.LastUsedAt, Token = token };
    }

    public static AuditEventDto ToDto(this AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return new AuditEventDto
        {
            Id = auditEvent.Id.ToString(),
            Kind = auditEvent.Kind,
            OccurredAt = auditEvent.OccurredAt,
            ActorId = auditEvent.ActorId?.ToString(),
            UserId = auditEvent.UserId?.ToString(),
            IpAddress = auditEvent.IpAddress,
            UserAgent = auditEvent.UserAgent,
            Detail = auditEvent.Detail,
        };
    }

    /// <summary>An API key without its secret; <paramref name="token"/> only in the answer that created it.</summary>
    public static TokenDto ToDto(this ApiKey key, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new TokenDto { Id = key.Id.ToString(), Name = key.Name, CreatedAt = key.CreatedAt, Token = token };
    }

    public static WorkspaceDto ToDto(this Workspace workspace, WorkspaceMember caller)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(caller);
        return new WorkspaceDto { Id = workspace.Id.ToString(), Name = workspace.Name, OwnerId = workspace.OwnerId.ToString(), Role = caller.Role.ToWire(), CreatedAt = workspace.CreatedAt };
    }

    /// <summary>The workspace as every member sees it, with no caller role: the payload of WORKSPACE_UPDATE.</summary>
    public static WorkspaceDto ToDto(this Workspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return new WorkspaceDto { Id = workspace.Id.ToString(), Name = workspace.Name, OwnerId = workspace.OwnerId.ToString(), CreatedAt = workspace.CreatedAt };
    }

    public static InviteDto ToDto(this WorkspaceInvite invite, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(invite);
        return new InviteDto
        {
            Id = invite.Id.ToString(),
            WorkspaceId = invite.WorkspaceId.ToString(),
            Code = code,
            Role = invite.Role.ToWire(),
            CreatedBy = invite.CreatedBy.ToString(),
            CreatedAt = invite.CreatedAt,
            ExpiresAt = invite.ExpiresAt,
            MaxUses = invite.MaxUses,
            Uses = invite.Uses,
            RevokedAt = invite.RevokedAt,
        };
    }

    /// <summary>A personal invitation as its invitee sees it: the workspace (without a role: they are not in it yet) and who invited.</summary>
    public static InvitationDto ToDto(this WorkspaceInvitation invitation, Workspace workspace, User? invitedBy)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        ArgumentNullException.ThrowIfNull(workspace);
        return new InvitationDto
        {
            Id = invitation.Id.ToString(),
            Workspace = workspace.ToDto(),
            Role = invitation.Role.ToWire(),
            InvitedBy = invitedBy?.ToDto(),
            CreatedAt = invitation.CreatedAt,
            ExpiresAt = invitation.ExpiresAt,
        };
    }

    public static ChannelOverrideDto ToDto(this ChannelOverride change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new ChannelOverrideDto { Role = change.Role.ToWire(), Allow = Permissions.NamesOf(change.Allow), Deny = Permissions.NamesOf(change.Deny) };
    }

    public static WorkspaceMemberDto ToDto(this WorkspaceMember member, User user)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new WorkspaceMemberDto { WorkspaceId = member.WorkspaceId.ToString(), User = user.ToDto(), Role = member.Role.ToWire(), JoinedAt = member.JoinedAt };
    }

    public static ChannelDto ToDto(this Channel channel, bool? isMember)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new ChannelDto
        {
            Id = channel.Id.ToString(),
            WorkspaceId = channel.WorkspaceId.ToString(),
            Name = channel.Name,
            Kind = channel.Kind.ToWire(),
            Topic = channel.Topic,
            Description = channel.Description,
            CreatedBy = channel.CreatedBy?.ToString(),
            ArchivedAt = channel.ArchivedAt,
            Overrides = channel.Overrides.Count == 0 ? null : [.. channel.Overrides.Select(o => o.ToDto())],
            LastSequence = channel.LastSequence,
            IsMember = isMember,
            CreatedAt = channel.CreatedAt,
        };
    }

    /// <summary>A direct or group message with its participants.</summary>
    public static ChannelDto ToDto(this DirectMessage directMessage, bool? isMember)
    {
        ArgumentNullException.ThrowIfNull(directMessage);
        return directMessage.Channel.ToDto(isMember) with { Participants = [.. directMessage.Participants.Select(p => p.ToString())] };
    }

    public static ChannelMemberDto ToDto(this ChannelMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new ChannelMemberDto { WorkspaceId = member.WorkspaceId.ToString(), ChannelId = member.ChannelId.ToString(), UserId = member.UserId.ToString(), JoinedAt = member.JoinedAt };
    }

    public static MessageDto ToDto(this Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MessageDto
        {
            Id = message.Id.ToString(),
            WorkspaceId = message.WorkspaceId.ToString(),
            ChannelId = message.ChannelId.ToString(),
            AuthorId = message.AuthorId.ToString(),
            Content = message.Content,
            Sequence = message.Sequence,
            ChangeSequence = message.ChangeSequence,
            ThreadId = message.ThreadId?.ToString(),
            CreatedAt = message.CreatedAt,
            EditedAt = message.EditedAt,
            DeletedAt = message.DeletedAt,
            Nonce = message.Nonce,
            Reactions = message.Reactions.Count == 0 ? null : [.. message.Reactions.Select(r => r.ToDto())],
            PinnedAt = message.PinnedAt,
            PinnedBy = message.PinnedBy?.ToString(),
            ReplyCount = message.ReplyCount == 0 ? null : message.ReplyCount,
            LastReplyAt = message.LastReplyAt,
            Attachments = message.Attachments.Count == 0 ? null : [.. message.Attachments.Select(a => a.ToDto())],
        };
    }

    public static AttachmentDto ToDto(this Attachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        return new AttachmentDto
        {
            Id = attachment.Id.ToString(),
            WorkspaceId = attachment.WorkspaceId.ToString(),
            ChannelId = attachment.ChannelId.ToString(),
            UploaderId = attachment.UploaderId.ToString(),
            FileName = attachment.FileName,
            ContentType = attachment.ContentType,
            Size = attachment.Size,
            CreatedAt = attachment.CreatedAt,
            MessageId = attachment.MessageId?.ToString(),
            Width = attachment.Image?.Width,
            Height = attachment.Image?.Height,
            Thumbnail = attachment is { ThumbnailState: ThumbnailState.Ready, ThumbnailSize: { } thumbnail } ? new ThumbnailDto { Width = thumbnail.Width, Height = thumbnail.Height } : null,
        };
    }

    public static ReactionDto ToDto(this MessageReaction reaction)
    {
        ArgumentNullException.ThrowIfNull(reaction);
        return new ReactionDto { Emoji = reaction.Emoji, Count = reaction.Count, Users = [.. reaction.Users.Select(u => u.ToString())], Me = reaction.Me };
    }

    public static ThreadDto ToDto(this FollowedThread thread)
    {
        ArgumentNullException.ThrowIfNull(thread);
        return new ThreadDto { Parent = thread.Parent.ToDto(), FollowedAt = thread.FollowedAt };
    }

    public static MessagePage ToDto(this MessageSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return new MessagePage { Messages = [.. slice.Messages.Select(m => m.ToDto())], HasMore = slice.HasMore, LastSequence = slice.LastSequence };
    }

    public static string ToWire(this ChannelKind kind) => kind switch
    {
        ChannelKind.Public => "public",
        ChannelKind.Private => "private",
        ChannelKind.Direct => "direct",
        _ => "group",
    };

    /// <summary>Reads a role as written by <see cref="ToWire(WorkspaceRole)"/>.</summary>
    public static bool TryParseRole(string? value, out WorkspaceRole role)
    {
        role = value switch
        {
            "owner" => WorkspaceRole.Owner,
            "admin" => WorkspaceRole.Admin,
            "member" => WorkspaceRole.Member,
            "guest" => WorkspaceRole.Guest,
            _ => (WorkspaceRole)(-1),
        };
        return Enum.IsDefined(role);
    }

    /// <summary>Reads a channel kind as written by <see cref="ToWire(ChannelKind)"/>.</summary>
    public static bool TryParseChannelKind(string? value, out ChannelKind kind)
    {
        kind = value switch
        {
            "private" => ChannelKind.Private,
            "direct" => ChannelKind.Direct,
            "group" => ChannelKind.Group,
            _ => ChannelKind.Public,
        };
        return value is "public" or "private" or "direct" or "group";
    }

    /// <summary>Reads a stored role; a value no version of Tanager writes is corrupt data.</summary>
    public static WorkspaceRole ParseRole(string value) =>
        TryParseRole(value, out var role) ? role : throw new FormatException($"'{value}' is not a workspace role.");

    /// <summary>Reads a stored channel kind; a value no version of Tanager writes is corrupt data.</summary>
    public static ChannelKind ParseChannelKind(string value) =>
        TryParseChannelKind(value, out var kind) ? kind : throw new FormatException($"'{value}' is not a channel kind.");

    public static string ToWire(this WorkspaceRole role) => role switch
    {
        WorkspaceRole.Owner => "owner",
        WorkspaceRole.Admin => "admin",
        WorkspaceRole.Member => "member",
        _ => "guest",
    };
}
