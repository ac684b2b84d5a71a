namespace Tanager;

/// <summary>What each workspace role may do. The single source of these rules; docs/permissions.md mirrors it.</summary>
public static class Permissions
{
    private const Permission Everything = (Permission)((1L << 11) - 1);

    /// <summary>What a workspace role grants everywhere, before channel overrides.</summary>
    public static Permission ForRole(WorkspaceRole role) => role switch
    {
        WorkspaceRole.Owner or WorkspaceRole.Admin => Everything,
        WorkspaceRole.Member => Permission.ViewChannels | Permission.SendMessages | Permission.AddReactions | Permission.MentionEveryone
            | Permission.CreateChannels | Permission.AddChannelMembers,
        _ => Permission.SendMessages | Permission.AddReactions,
    };

    /// <summary>What <paramref name="role"/> may do in <paramref name="channel"/>: the role's set, changed by the channel's override for that role.</summary>
    public static Permission InChannel(WorkspaceRole role, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var granted = ForRole(role);
        if (granted.HasFlag(Permission.Administrator))
        {
            return Everything;
        }
        foreach (var change in channel.Overrides)
        {
            if (change.Role == role)
            {
                granted = (granted | change.Allow) & ~change.Deny & ~Permission.Administrator;
            }
        }
        return granted;
    }

    public static bool Has(WorkspaceRole role, Permission permission) => (ForRole(role) & permission) == permission;

    public static bool Has(WorkspaceRole role, Channel channel, Permission permission) => (InChannel(role, channel) & permission) == permission;

    public static bool CanAddWorkspaceMembers(WorkspaceRole role) => role is WorkspaceRole.Owner or WorkspaceRole.Admin;

    /// <summary>Owners may grant any role but owner; admins may grant member or guest.</summary>
    public static bool CanGrantRole(WorkspaceRole granter, WorkspaceRole granted) => granted switch
    {
        WorkspaceRole.Owner => false,
        WorkspaceRole.Admin => granter == WorkspaceRole.Owner,
        _ => CanAddWorkspaceMembers(granter),
    };

    public static bool CanCreateChannel(WorkspaceRole role, ChannelKind kind) => role != WorkspaceRole.Guest;

    /// <summary>Private channels and, for guests, every channel are visible only to members.</summary>
    public static bool CanSeeChannel(WorkspaceRole role, Channel channel, bool isMember)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return isMember || (channel.Kind == ChannelKind.Public && role != WorkspaceRole.Guest);
    }

    public static bool CanJoinChannel(WorkspaceRole role, Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.Kind == ChannelKind.Public && role != WorkspaceRole.Guest;
    }

    public static bool CanPost(bool isMember) => isMember;
}
