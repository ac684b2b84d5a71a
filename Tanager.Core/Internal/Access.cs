using NUlid;
using Tanager.Protocol;

namespace Tanager.Internal;

/// <summary>Looks up what a caller may see. Anything the caller may not see is "not found", never "forbidden".</summary>
internal static class Access
{
    public static async ValueTask<WorkspaceMember> WorkspaceMemberAsync(IWorkspaceStore workspaces, Ulid workspaceId, Ulid userId, CancellationToken cancellationToken)
    {
        return await workspaces.GetMemberAsync(workspaceId, userId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
    }

    public static async ValueTask<VisibleChannel> VisibleChannelAsync(IChannelStore channels, Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken)
    {
        var access = await channels.GetAccessAsync(workspaceId, channelId, userId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
        if (access.Channel is not { } channel || !Permissions.CanSeeChannel(access.Role, channel, access.IsMember))
        {
            throw TanagerException.NotFound("Channel");
        }
        return new VisibleChannel(channel, access.Role, access.IsMember);
    }

    /// <summary>Refuses a post the caller may not make in a channel they can see: not a member, archived, or send_messages denied.</summary>
    public static void EnsureCanPost(VisibleChannel visible)
    {
        if (!visible.IsMember)
        {
            throw TanagerException.Forbidden("Join the channel to post in it.");
        }
        EnsureNotArchived(visible.Channel);
        if (!Permissions.CanPost(visible.Role, visible.Channel, visible.IsMember))
        {
            throw TanagerException.Forbidden("Your role may not post in this channel.");
        }
    }

    /// <summary>
    /// Refuses content that notifies the whole channel (<c>&lt;!channel&gt;</c>, <c>&lt;!here&gt;</c>) from someone without
    /// <see cref="Permission.MentionEveryone"/> there. Refused rather than stripped: the author learns why, and the message
    /// is never stored with a meaning other than the one they wrote.
    /// </summary>
    public static void EnsureCanMentionEveryone(VisibleChannel visible, string content)
    {
        if (Mentions.MentionsEveryone(content) && !Permissions.Has(visible.Role, visible.Channel, Permission.MentionEveryone))
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.MentionEveryoneForbidden,
                $"A {visible.Role.ToWire()} may not mention everyone (@channel or @here) in this channel.");
        }
    }

    public static void EnsureNotArchived(Channel channel)
    {
        if (channel.IsArchived)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.ChannelArchived, "The channel is archived: it can be read, but not posted in, joined or added to.");
        }
    }

    /// <summary>Refuses channel management (rename, archive, overrides, delete, add, kick) in a direct or group message.</summary>
    public static void EnsureNotDirectMessage(Channel channel, string message)
    {
        if (channel.IsDirectMessage)
        {
            throw TanagerException.Forbidden(message);
        }
    }

    /// <summary>Refuses an action needing <paramref name="permission"/> in a channel the caller can see.</summary>
    public static void EnsurePermission(VisibleChannel visible, Permission permission, string action)
    {
        if (!Permissions.Has(visible.Role, visible.Channel, permission))
        {
            throw TanagerException.Forbidden($"A {visible.Role.ToWire()} may not {action} in this channel.");
        }
    }

    /// <summary>Refuses a bot token or a gateway ticket with 403 login_session_required: <paramref name="message"/> says what is people's.</summary>
    public static void EnsurePerson(Caller caller, string message)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Kind is CredentialKind.BotToken or CredentialKind.GatewayTicket)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, Protocol.ErrorCodes.LoginSessionRequired, message);
        }
    }
}
