using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : IReadStateStore
{
    private readonly Dictionary<(Ulid Workspace, Ulid Channel, Ulid User), long> _lastRead = [];

    public ValueTask SetLastReadAsync(Ulid workspaceId, Ulid channelId, Ulid userId, long sequence, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _lastRead[(workspaceId, channelId, userId)] = sequence;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<ChannelReadState>> GetReadStatesAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        lock (_lock)
        {
            var wanted = channelIds.ToHashSet();
            var after = wanted.ToDictionary(c => c, c => _lastRead.GetValueOrDefault((workspaceId, c, userId)));
            var counts = wanted.ToDictionary(c => c, _ => (Unread: 0, Mentions: 0));
            foreach (var message in _messages.Values)
            {
                if (message.WorkspaceId != workspaceId || !wanted.Contains(message.ChannelId) || message.AuthorId == userId
                    || message.DeletedAt is not null || message.Sequence <= after[message.ChannelId])
                {
                    continue;
                }
                var (unread, mentions) = counts[message.ChannelId];
                counts[message.ChannelId] = (unread + (message.ThreadId is null ? 1 : 0), mentions + (Mentions.Mention(message.Content, userId) ? 1 : 0));
            }
            IReadOnlyList<ChannelReadState> states = [.. wanted.Select(c => new ChannelReadState(c, after[c], counts[c].Unread, counts[c].Mentions))];
            return ValueTask.FromResult(states);
        }
    }

    public ValueTask<IReadOnlyList<Message>> ListMentionsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, Ulid? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        lock (_lock)
        {
            IReadOnlyList<Message> mentions = [.. _messages.Values
                .Where(m => m.WorkspaceId == workspaceId && channelIds.Contains(m.ChannelId) && m.AuthorId != userId && m.DeletedAt is null
                    && (before is not { } b || m.Id.CompareTo(b) < 0) && Mentions.Mention(m.Content, userId))
                .OrderByDescending(m => m.Id)
                .Take(limit)];
            return ValueTask.FromResult(mentions);
        }
    }
}
