using NUlid;

namespace Tanager;

/// <summary>
/// Every storage interface over process memory: the zero-dependency default for tests, samples and trying things out.
/// One lock guards everything; it is held only for dictionary work, never across an await.
/// </summary>
public sealed partial class InMemoryStore : IUserStore, IWorkspaceStore, IChannelStore, IMessageStore, ISearchStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Ulid, User> _users = [];
    private readonly Dictionary<string, Ulid> _userIdsByEmail = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ulid> _userIdsByExternalId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserSession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiKey> _apiKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<Ulid, Workspace> _workspaces = [];
    private readonly Dictionary<(Ulid Workspace, Ulid User), WorkspaceMember> _workspaceMembers = [];
    private readonly Dictionary<(Ulid Workspace, Ulid Channel), ChannelState> _channels = [];
    private readonly Dictionary<(Ulid Workspace, Ulid Message), Message> _messages = [];
    private readonly Dictionary<(Ulid Workspace, Ulid Channel, Ulid Author, string Nonce), Message> _messagesByNonce = [];

    private sealed class ChannelState(Channel channel)
    {
        public Channel Channel { get; set; } = channel;
        public Dictionary<Ulid, ChannelMember> Members { get; } = [];
        /// <summary>Messages in creation order, so <see cref="Message.Sequence"/> ascends with the index.</summary>
        public List<Message> Timeline { get; } = [];
    }

    public ValueTask CreateAsync(Workspace workspace, WorkspaceMember owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(owner);
        lock (_lock)
        {
            _workspaces.Add(workspace.Id, workspace);
            _workspaceMembers.Add((workspace.Id, owner.UserId), owner);
        }
        return ValueTask.CompletedTask;
    }

    ValueTask<Workspace?> IWorkspaceStore.GetAsync(Ulid workspaceId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_workspaces.GetValueOrDefault(workspaceId));
        }
    }

    ValueTask<IReadOnlyList<Workspace>> IWorkspaceStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<Workspace>>([.. _workspaces.Values.Where(w => after is not { } a || w.Id.CompareTo(a) > 0).OrderBy(w => w.Id).Take(limit)]);
        }
    }

    public ValueTask<WorkspaceMember?> GetMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_workspaceMembers.GetValueOrDefault((workspaceId, userId)));
        }
    }

    public ValueTask<bool> TryAddMemberAsync(WorkspaceMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_lock)
        {
            return ValueTask.FromResult(_workspaceMembers.TryAdd((member.WorkspaceId, member.UserId), member));
        }
    }

    public ValueTask<IReadOnlyList<WorkspaceMember>> ListMembersAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<WorkspaceMember> members = [.. _workspaceMembers.Values
                .Where(m => m.WorkspaceId == workspaceId)
                .OrderBy(m => m.JoinedAt)
                .ThenBy(m => m.UserId)];
            return ValueTask.FromResult(members);
        }
    }

    public ValueTask<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListForUserAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<(Workspace, WorkspaceMember)> result = [.. _workspaceMembers.Values
                .Where(m => m.UserId == userId)
                .Select(m => (_workspaces[m.WorkspaceId], m))
                .OrderBy(p => p.Item1.Id)];
            return ValueTask.FromResult(result);
        }
    }

    public ValueTask<bool> TryCreateAsync(Channel channel, ChannelMember creator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(creator);
        lock (_lock)
        {
            if (_channels.Values.Any(c => c.Channel.WorkspaceId == channel.WorkspaceId && c.Channel.Name == channel.Name))
            {
                return ValueTask.FromResult(false);
            }
            var state = new ChannelState(channel);
            state.Members.Add(creator.UserId, creator);
            _channels.Add((channel.WorkspaceId, channel.Id), state);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<Channel?> GetAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_channels.GetValueOrDefault((workspaceId, channelId))?.Channel);
        }
    }

    public ValueTask<IReadOnlyList<Channel>> ListAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Channel> channels = [.. _channels.Values
                .Select(c => c.Channel)
                .Where(c => c.WorkspaceId == workspaceId)
                .OrderBy(c => c.Name, StringComparer.Ordinal)];
            return ValueTask.FromResult(channels);
        }
    }

    public ValueTask<IReadOnlySet<Ulid>> ListMembershipsAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlySet<Ulid> ids = _channels.Values
                .Where(c => c.Channel.WorkspaceId == workspaceId && c.Members.ContainsKey(userId))
                .Select(c => c.Channel.Id)
                .ToHashSet();
            return ValueTask.FromResult(ids);
        }
    }

    public ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_workspaceMembers.TryGetValue((workspaceId, userId), out var member))
            {
                return ValueTask.FromResult<ChannelAccess?>(null);
            }
            var state = _channels.GetValueOrDefault((workspaceId, channelId));
            return ValueTask.FromResult<ChannelAccess?>(new ChannelAccess(member.Role, state?.Channel, state?.Members.ContainsKey(userId) ?? false));
        }
    }

    public ValueTask<ChannelMember?> GetMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_channels.GetValueOrDefault((workspaceId, channelId))?.Members.GetValueOrDefault(userId));
        }
    }

    public ValueTask<bool> TryAddMemberAsync(ChannelMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_lock)
        {
            var state = _channels.GetValueOrDefault((member.WorkspaceId, member.ChannelId));
            return ValueTask.FromResult(state is not null && state.Members.TryAdd(member.UserId, member));
        }
    }

    public ValueTask<bool> TryRemoveMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = _channels.GetValueOrDefault((workspaceId, channelId));
            return ValueTask.FromResult(state is not null && state.Members.Remove(userId));
        }
    }

    public ValueTask<IReadOnlyList<Message>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        lock (_lock)
        {
            foreach (var message in messages)
            {
                if (!_channels.ContainsKey((message.WorkspaceId, message.ChannelId)))
                {
                    throw new InvalidOperationException($"Channel {message.ChannelId} does not exist in workspace {message.WorkspaceId}.");
                }
            }
            var stored = new List<Message>(messages.Count);
            foreach (var message in messages)
            {
                if (message.Nonce is { } nonce && _messagesByNonce.TryGetValue((message.WorkspaceId, message.ChannelId, message.AuthorId, nonce), out var earlier))
                {
                    stored.Add(earlier);
                    continue;
                }
                var state = _channels[(message.WorkspaceId, message.ChannelId)];
                var sequence = state.Channel.LastSequence + 1;
                var row = new Message(message.WorkspaceId, message.ChannelId, message.Id, message.AuthorId, message.Content,
                    sequence, sequence, message.ThreadId, message.CreatedAt, EditedAt: null, DeletedAt: null, message.Nonce);
                state.Channel = state.Channel with { LastSequence = sequence };
                state.Timeline.Add(row);
                _messages.Add((message.WorkspaceId, message.Id), row);
                TrackReply(row);
                if (message.Nonce is not null)
                {
                    _messagesByNonce.Add((message.WorkspaceId, message.ChannelId, message.AuthorId, message.Nonce), row);
                }
                stored.Add(row);
            }
            return ValueTask.FromResult<IReadOnlyList<Message>>(stored);
        }
    }

    ValueTask<Message?> IMessageStore.GetAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_messages.TryGetValue((workspaceId, messageId), out var message) ? Current(message) : null);
        }
    }

    public ValueTask<MessageSlice> ListAsync(Ulid workspaceId, Ulid channelId, HistoryQuery query, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = _channels.GetValueOrDefault((workspaceId, channelId));
            if (state is null)
            {
                return ValueTask.FromResult(new MessageSlice([], false, 0));
            }
            IEnumerable<Message> candidates = query.TopLevelOnly ? state.Timeline.Where(m => m.ThreadId is null) : state.Timeline;
            if (query.Before is { } before)
            {
                candidates = candidates.Where(m => m.Sequence < before);
            }
            List<Message> page;
            bool hasMore;
            if (query.After is { } after)
            {
                var newer = candidates.Where(m => m.Sequence > after).Take(query.Limit + 1).ToList();
                hasMore = newer.Count > query.Limit;
                page = newer.Take(query.Limit).ToList();
            }
            else
            {
                // Newest first to find the page, then oldest first in the answer.
                var older = candidates.Reverse().Take(query.Limit + 1).ToList();
                hasMore = older.Count > query.Limit;
                page = older.Take(query.Limit).Reverse().ToList();
            }
            return ValueTask.FromResult(new MessageSlice([.. page.Select(Current)], hasMore, state.Channel.LastSequence));
        }
    }

    public ValueTask<MessageSlice> ListChangesAsync(Ulid workspaceId, Ulid channelId, long since, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var state = _channels.GetValueOrDefault((workspaceId, channelId));
            if (state is null)
            {
                return ValueTask.FromResult(new MessageSlice([], false, 0));
            }
            var changed = state.Timeline
                .Where(m => m.ChangeSequence > since)
                .OrderBy(m => m.ChangeSequence)
                .Take(limit + 1)
                .ToList();
            var hasMore = changed.Count > limit;
            if (hasMore)
            {
                changed.RemoveAt(limit);
            }
            return ValueTask.FromResult(new MessageSlice([.. changed.Select(Current)], hasMore, state.Channel.LastSequence));
        }
    }

    /// <summary>Word matching without stemming: enough to develop against; the database stores rank properly.</summary>
    public ValueTask<IReadOnlyList<Message>> SearchAsync(Ulid workspaceId, MessageSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var text = search.Text.Trim();
        var words = SearchWords(text);
        if ((text.Length > 0 && words.Count == 0) || search.ChannelIds.Count == 0 || search.Limit <= 0)
        {
            return ValueTask.FromResult<IReadOnlyList<Message>>([]);
        }
        lock (_lock)
        {
            var candidates = search.ChannelIds
                .Distinct()
                .Select(id => _channels.GetValueOrDefault((workspaceId, id)))
                .Where(state => state is not null)
                .SelectMany(state => state!.Timeline)
                .Where(m => m.DeletedAt is null
                    && (search.AuthorIds.Count == 0 || search.AuthorIds.Contains(m.AuthorId))
                    && (search.CreatedBefore is not { } before || m.CreatedAt < before)
                    && (search.CreatedOnOrAfter is not { } from || m.CreatedAt >= from)
                    && search.Thread switch
                    {
                        SearchThreadFilter.RepliesOnly => m.ThreadId is not null,
                        SearchThreadFilter.TopLevelOnly => m.ThreadId is null,
                        _ => true,
                    });
            IReadOnlyList<Message> hits = words.Count == 0
                ? [.. candidates.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(search.Limit).Select(Current)]
                : [.. candidates
                    .Select(m => (Message: m, Words: SearchWords(m.Content)))
                    .Where(p => words.All(p.Words.Contains))
                    .OrderByDescending(p => words.Sum(w => p.Words.Count(x => x == w)))
                    .ThenByDescending(p => p.Message.Id)
                    .Take(search.Limit)
                    .Select(p => Current(p.Message))];
            return ValueTask.FromResult(hits);
        }
    }

    private static List<string> SearchWords(string text) => [.. Word().Matches(text).Select(m => m.Value.ToUpperInvariant())];

    [System.Text.RegularExpressions.GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial System.Text.RegularExpressions.Regex Word();
}
