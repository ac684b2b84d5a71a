using NUlid;

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
}
