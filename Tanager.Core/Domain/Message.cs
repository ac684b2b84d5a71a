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
    string? Nonce = null);
