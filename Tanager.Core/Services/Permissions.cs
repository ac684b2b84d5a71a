namespace Tanager;

/// <summary>What each workspace role may do. The single source of these rules; docs/permissions.md mirrors it.</summary>
public static class Permissions
{
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
