using NUlid;

namespace Tanager;

/// <summary>Messages and the per-channel sequence.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends messages in one atomic write, each taking its channel's next sequence number in list order: concurrent
    /// appends to one channel never yield a gap or a duplicate. Returns the stored messages in the order given. If any
    /// message cannot be stored (its channel does not exist), none is. A message whose nonce its author already used in
    /// the channel (earlier, or earlier in the same list) is not stored again: the first one is returned in its place.
    /// </summary>
    ValueTask<IReadOnlyList<Message>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken = default);
    ValueTask<Message?> GetAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default);
    /// <summary>A page of the timeline ordered by <see cref="Message.Sequence"/>, oldest first.</summary>
    ValueTask<MessageSlice> ListAsync(Ulid workspaceId, Ulid channelId, HistoryQuery query, CancellationToken cancellationToken = default);
    /// <summary>The current state of every message whose <see cref="Message.ChangeSequence"/> is above <paramref name="since"/>, ordered by it.</summary>
    ValueTask<MessageSlice> ListChangesAsync(Ulid workspaceId, Ulid channelId, long since, int limit, CancellationToken cancellationToken = default);
}
