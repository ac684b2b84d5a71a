using NUlid;

namespace Tanager;

/// <summary>Messages and the per-channel sequence.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends a message, taking the channel's next sequence number atomically: concurrent appends to one channel
    /// never yield a gap or a duplicate. Returns the stored message.
    /// </summary>
    ValueTask<Message> AppendAsync(NewMessage message, CancellationToken cancellationToken = default);
    ValueTask<Message?> GetAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default);
    /// <summary>A page of the timeline ordered by <see cref="Message.Sequence"/>, oldest first.</summary>
    ValueTask<MessageSlice> ListAsync(Ulid workspaceId, Ulid channelId, HistoryQuery query, CancellationToken cancellationToken = default);
    /// <summary>The current state of every message whose <see cref="Message.ChangeSequence"/> is above <paramref name="since"/>, ordered by it.</summary>
    ValueTask<MessageSlice> ListChangesAsync(Ulid workspaceId, Ulid channelId, long since, int limit, CancellationToken cancellationToken = default);
}
