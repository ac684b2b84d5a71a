namespace Tanager.Protocol;

/// <summary>
/// A message only one user sees (EPHEMERAL_MESSAGE): a bot's ephemeral reply to a slash command. It is delivered to that
/// user's live connections once, never stored, and has no place in the channel's history or sequence.
/// </summary>
public sealed record EphemeralMessageDto
{
    /// <summary>A fresh ULID, unique to this message.</summary>
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    /// <summary>The bot that wrote it.</summary>
    public required string AuthorId { get; init; }
    /// <summary>The user it is for: the member who invoked the command.</summary>
    public required string UserId { get; init; }
    public required string Content { get; init; }
    /// <summary>The command it answers.</summary>
    public required string Command { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
