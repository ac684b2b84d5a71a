namespace Tanager.Protocol;

/// <summary>Values of the <c>t</c> field of DISPATCH frames.</summary>
public static class GatewayEvents
{
    public const string Ready = "READY";
    public const string MessageCreate = "MESSAGE_CREATE";
    public const string MessageUpdate = "MESSAGE_UPDATE";
    public const string MessageDelete = "MESSAGE_DELETE";
    public const string ChannelCreate = "CHANNEL_CREATE";
    public const string ChannelMemberAdd = "CHANNEL_MEMBER_ADD";
    public const string ChannelMemberRemove = "CHANNEL_MEMBER_REMOVE";
    public const string WorkspaceCreate = "WORKSPACE_CREATE";
    public const string WorkspaceMemberAdd = "WORKSPACE_MEMBER_ADD";
}
