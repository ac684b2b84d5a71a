namespace Tanager.Protocol;

/// <summary>
/// A message. <see cref="Sequence"/> is the channel sequence number taken when it was created (its place in the
/// timeline); <see cref="ChangeSequence"/> is the number taken by its latest change (create, edit, delete, reaction).
/// </summary>
public sealed record MessageDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string AuthorId { get; init; }
    public required string Content { get; init; }
    public required long Sequence { get; init; }
    public required long ChangeSequence { get; init; }
    public string? ThreadId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EditedAt { get; init; }
    public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>The sender's idempotency key, when it gave one: lets the sender match the live event to its send.</summary>
    public string? Nonce { get; init; }
    /// <summary>Reactions by emoji, in the order each emoji was first used; absent when there are none.</summary>
    public IReadOnlyList<ReactionDto>? Reactions { get; init; }
    public DateTimeOffset? PinnedAt { get; init; }
    public string? PinnedBy { get; init; }
    /// <summary>On a top-level message with live replies: how many (derived from the replies; absent when none).</summary>
    public int? ReplyCount { get; init; }
    /// <summary>When the newest live reply was posted; absent without replies.</summary>
    public DateTimeOffset? LastReplyAt { get; init; }
    /// <summary>Files attached when it was posted, in the order given; absent when none (and on a deleted message).</summary>
    public IReadOnlyList<AttachmentDto>? Attachments { get; init; }
}
