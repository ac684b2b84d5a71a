using NUlid;

namespace Tanager;

/// <summary>
/// A message to append; the store assigns its sequence number. A <see cref="Nonce"/> makes the append idempotent: when
/// the author already has a message with that nonce in the channel, the store returns it instead of adding another.
/// </summary>
public sealed record NewMessage(Ulid WorkspaceId, Ulid ChannelId, Ulid Id, Ulid AuthorId, string Content, Ulid? ThreadId, DateTimeOffset CreatedAt, string? Nonce = null)
{
    /// <summary>Files already attached to <see cref="Id"/> in the attachment store; carried so the MESSAGE_CREATE event shows them.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];
}
