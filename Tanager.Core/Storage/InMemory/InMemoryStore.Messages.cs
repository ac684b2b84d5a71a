using NUlid;

namespace Tanager;

/// <summary>Message changes (edits, deletes, pins, reactions) and threads.</summary>
public sealed partial class InMemoryStore
{
    /// <summary>Per message: its reactions in the order they were added (which orders emoji and users alike).</summary>
    private readonly Dictionary<(Ulid Workspace, Ulid Message), List<(string Emoji, Ulid User)>> _reactions = [];
    /// <summary>Per thread parent: the ids of its replies, oldest first.</summary>
    private readonly Dictionary<(Ulid Workspace, Ulid Thread), List<Ulid>> _replies = [];
    private readonly Dictionary<(Ulid Workspace, Ulid User, Ulid Thread), (Ulid Channel, bool Following, DateTimeOffset At)> _follows = [];

    public ValueTask<MessageChange?> EditAsync(Ulid workspaceId, Ulid messageId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        Change(workspaceId, messageId, m => m.DeletedAt is null ? m with { Content = content, EditedAt = editedAt } : null);

    public ValueTask<MessageChange?> DeleteAsync(Ulid workspaceId, Ulid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default) =>
        Change(workspaceId, messageId, m =>
        {
            if (m.DeletedAt is not null)
            {
                return null;
            }
            _reactions.Remove((workspaceId, messageId));
            return m with { Content = "", DeletedAt = deletedAt, PinnedAt = null, PinnedBy = null };
        });

    public ValueTask<MessageChange?> SetPinAsync(Ulid workspaceId, Ulid messageId, Ulid? pinnedBy, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Change(workspaceId, messageId, m => pinnedBy is not null
            ? m.DeletedAt is null && m.PinnedAt is null ? m with { PinnedAt = at, PinnedBy = pinnedBy } : null
            : m.PinnedAt is not null ? m with { PinnedAt = null, PinnedBy = null } : null);

    public ValueTask<MessageChange?> AddReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Change(workspaceId, messageId, m =>
        {
            if (m.DeletedAt is not null)
            {
                return null;
            }
            if (!_reactions.TryGetValue((workspaceId, messageId), out var reactions))
            {
                reactions = [];
                _reactions.Add((workspaceId, messageId), reactions);
            }
            if (reactions.Contains((emoji, userId)))
            {
                return null;
            }
            reactions.Add((emoji, userId));
            return m;
        });

    public ValueTask<MessageChange?> RemoveReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, CancellationToken cancellationToken = default) =>
        Change(workspaceId, messageId, m => _reactions.TryGetValue((workspaceId, messageId), out var reactions) && reactions.Remove((emoji, userId)) ? m : null);

    public ValueTask<IReadOnlySet<(Ulid MessageId, string Emoji)>> ListOwnReactionsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, Ulid userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        lock (_lock)
        {
            IReadOnlySet<(Ulid, string)> own = messageIds
                .SelectMany(id => (_reactions.GetValueOrDefault((workspaceId, id)) ?? []).Where(r => r.User == userId).Select(r => (id, r.Emoji)))
                .ToHashSet();
            return ValueTask.FromResult(own);
        }
    }

    public ValueTask<IReadOnlyList<Message>> ListPinsAsync(Ulid workspaceId, Ulid channelId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Message> pins = [.. (_channels.GetValueOrDefault((workspaceId, channelId))?.Timeline ?? [])
                .Where(m => m.PinnedAt is not null)
                .OrderByDescending(m => m.PinnedAt)
                .ThenByDescending(m => m.Sequence)
                .Take(limit)
                .Select(Current)];
            return ValueTask.FromResult(pins);
        }
    }

    public ValueTask<MessageSlice> ListThreadAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, HistoryQuery query, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = _channels.GetValueOrDefault((workspaceId, channelId));
            if (state is null)
            {
                return ValueTask.FromResult(new MessageSlice([], false, 0));
            }
            var replies = (_replies.GetValueOrDefault((workspaceId, threadId)) ?? [])
                .Select(id => _messages[(workspaceId, id)])
                .Where(m => m.ChannelId == channelId && (query.Before is not { } before || m.Sequence < before))
                .ToList();
            List<Message> page;
            bool hasMore;
            if (query.After is { } after)
            {
                var newer = replies.Where(m => m.Sequence > after).Take(query.Limit + 1).ToList();
                hasMore = newer.Count > query.Limit;
                page = [.. newer.Take(query.Limit)];
            }
            else
            {
                var older = Enumerable.Reverse(replies).Take(query.Limit + 1).ToList();
                hasMore = older.Count > query.Limit;
                page = [.. older.Take(query.Limit).Reverse()];
            }
            return ValueTask.FromResult(new MessageSlice([.. page.Select(Current)], hasMore, state.Channel.LastSequence));
        }
    }

    public ValueTask SetThreadFollowAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, Ulid userId, bool following, DateTimeOffset at, bool onlyIfUndecided = false, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = (workspaceId, userId, threadId);
            if (_follows.TryGetValue(key, out var earlier))
            {
                if (!onlyIfUndecided && earlier.Following != following)
                {
                    _follows[key] = (channelId, following, at);
                }
            }
            else
            {
                _follows.Add(key, (channelId, following, at));
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<FollowedThread>> ListFollowedThreadsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        lock (_lock)
        {
            IReadOnlyList<FollowedThread> threads = [.. _follows
                .Where(f => f.Key.Workspace == workspaceId && f.Key.User == userId && f.Value.Following && channelIds.Contains(f.Value.Channel))
                .Where(f => _messages.ContainsKey((workspaceId, f.Key.Thread)))
                .Select(f => new FollowedThread(Current(_messages[(workspaceId, f.Key.Thread)]), f.Value.At))
                .OrderByDescending(t => t.Parent.LastReplyAt ?? t.Parent.CreatedAt)
                .ThenByDescending(t => t.Parent.Id)
                .Take(limit)];
            return ValueTask.FromResult(threads);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> (null: nothing to do) under the lock; when it changes the message, the channel's
    /// next sequence number becomes the message's change sequence.
    /// </summary>
    private ValueTask<MessageChange?> Change(Ulid workspaceId, Ulid messageId, Func<Message, Message?> change)
    {
        lock (_lock)
        {
            if (!_messages.TryGetValue((workspaceId, messageId), out var message))
            {
                return ValueTask.FromResult<MessageChange?>(null);
            }
            var changed = change(message);
            if (changed is null)
            {
                return ValueTask.FromResult<MessageChange?>(new MessageChange(Current(message), false));
            }
            var state = _channels[(workspaceId, message.ChannelId)];
            var sequence = state.Channel.LastSequence + 1;
            state.Channel = state.Channel with { LastSequence = sequence };
            changed = changed with { ChangeSequence = sequence };
            _messages[(workspaceId, messageId)] = changed;
            var index = state.Timeline.BinarySearch(message, TimelineOrder.Instance);
            state.Timeline[index] = changed;
            if (message.Nonce is not null)
            {
                _messagesByNonce[(workspaceId, message.ChannelId, message.AuthorId, message.Nonce)] = changed;
            }
            return ValueTask.FromResult<MessageChange?>(new MessageChange(Current(changed), true));
        }
    }

    private void TrackReply(Message message)
    {
        if (message.ThreadId is not { } thread)
        {
            return;
        }
        if (!_replies.TryGetValue((message.WorkspaceId, thread), out var replies))
        {
            replies = [];
            _replies.Add((message.WorkspaceId, thread), replies);
        }
        replies.Add(message.Id);
    }

    /// <summary>A stored row with what is derived when read: aggregated reactions, and the thread's reply count and last reply.</summary>
    private Message Current(Message message)
    {
        var result = message;
        if (_reactions.TryGetValue((message.WorkspaceId, message.Id), out var reactions) && reactions.Count > 0)
        {
            result = result with
            {
                Reactions = [.. reactions.GroupBy(r => r.Emoji, StringComparer.Ordinal)
                    .Select(g => new MessageReaction(g.Key, g.Count(), [.. g.Select(r => r.User).Take(MessageReaction.MaxUsers)]))],
            };
        }
        if (message.ThreadId is null && _replies.TryGetValue((message.WorkspaceId, message.Id), out var replies))
        {
            var live = replies.Select(id => _messages[(message.WorkspaceId, id)]).Where(m => m.DeletedAt is null).ToList();
            result = result with { ReplyCount = live.Count, LastReplyAt = live.Count == 0 ? null : live.Max(m => m.CreatedAt) };
        }
        return result;
    }

    private sealed class TimelineOrder : IComparer<Message>
    {
        public static readonly TimelineOrder Instance = new();

        public int Compare(Message? x, Message? y) => x!.Sequence.CompareTo(y!.Sequence);
    }
}
