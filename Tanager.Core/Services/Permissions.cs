using NUlid;

namespace Tanager;

/// <summary>What each workspace role may do. The single source of these rules; docs/permissions.md mirrors it.</summary>
public static class Permissions
{
    private const Permission Everything = (Permission)((1L << 11) - 1);

    /// <summary>
    /// The permissions a channel override may allow or deny: those that mean something inside one channel. Creating
    /// channels and managing the workspace are workspace-wide, and <see cref="Permission.Administrator"/> is never overridden.
    /// </summary>
    public const Permission ChannelScoped = Permission.ViewChannels | Permission.SendMessages | Permission.ManageMessages | Permission.AddReactions
        | Permission.MentionEveryone | Permission.AddChannelMembers | Permission.KickMembers | Permission.ManageChannels;

    private static readonly (Permission Bit, string Name)[] Names =
    [
        (Permission.ViewChannels, "view_channels"),
        (Permission.SendMessages, "send_messages"),
        (Permission.ManageMessages, "manage_messages"),
        (Permission.AddReactions, "add_reactions"),
        (Permission.MentionEveryone, "mention_everyone"),
        (Permission.CreateChannels, "create_channels"),
        (Permission.AddChannelMembers, "add_channel_members"),
        (Permission.KickMembers, "kick_members"),
        (Permission.ManageChannels, "manage_channels"),
        (Permission.ManageWorkspace, "manage_workspace"),
        (Permission.Administrator, "administrator"),
    ];

    /// <summary>
    /// What a workspace role grants everywhere, before channel overrides. Owners and admins are administrators (channel
    /// overrides cannot take anything from them); members do everyday work and bring people into channels; guests talk
    /// only in the channels they were added to.
    /// </summary>
    public static Permission ForRole(WorkspaceRole role) => role switch
    {
        WorkspaceRole.Owner or WorkspaceRole.Admin => Everything,
        WorkspaceRole.Member => Permission.ViewChannels | Permission.SendMessages | Permission.AddReactions | Permission.MentionEveryone
            | Permission.CreateChannels | Permission.AddChannelMembers,
        _ => Permission.SendMessages | Permission.AddReactions,
    };

    /// <summary>What nobody may do in an archived channel, administrators included: it is read-only until unarchived.</summary>
    public const Permission ClosedWhenArchived = Permission.SendMessages | Permission.AddReactions | Permission.MentionEveryone | Permission.AddChannelMembers;

    /// <summary>
    /// What <paramref name="role"/> may do in <paramref name="channel"/>: the role's set, changed by the channel's override
    /// for that role, less <see cref="ClosedWhenArchived"/> while the channel is archived.
    /// </summary>
    public static Permission InChannel(WorkspaceRole role, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var archived = channel.IsArchived ? ClosedWhenArchived : Permission.None;
        var granted = ForRole(role);
        if (granted.HasFlag(Permission.Administrator))
        {
            return Everything & ~archived;
        }
        foreach (var change in channel.Overrides)
        {
            if (change.Role == role)
            {
                granted = (granted | (change.Allow & ChannelScoped)) & ~(change.Deny & ChannelScoped);
            }
        }
        return granted & ~archived;
    }

    /// <summary>Owners and admins: every permission, in every channel.</summary>
    public static bool IsAdministrator(this WorkspaceRole role) => Has(role, Permission.Administrator);

    public static bool Has(WorkspaceRole role, Permission permission) => (ForRole(role) & permission) == permission;

    public static bool Has(WorkspaceRole role, Channel channel, Permission permission) => (InChannel(role, channel) & permission) == permission;

    /// <summary>The snake_case wire name of one permission bit.</summary>
    public static string Name(Permission permission) =>
        Array.Find(Names, n => n.Bit == permission).Name ?? throw new ArgumentOutOfRangeException(nameof(permission), permission, "Not a single permission.");

    /// <summary>The wire names of every bit set in <paramref name="permissions"/>, in bit order.</summary>
    public static IReadOnlyList<string> NamesOf(Permission permissions) => [.. Names.Where(n => (permissions & n.Bit) != 0).Select(n => n.Name)];

    public static bool TryParseName(string? name, out Permission permission)
    {
        permission = Array.Find(Names, n => n.Name == name).Bit;
        return permission != Permission.None;
    }

    public static bool CanAddWorkspaceMembers(WorkspaceRole role) => Has(role, Permission.ManageWorkspace);

    /// <summary>Owners may grant any role but owner; admins may grant member or guest.</summary>
    public static bool CanGrantRole(WorkspaceRole granter, WorkspaceRole granted) => granted switch
    {
        WorkspaceRole.Owner => false,
        WorkspaceRole.Admin => granter == WorkspaceRole.Owner,
        _ => CanAddWorkspaceMembers(granter),
    };

    /// <summary>
    /// Whether someone with role <paramref name="actor"/> may change the role of, remove or kick someone with role
    /// <paramref name="target"/>: only people of a weaker role, so admins cannot remove each other and nobody removes the owner.
    /// </summary>
    public static bool CanActOn(WorkspaceRole actor, WorkspaceRole target) => target != WorkspaceRole.Owner && actor < target;

    /// <summary>
    /// Whether <paramref name="userId"/> created <paramref name="channel"/> and so may rename it, set its topic and
    /// description, and archive or unarchive it without manage_channels, as Slack lets a channel's creator. Deleting the
    /// channel and changing its permission overrides stay with manage_channels: both reach beyond the channel's content
    /// (history lost for everyone; what each role may do). A creator who is a guest now has no such right.
    /// </summary>
    public static bool CanManageOwnChannel(WorkspaceRole role, Channel channel, Ulid userId)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.CreatedBy == userId && !channel.IsDirectMessage && role != WorkspaceRole.Guest;
    }

    public static bool CanCreateChannel(WorkspaceRole role, ChannelKind kind) => Has(role, Permission.CreateChannels);

    /// <summary>
    /// Members of a channel always see it. Others see a public channel when their role may view channels there (guests
    /// never: they see only channels they were added to, whatever the overrides say). Private channels are for members only.
    /// </summary>
    public static bool CanSeeChannel(WorkspaceRole role, Channel channel, bool isMember)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return isMember || (channel.Kind == ChannelKind.Public && role != WorkspaceRole.Guest && Has(role, channel, Permission.ViewChannels));
    }

    /// <summary>The roles among which <paramref name="channel"/> is visible without being a member of it (<see cref="CanSeeChannel"/>): who hears of it on the workspace's subject.</summary>
    internal static RoleSet RolesSeeing(Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var roles = RoleSet.None;
        foreach (var role in (ReadOnlySpan<WorkspaceRole>)[WorkspaceRole.Owner, WorkspaceRole.Admin, WorkspaceRole.Member, WorkspaceRole.Guest])
        {
            if (CanSeeChannel(role, channel, isMember: false))
            {
                roles |= (RoleSet)(1 << (int)role);
            }
        }
        return roles;
    }

    /// <summary>Public channels that are not archived can be joined by whoever may see them; guests are always added by someone.</summary>
    public static bool CanJoinChannel(WorkspaceRole role, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.Kind == ChannelKind.Public && !channel.IsArchived && role != WorkspaceRole.Guest && Has(role, channel, Permission.ViewChannels);
    }

    public static bool CanPost(bool isMember) => isMember;

    /// <summary>Posting needs membership, send_messages in the channel, and a channel that is not archived.</summary>
    public static bool CanPost(WorkspaceRole role, Channel channel, bool isMember)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return isMember && Has(role, channel, Permission.SendMessages);
    }
}
