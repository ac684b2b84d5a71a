using NUlid;

namespace Tanager;

/// <summary>
/// A message. <see cref="Sequence"/> is the channel sequence number taken when the message was created (its place in
/// the timeline, never changes); <see cref="ChangeSequence"/> is the number taken by its latest change (equal to
/// <see cref="Sequence"/> until it is edited, deleted or reacted to), which "changes since N" reads.
/// <see cref="Nonce"/> is the sender's idempotency key, if it gave one.
/// </summary>
public sealed record Message(
    Ulid WorkspaceId,
    Ulid ChannelId,
    Ulid Id,
    Ulid AuthorId,
    string Content,
    long Sequence,
    long ChangeSequence,
    Ulid? ThreadId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt,
    string? Nonce = null)
{
    /// <summary>Reactions by emoji, in the order each emoji was first used; empty (the same shared instance) when there are none.</summary>
    public IReadOnlyList<MessageReaction> Reactions { get; init; } = [];
    public DateTimeOffset? PinnedAt { get; init; }
    public Ulid? PinnedBy { get; init; }
    /// <summary>For a top-level message: its live (not deleted) replies, derived from them when read; never a change of the message itself.</summary>
    public int ReplyCount { get; init; }
    /// <summary>When the newest live reply was posted; null without replies.</summary>
    public DateTimeOffset? LastReplyAt { get; init; }
    /// <summary>Files posted with it, in upload order; filled from the attachment store when read, empty on a tombstone.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
}
