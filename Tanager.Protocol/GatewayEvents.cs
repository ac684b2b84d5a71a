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
    /// <summary>A personal invitation to a workspace, sent only to the invitee's own connections.</summary>
    public const string WorkspaceInvitationCreate = "WORKSPACE_INVITATION_CREATE";
    public const string ReactionAdd = "REACTION_ADD";
    public const string ReactionRemove = "REACTION_REMOVE";
    public const string ChannelUpdate = "CHANNEL_UPDATE";
    public const string ChannelDelete = "CHANNEL_DELETE";
    public const string ChannelPinsUpdate = "CHANNEL_PINS_UPDATE";
    public const string WorkspaceMemberUpdate = "WORKSPACE_MEMBER_UPDATE";
    public const string WorkspaceMemberRemove = "WORKSPACE_MEMBER_REMOVE";
    public const string WorkspaceUpdate = "WORKSPACE_UPDATE";
    public const string TypingStart = "TYPING_START";
    public const string PresenceUpdate = "PRESENCE_UPDATE";
    public const string ReadStateUpdate = "READ_STATE_UPDATE";
    public const string UserUpdate = "USER_UPDATE";
    public const string ThreadUpdate = "THREAD_UPDATE";
    /// <summary>Some of the user's sessions or tokens were revoked; connections made with them close with 4004.</summary>
    public const string SessionRevoked = "SESSION_REVOKED";
    /// <summary>A member invoked one of the bot's slash commands; sent only to the bot's own connections.</summary>
    public const string CommandInvoke = "COMMAND_INVOKE";
    /// <summary>A message for this user alone (a bot's ephemeral reply to their command); never stored.</summary>
    public const string EphemeralMessage = "EPHEMERAL_MESSAGE";
}
