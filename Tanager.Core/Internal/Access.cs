using NUlid;

namespace Tanager.Internal;

/// <summary>Looks up what a caller may see. Anything the caller may not see is "not found", never "forbidden".</summary>
internal static class Access
{
    public static async ValueTask<WorkspaceMember> WorkspaceMemberAsync(IWorkspaceStore workspaces, Ulid workspaceId, Ulid userId, CancellationToken cancellationToken)
    {
        return await workspaces.GetMemberAsync(workspaceId, userId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
    }

    public static async ValueTask<VisibleChannel> VisibleChannelAsync(IWorkspaceStore workspaces, IChannelStore channels, Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken)
    {
        var member = await WorkspaceMemberAsync(workspaces, workspaceId, userId, cancellationToken);
        var channel = await channels.GetAsync(workspaceId, channelId, cancellationToken) ?? throw TanagerException.NotFound("Channel");
        var isMember = await channels.GetMemberAsync(workspaceId, channelId, userId, cancellationToken) is not null;
        if (!Permissions.CanSeeChannel(member.Role, channel, isMember))
        {
            throw TanagerException.NotFound("Channel");
        }
        return new VisibleChannel(channel, member.Role, isMember);
    }
}
