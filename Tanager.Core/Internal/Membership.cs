using Tanager.Protocol;

namespace Tanager.Internal;

/// <summary>
/// The headers of a membership change: the old audience hears it on the workspace's or channel's subject without the user
/// concerned, whose connections hear it on their own subject with the control that makes them follow (or stop following)
/// the workspace or channel. Each connection gets the event once.
/// </summary>
internal static class Membership
{
    public static EventHeader[] Joined(WorkspaceMember member) =>
    [
        EventHeader.ForWorkspace(GatewayEvents.WorkspaceMemberAdd, member.WorkspaceId, exceptUserId: member.UserId),
        EventHeader.ForUser(GatewayEvents.WorkspaceMemberAdd, member.UserId, SessionControl.WorkspaceJoined, member.WorkspaceId, role: member.Role),
    ];

    public static EventHeader[] RoleChanged(WorkspaceMember member) =>
    [
        EventHeader.ForUser(GatewayEvents.WorkspaceMemberUpdate, member.UserId, SessionControl.WorkspaceRoleChanged, member.WorkspaceId, role: member.Role),
        EventHeader.ForWorkspace(GatewayEvents.WorkspaceMemberUpdate, member.WorkspaceId, exceptUserId: member.UserId),
    ];

    public static EventHeader[] Left(WorkspaceMember member) =>
    [
        EventHeader.ForUser(GatewayEvents.WorkspaceMemberRemove, member.UserId, SessionControl.WorkspaceLeft, member.WorkspaceId),
        EventHeader.ForWorkspace(GatewayEvents.WorkspaceMemberRemove, member.WorkspaceId, exceptUserId: member.UserId),
    ];

    public static EventHeader[] Joined(ChannelMember member) =>
    [
        EventHeader.ForChannel(GatewayEvents.ChannelMemberAdd, member.WorkspaceId, member.ChannelId, exceptUserId: member.UserId),
        EventHeader.ForUser(GatewayEvents.ChannelMemberAdd, member.UserId, SessionControl.ChannelJoined, member.WorkspaceId, member.ChannelId),
    ];

    public static EventHeader[] Left(ChannelMember member) =>
    [
        EventHeader.ForUser(GatewayEvents.ChannelMemberRemove, member.UserId, SessionControl.ChannelLeft, member.WorkspaceId, member.ChannelId),
        EventHeader.ForChannel(GatewayEvents.ChannelMemberRemove, member.WorkspaceId, member.ChannelId, exceptUserId: member.UserId),
    ];
}
