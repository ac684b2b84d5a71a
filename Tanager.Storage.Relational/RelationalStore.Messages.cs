using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// Reading messages (history, catch-up, pins, threads, mentions, read state) and what is derived when they are read, on
/// both SQL stores. The group-commit append (<see cref="AppendAsync"/>) and full-text search are each store's own.
/// </summary>
public abstract partial class RelationalStore : IMessageStore, IReadStateStore
{
    /// <summary>Stores a batch from the engine's group commit in one transaction: each store's own, hand-written hot statement.</summary>
    public abstract ValueTask<IReadOnlyList<Message>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken = default);

    async ValueTask<Message?> IMessageStore.GetAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken) =>
        (await Database.RunAsync(async db =>
        {
            var row = await db.GetTable<MessageRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.Id == messageId, cancellationToken);
            return row is null ? [] : await WithDerivedAsync(db, [row.ToDomain()], cancellationToken);
        }, cancellationToken)).FirstOrDefault();

    /// <summary>A page of the channel's history: newest first unless paging forward; one extra row tells whether more lie beyond it.</summary>
    public async ValueTask<MessageSlice> ListAsync(Ulid workspaceId, Ulid channelId, HistoryQuery query, CancellationToken cancellationToken = default) =>
        await PageAsync(db => HistoryPage(db, workspaceId, channelId, query), query.Limit, newestFirst: query.After is null, workspaceId, channelId, cancellationToken);

    public async ValueTask<MessageSlice> ListThreadAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, HistoryQuery query, CancellationToken cancellationToken = default) =>
        await PageAsync(db => Page(db.GetTable<MessageRow>().Where(r => r.WorkspaceId == workspaceId && r.ThreadId == threadId && r.ChannelId == channelId), query),
            query.Limit, newestFirst: query.After is null, workspaceId, channelId, cancellationToken);

    /// <summary>The history statement as PostgreSQL or SQLite receives it, its values written in: for checking where it runs (CitusTests).</summary>
    internal Task<string> HistorySqlAsync(Ulid workspaceId, Ulid channelId, HistoryQuery query, CancellationToken cancellationToken = default) =>
        Database.RunAsync(db => Task.FromResult(HistoryPage(db, workspaceId, channelId, query).InlineParameters().ToSqlQuery().Sql), cancellationToken);

    private static IQueryable<MessageRow> HistoryPage(DataConnection db, Ulid workspaceId, Ulid channelId, HistoryQuery query)
    {
        var messages = db.GetTable<MessageRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId);
        return Page(query.TopLevelOnly ? messages.Where(r => r.ThreadId == null) : messages, query);
    }

    /// <summary>The page of <paramref name="messages"/> beyond the query's sequence, with one row more than its limit.</summary>
    private static IQueryable<MessageRow> Page(IQueryable<MessageRow> messages, HistoryQuery query)
    {
        var (after, before) = (query.After ?? 0, query.Before ?? long.MaxValue);
        return (query.After is not null
            ? messages.Where(r => r.Sequence > after).OrderBy(r => r.Sequence)
            : messages.Where(r => r.Sequence < before).OrderByDescending(r => r.Sequence)).Take(query.Limit + 1);
    }

    /// <summary>
    /// Reads a page (<paramref name="page"/> selects one row more than <paramref name="limit"/>, which tells whether more
    /// lie beyond it), in sequence order, with what is derived and the channel's last number.
    /// </summary>
    private Task<MessageSlice> PageAsync(Func<DataConnection, IQueryable<MessageRow>> page, int limit, bool newestFirst, Ulid workspaceId, Ulid channelId,
        CancellationToken cancellationToken) =>
        Database.RunAsync(async db =>
        {
            var rows = (await page(db).ToListAsync(cancellationToken)).Select(r => r.ToDomain()).ToList();
            var hasMore = rows.Count > limit;
            if (hasMore)
            {
                rows.RemoveAt(limit);
            }
            if (newestFirst)
            {
                rows.Reverse();
            }
            var derived = await WithDerivedAsync(db, rows, page(db), cancellationToken);
            return new MessageSlice(derived, hasMore, await LastSequenceAsync(db, workspaceId, channelId, cancellationToken));
        }, cancellationToken);

    public async ValueTask<MessageSlice> ListChangesAsync(Ulid workspaceId, Ulid channelId, long since, int limit, CancellationToken cancellationToken = default) =>
        await PageAsync(db => db.GetTable<MessageRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId && r.ChangeSequence > since)
            .OrderBy(r => r.ChangeSequence).Take(limit + 1), limit, newestFirst: false, workspaceId, channelId, cancellationToken);

    public async ValueTask<IReadOnlyList<Message>> ListPinsAsync(Ulid workspaceId, Ulid channelId, int limit, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(async db => await WithDerivedAsync(db, (await db.GetTable<MessageRow>()
            .Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId && r.PinnedAt != null)
            .OrderByDescending(r => r.PinnedAt).ThenByDescending(r => r.Sequence).Take(limit).ToListAsync(cancellationToken)).Select(r => r.ToDomain()).ToList(),
            cancellationToken), cancellationToken);

    /// <summary>The notifiers' scan: live messages with ids between the two, across workspaces, in id (time) order.</summary>
    public async ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<MessageRow>().Where(r => r.Id > after && r.Id < before && r.DeletedAt == null).OrderBy(r => r.Id).Take(limit)
            .ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>
    /// Follows or unfollows a thread; with <paramref name="onlyIfUndecided"/>, only when the user has not chosen yet. The
    /// time is kept when the choice does not change.
    /// </summary>
    public async ValueTask SetThreadFollowAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, Ulid userId, bool following, DateTimeOffset at, bool onlyIfUndecided = false,
        CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<ThreadFollowRow>().InsertOrUpdateAsync(
            () => new ThreadFollowRow { WorkspaceId = workspaceId, UserId = userId, ThreadId = threadId, ChannelId = channelId, Following = following, FollowedAt = at },
            onlyIfUndecided ? null : row => new ThreadFollowRow { Following = following, FollowedAt = row.Following == following ? row.FollowedAt : at },
            cancellationToken), cancellationToken);

    /// <summary>The threads the user follows in the channels, the one with the newest live reply (or newest parent) first.</summary>
    public async ValueTask<IReadOnlyList<FollowedThread>> ListFollowedThreadsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        if (channelIds.Count == 0)
        {
            return [];
        }
        return await Database.RunAsync(async db =>
        {
            var messages = db.GetTable<MessageRow>();
            var rows = await (
                from f in db.GetTable<ThreadFollowRow>()
                join p in messages on new { f.WorkspaceId, Id = f.ThreadId } equals new { p.WorkspaceId, p.Id }
                where f.WorkspaceId == workspaceId && f.UserId == userId && f.Following && channelIds.Contains(f.ChannelId)
                let lastReply = messages.Where(r => r.WorkspaceId == p.WorkspaceId && r.ThreadId == p.Id && r.DeletedAt == null).Max(r => (DateTimeOffset?)r.CreatedAt)
                orderby (lastReply ?? p.CreatedAt) descending, p.Id descending
                select new { Parent = p, f.FollowedAt }).Take(limit).ToListAsync(cancellationToken);
            var parents = await WithDerivedAsync(db, [.. rows.Select(r => r.Parent.ToDomain())], cancellationToken);
            return (IReadOnlyList<FollowedThread>)[.. parents.Select((p, i) => new FollowedThread(p, rows[i].FollowedAt))];
        }, cancellationToken);
    }

    /// <summary>
    /// Each channel's read position with its unread top-level messages and unread mentions of the user, in one statement:
    /// a row per channel id, each count bounded to the unread tail by the (workspace_id, channel_id, sequence) index.
    /// </summary>
    public async ValueTask<IReadOnlyList<ChannelReadState>> GetReadStatesAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        if (channelIds.Count == 0)
        {
            return [];
        }
        var token = Mentions.Of(userId);
        return [.. (await Database.RunAsync(db =>
        {
            var unread = db.GetTable<MessageRow>().Where(m => m.WorkspaceId == workspaceId && m.AuthorId != userId && m.DeletedAt == null);
            return (
                from c in channelIds.Select(id => new ChannelIdRow { Id = id }).AsQueryable(db)
                from r in db.GetTable<ReadStateRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == c.Id && r.UserId == userId).DefaultIfEmpty()
                let last = r == null ? 0 : r.LastReadSequence
                select new ChannelReadState(c.Id, last,
                    unread.Count(m => m.ChannelId == c.Id && m.Sequence > last && m.ThreadId == null),
                    unread.Count(m => m.ChannelId == c.Id && m.Sequence > last && SqlText.Mentions(m.Content, token)))).ToListAsync(cancellationToken);
        }, cancellationToken))];
    }

    /// <summary>A channel id as a row of a local list that a query joins (a VALUES list).</summary>
    private sealed class ChannelIdRow
    {
        public Ulid Id { get; init; }
    }

    /// <summary>Messages in the channels that mention the user (by name, or everyone with @channel / @here), newest first.</summary>
    public async ValueTask<IReadOnlyList<Message>> ListMentionsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, Ulid? before, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        if (channelIds.Count == 0)
        {
            return [];
        }
        var token = Mentions.Of(userId);
        return [.. (await Database.RunAsync(db =>
        {
            var mentions = db.GetTable<MessageRow>().Where(m => m.WorkspaceId == workspaceId && channelIds.Contains(m.ChannelId) && m.AuthorId != userId && m.DeletedAt == null
                && SqlText.Mentions(m.Content, token));
            if (before is { } end)
            {
                mentions = mentions.Where(m => m.Id < end);
            }
            return mentions.OrderByDescending(m => m.Id).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];
    }

    /// <summary>Adds what is derived when messages are read (<see cref="WithDerivedAsync(DataConnection, List{Message}, CancellationToken)"/>), on a connection of its own.</summary>
    private protected Task<List<Message>> WithDerivedAsync(List<Message> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(rows) : Database.RunAsync(db => WithDerivedAsync(db, rows, cancellationToken), cancellationToken);

    /// <summary>
    /// Adds what is derived when messages are read: reactions aggregated per emoji (count, the first users in reaction
    /// order, emoji in order of first use), and for top-level messages the live reply count and newest reply time.
    /// <paramref name="source"/>, when given, is the query that read <paramref name="rows"/> (a page): the derived
    /// queries then select by it as a subquery, so their text is the same for every page and each is translated once,
    /// instead of carrying the page's ids as a list of parameters.
    /// </summary>
    private static async Task<List<Message>> WithDerivedAsync(DataConnection db, List<Message> rows, CancellationToken cancellationToken) =>
        await WithDerivedAsync(db, rows, null, cancellationToken);

    private static async Task<List<Message>> WithDerivedAsync(DataConnection db, List<Message> rows, IQueryable<MessageRow>? source, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var workspaceId = rows[0].WorkspaceId;
        var reactions = db.GetTable<MessageReactionRow>().Where(r => r.WorkspaceId == workspaceId);
        if (source is null)
        {
            var listed = rows.Select(m => m.Id).ToList();
            reactions = reactions.Where(r => listed.Contains(r.MessageId));
        }
        else
        {
            reactions = reactions.Where(r => source.Select(m => m.Id).Contains(r.MessageId));
        }
        var emoji = await reactions.GroupBy(r => new { r.MessageId, r.Emoji })
            .Select(g => new { g.Key.MessageId, g.Key.Emoji, Count = g.Count(), FirstUse = g.Min(r => r.CreatedAt) }).ToListAsync(cancellationToken);
        var byReaction = new Dictionary<Ulid, List<MessageReaction>>();
        if (emoji.Count > 0)
        {
            var firstUsers = (await (
                    from r in reactions
                    select new { r.MessageId, r.Emoji, r.UserId, Rank = Sql.Window.RowNumber(w => w.PartitionBy(r.MessageId, r.Emoji).OrderBy(r.CreatedAt).ThenBy(r.UserId)) })
                .Where(r => r.Rank <= MessageReaction.MaxUsers).ToListAsync(cancellationToken))
                .GroupBy(r => (r.MessageId, r.Emoji)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Rank).Select(r => r.UserId).ToList());
            foreach (var e in emoji.OrderBy(e => e.MessageId).ThenBy(e => e.FirstUse).ThenBy(e => e.Emoji, StringComparer.Ordinal))
            {
                if (!byReaction.TryGetValue(e.MessageId, out var list))
                {
                    byReaction[e.MessageId] = list = [];
                }
                list.Add(new MessageReaction(e.Emoji, e.Count, firstUsers.GetValueOrDefault((e.MessageId, e.Emoji)) ?? []));
            }
        }
        var parents = rows.Where(m => m.ThreadId is null).Select(m => (Ulid?)m.Id).ToList();
        if (parents.Count == 0)
        {
            return DerivedMessageState.Attach(rows, byReaction, new Dictionary<Ulid, (int, DateTimeOffset)>());
        }
        var replies = db.GetTable<MessageRow>().Where(r => r.WorkspaceId == workspaceId && r.DeletedAt == null);
        replies = source is null
            ? replies.Where(r => parents.Contains(r.ThreadId))
            : replies.Where(r => source.Where(m => m.ThreadId == null).Select(m => (Ulid?)m.Id).Contains(r.ThreadId));
        var threads = (await replies.GroupBy(r => r.ThreadId).Select(g => new { Thread = g.Key, Count = g.Count(), Last = g.Max(r => r.CreatedAt) })
            .ToListAsync(cancellationToken)).ToDictionary(t => t.Thread!.Value, t => (t.Count, t.Last));
        return DerivedMessageState.Attach(rows, byReaction, threads);
    }

    private static Task<long> LastSequenceAsync(DataConnection db, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken) =>
        db.GetTable<ChannelRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == channelId).Select(r => r.LastSequence).FirstOrDefaultAsync(cancellationToken);
}
