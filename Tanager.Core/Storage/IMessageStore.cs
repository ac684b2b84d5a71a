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

    // Every change below that happens takes the channel's next sequence number as the message's change_sequence,
    // atomically with the change (the same counter appends use: no gap, no duplicate under concurrency). One that does
    // not happen (a repeat, or a tombstone) takes none. Null: no such message in the workspace.

    /// <summary>Replaces the content of a live message and sets its edited time.</summary>
    ValueTask<MessageChange?> EditAsync(Ulid workspaceId, Ulid messageId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken = default);
    /// <summary>Makes a live message a tombstone: content emptied, deleted time set, reactions and pin removed.</summary>
    ValueTask<MessageChange?> DeleteAsync(Ulid workspaceId, Ulid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default);
    /// <summary>Pins a live message (<paramref name="pinnedBy"/> set) or unpins it (null).</summary>
    ValueTask<MessageChange?> SetPinAsync(Ulid workspaceId, Ulid messageId, Ulid? pinnedBy, DateTimeOffset at, CancellationToken cancellationToken = default);
    /// <summary>Adds the user's reaction with <paramref name="emoji"/> to a live message, unless it is there already.</summary>
    ValueTask<MessageChange?> AddReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, DateTimeOffset at, CancellationToken cancellationToken = default);
    /// <summary>Removes the user's reaction with <paramref name="emoji"/>, if there is one.</summary>
    ValueTask<MessageChange?> RemoveReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, CancellationToken cancellationToken = default);
    /// <summary>Which of <paramref name="messageIds"/>' reactions are the user's, as (message, emoji) pairs: the "me" of a reader's view.</summary>
    ValueTask<IReadOnlySet<(Ulid MessageId, string Emoji)>> ListOwnReactionsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>The channel's pinned messages, most recently pinned first, at most <paramref name="limit"/>.</summary>
    ValueTask<IReadOnlyList<Message>> ListPinsAsync(Ulid workspaceId, Ulid channelId, int limit, CancellationToken cancellationToken = default);
    /// <summary>A page of the replies to <paramref name="threadId"/> (tombstones included) by sequence, oldest first.</summary>
    ValueTask<MessageSlice> ListThreadAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, HistoryQuery query, CancellationToken cancellationToken = default);
    /// <summary>
    /// Follows or unfollows a thread for a user. With <paramref name="onlyIfUndecided"/> an existing choice is kept: how
    /// a parent's author is followed when a reply arrives, without overriding an earlier unfollow.
    /// </summary>
    ValueTask SetThreadFollowAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, Ulid userId, bool following, DateTimeOffset at, bool onlyIfUndecided = false, CancellationToken cancellationToken = default);
    /// <summary>The threads the user follows among <paramref name="channelIds"/>, latest activity (newest reply, else the parent) first.</summary>
    ValueTask<IReadOnlyList<FollowedThread>> ListFollowedThreadsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, int limit, CancellationToken cancellationToken = default);
}
