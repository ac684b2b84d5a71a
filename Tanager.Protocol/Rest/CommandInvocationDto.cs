namespace Tanager.Protocol;

/// <summary>
/// One invocation of a slash command: the COMMAND_INVOKE event its bot receives, and the answer to the member who invoked
/// it. <see cref="Id"/> is what the bot replies with, until <see cref="ExpiresAt"/>; only that bot can use it.
/// </summary>
public sealed record CommandInvocationDto
{
    /// <summary>The invocation id: an opaque string of up to 200 characters, signed by the server.</summary>
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string Command { get; init; }
    public required string Args { get; init; }
    /// <summary>The member who invoked the command.</summary>
    public required string UserId { get; init; }
    /// <summary>The bot the invocation was sent to; null for a command routed to a URL.</summary>
    public string? BotUserId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>After this the bot can no longer reply to it (15 minutes after <see cref="CreatedAt"/>).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>
    /// For a command routed to a URL, which the server asks before answering: the reply its answer made (ephemeral, or
    /// posted); null when it answered with no reply, and always for a bot's command (its replies come later).
    /// </summary>
    public CommandReplyDto? Reply { get; init; }
}
