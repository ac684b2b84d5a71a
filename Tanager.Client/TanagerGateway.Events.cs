using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>The typed events a connection raises, one per dispatch kind, and its lifecycle events.</summary>
public sealed partial class TanagerGateway
{
    public event Func<ReadyData, Task>? Ready;

    /// <summary>
    /// Each new message once, in sequence order per channel, with nothing missing: messages posted while the connection
    /// was down, or whose live event was lost, are fetched from the server ("changes since") before later ones.
    /// </summary>
    public event Func<MessageDto, Task>? MessageCreated;
    /// <summary>A message was edited (or otherwise changed); the message's current state. Ordered with <see cref="MessageCreated"/>.</summary>
    public event Func<MessageDto, Task>? MessageUpdated;
    /// <summary>A message was deleted; its tombstone. Ordered with <see cref="MessageCreated"/>.</summary>
    public event Func<MessageDto, Task>? MessageDeleted;
    /// <summary>
    /// Someone reacted to a message. Ordered with <see cref="MessageCreated"/>; a reaction this client missed while
    /// disconnected arrives instead as <see cref="MessageUpdated"/> with the message's current reactions.
    /// </summary>
    public event Func<ReactionEventDto, Task>? ReactionAdded;
    /// <summary>Someone removed their reaction. Ordered and caught up like <see cref="ReactionAdded"/>.</summary>
    public event Func<ReactionEventDto, Task>? ReactionRemoved;
    /// <summary>You followed or unfollowed a thread (on any of your connections). Not part of the channel's ordered stream.</summary>
    public event Func<ThreadFollowDto, Task>? ThreadUpdated;
    public event Func<ChannelDto, Task>? ChannelCreated;
    public event Func<ChannelMemberDto, Task>? ChannelMemberAdded;
    public event Func<ChannelMemberDto, Task>? ChannelMemberRemoved;
    public event Func<WorkspaceMemberDto, Task>? WorkspaceMemberAdded;
    /// <summary>A channel you can see was renamed, given a topic or description, archived or unarchived, or had its overrides changed: its new state.</summary>
    public event Func<ChannelDto, Task>? ChannelUpdated;
    /// <summary>A channel you could see was deleted. May arrive twice (workspace and own subject); apply it idempotently.</summary>
    public event Func<ChannelDeleteDto, Task>? ChannelDeleted;
    /// <summary>A member's role changed (yours included).</summary>
    public event Func<WorkspaceMemberDto, Task>? WorkspaceMemberUpdated;
    /// <summary>A member left or was removed (you included: then the workspace is gone for you).</summary>
    public event Func<WorkspaceMemberDto, Task>? WorkspaceMemberRemoved;
    /// <summary>A workspace was renamed or changed owner; <see cref="WorkspaceDto.Role"/> is absent.</summary>
    public event Func<WorkspaceDto, Task>? WorkspaceUpdated;
    /// <summary>Someone who shares a workspace with you (or you) changed their profile.</summary>
    public event Func<UserDto, Task>? UserUpdated;
    /// <summary>Someone started typing in a channel; show it for <see cref="TypingData.ExpiresInMs"/> unless renewed.</summary>
    public event Func<TypingData, Task>? TypingStarted;
    /// <summary>A workspace member's presence changed (online, away, dnd, offline).</summary>
    public event Func<PresenceData, Task>? PresenceUpdated;
    /// <summary>The user's read state of a channel changed (marked read here or on another device).</summary>
    public event Func<ReadStateDto, Task>? ReadStateUpdated;
    /// <summary>
    /// A member invoked one of this bot's slash commands; reply with <see cref="CommandInvocation.ReplyEphemeralAsync"/> or
    /// <see cref="CommandInvocation.ReplyAsync"/> within 15 minutes. Invocations are not replayed after a reconnect.
    /// </summary>
    public event Func<CommandInvocation, Task>? CommandInvoked;
    /// <summary>A message for this user alone: a bot's ephemeral reply to their command. Never stored, never replayed.</summary>
    public event Func<EphemeralMessageDto, Task>? EphemeralMessageReceived;
    public event Func<GatewayDisconnect, Task>? Disconnected;
    /// <summary>Every DISPATCH, READY included, before its typed event: for tools that handle events generically.</summary>
    public event Func<GatewayDispatch, Task>? Dispatched;
    /// <summary>A handler threw; the connection carries on.</summary>
    public event Action<Exception>? HandlerFailed;
}
