using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Message changes (edits, deletes, pins, reactions), threads, and what is derived when messages are read.</summary>
public sealed partial class SqliteStore
{
    public ValueTask<MessageChange?> EditAsync(Ulid workspaceId, Ulid messageId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (connection, transaction, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await using var update = Command(connection, "UPDATE messages SET content = $content, edited_at = $at WHERE workspace_id = $ws AND id = $id", transaction)
                .With("$content", content).With("$at", Ticks(editedAt)).With("$ws", Blob(workspaceId)).With("$id", Blob(messageId));
            await update.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask<MessageChange?> DeleteAsync(Ulid workspaceId, Ulid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (connection, transaction, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await using var update = Command(connection, """
                UPDATE messages SET content = '', deleted_at = $at, pinned_at = NULL, pinned_by = NULL WHERE workspace_id = $ws AND id = $id;
                DELETE FROM message_reactions WHERE workspace_id = $ws AND message_id = $id;
                """, transaction)
                .With("$at", Ticks(deletedAt)).With("$ws", Blob(workspaceId)).With("$id", Blob(messageId));
            await update.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask<MessageChange?> SetPinAsync(Ulid workspaceId, Ulid messageId, Ulid? pinnedBy, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (connection, transaction, current) =>
        {
            if (pinnedBy is not null ? current.DeletedAt is not null || current.PinnedAt is not null : current.PinnedAt is null)
            {
                return false;
            }
            await using var update = Command(connection, "UPDATE messages SET pinned_at = $at, pinned_by = $by WHERE workspace_id = $ws AND id = $id", transaction)
                .With("$at", pinnedBy is null ? DBNull.Value : Ticks(at)).With("$by", Blob(pinnedBy)).With("$ws", Blob(workspaceId)).With("$id", Blob(messageId));
            await update.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask<MessageChange?> AddReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (connection, transaction, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await using var insert = Command(connection, """
                INSERT INTO message_reactions (workspace_id, message_id, emoji, user_id, created_at) VALUES ($ws, $id, $emoji, $user, $at)
                ON CONFLICT DO NOTHING
                """, transaction)
                .With("$ws", Blob(workspaceId)).With("$id", Blob(messageId)).With("$emoji", emoji).With("$user", Blob(userId)).With("$at", Ticks(at));
            return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public ValueTask<MessageChange?> RemoveReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (connection, transaction, current) =>
        {
            await using var delete = Command(connection, "DELETE FROM message_reactions WHERE workspace_id = $ws AND message_id = $id AND emoji = $emoji AND user_id = $user", transaction)
                .With("$ws", Blob(workspaceId)).With("$id", Blob(messageId)).With("$emoji", emoji).With("$user", Blob(userId));
            return await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public async ValueTask<IReadOnlySet<(Ulid MessageId, string Emoji)>> ListOwnReactionsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, Ulid userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var own = new HashSet<(Ulid, string)>();
        if (messageIds.Count == 0)
        {
            return own;
        }
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT message_id, emoji FROM message_reactions WHERE workspace_id = $ws AND user_id = $user AND message_id IN (SELECT unhex(value) FROM json_each($ids))")
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)).With("$ids", IdList(messageIds));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            own.Add((reader.GetUlid(0), reader.GetString(1)));
        }
        return own;
    }

    public async ValueTask<IReadOnlyList<Message>> ListPinsAsync(Ulid workspaceId, Ulid channelId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $ws AND channel_id = $ch AND pinned_at IS NOT NULL ORDER BY pinned_at DESC, sequence DESC LIMIT $limit")
            .With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$limit", limit);
        return await WithDerivedAsync(connection, null, await ReadMessagesAsync(command, cancellationToken), cancellationToken);
    }

    public async ValueTask<MessageSlice> ListThreadAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, HistoryQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var sql = query.After is not null
            ? $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $ws AND thread_id = $thread AND channel_id = $ch AND sequence > $after ORDER BY sequence LIMIT $limit"
            : $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $ws AND thread_id = $thread AND channel_id = $ch AND sequence < $before ORDER BY sequence DESC LIMIT $limit";
        await using var command = Command(connection, sql)
            .With("$ws", Blob(workspaceId)).With("$thread", Blob(threadId)).With("$ch", Blob(channelId))
            .With("$after", query.After ?? 0).With("$before", query.Before ?? long.MaxValue).With("$limit", query.Limit + 1);
        var rows = await ReadMessagesAsync(command, cancellationToken);
        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        if (query.After is null)
        {
            rows.Reverse();
        }
        return new MessageSlice(await WithDerivedAsync(connection, null, rows, cancellationToken), hasMore, await LastSequenceAsync(connection, workspaceId, channelId, cancellationToken));
    }

    public async ValueTask SetThreadFollowAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, Ulid userId, bool following, DateTimeOffset at, bool onlyIfUndecided = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var onConflict = onlyIfUndecided
            ? "DO NOTHING"
            : "DO UPDATE SET following = excluded.following, followed_at = excluded.followed_at WHERE thread_follows.following <> excluded.following";
        await using var command = Command(connection, $"""
            INSERT INTO thread_follows (workspace_id, user_id, thread_id, channel_id, following, followed_at) VALUES ($ws, $user, $thread, $ch, $following, $at)
            ON CONFLICT (workspace_id, user_id, thread_id) {onConflict}
            """)
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)).With("$thread", Blob(threadId)).With("$ch", Blob(channelId)).With("$following", following ? 1 : 0).With("$at", Ticks(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<FollowedThread>> ListFollowedThreadsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        if (channelIds.Count == 0)
        {
            return [];
        }
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {string.Join(", ", MessageColumns.Split(", ").Select(c => "p." + c))}, f.followed_at
            FROM thread_follows f JOIN messages p ON p.workspace_id = f.workspace_id AND p.id = f.thread_id
            WHERE f.workspace_id = $ws AND f.user_id = $user AND f.following = 1 AND f.channel_id IN (SELECT unhex(value) FROM json_each($channels))
            ORDER BY COALESCE((SELECT MAX(r.created_at) FROM messages r WHERE r.workspace_id = p.workspace_id AND r.thread_id = p.id AND r.deleted_at IS NULL), p.created_at) DESC, p.id DESC
            LIMIT $limit
            """)
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)).With("$channels", IdList(channelIds)).With("$limit", limit);
        var parents = new List<Message>();
        var followedAt = new List<DateTimeOffset>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                parents.Add(ReadMessage(reader));
                followedAt.Add(reader.GetTime(MessageColumnCount));
            }
        }
        var current = await WithDerivedAsync(connection, null, parents, cancellationToken);
        return [.. current.Select((p, i) => new FollowedThread(p, followedAt[i]))];
    }

    /// <summary>
    /// One change of one message in one write transaction: BEGIN IMMEDIATE takes SQLite's write lock first, so the
    /// message read here is current and the channel's next number is this change's alone. When <paramref name="apply"/>
    /// changed something, the number becomes the channel's last and the message's change sequence; the message is
    /// read back inside the transaction, so what is returned (and announced) is exactly this change's result.
    /// </summary>
    private async ValueTask<MessageChange?> ChangeAsync(Ulid workspaceId, Ulid messageId, Func<SqliteConnection, SqliteTransaction, Message, Task<bool>> apply, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await ReadOneAsync(connection, transaction, workspaceId, messageId, cancellationToken);
        if (current is null)
        {
            return null;
        }
        if (!await apply(connection, transaction, current))
        {
            return new MessageChange((await WithDerivedAsync(connection, transaction, [current], cancellationToken))[0], false);
        }
        await using (var bump = Command(connection, """
            UPDATE channels SET last_sequence = last_sequence + 1 WHERE workspace_id = $ws AND id = $ch;
            UPDATE messages SET change_sequence = (SELECT last_sequence FROM channels WHERE workspace_id = $ws AND id = $ch) WHERE workspace_id = $ws AND id = $id;
            """, transaction).With("$ws", Blob(workspaceId)).With("$ch", Blob(current.ChannelId)).With("$id", Blob(messageId)))
        {
            await bump.ExecuteNonQueryAsync(cancellationToken);
        }
        var changed = (await ReadOneAsync(connection, transaction, workspaceId, messageId, cancellationToken))!;
        var result = (await WithDerivedAsync(connection, transaction, [changed], cancellationToken))[0];
        await transaction.CommitAsync(cancellationToken);
        return new MessageChange(result, true);
    }

    private static async Task<Message?> ReadOneAsync(SqliteConnection connection, SqliteTransaction transaction, Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken)
    {
        await using var read = Command(connection, $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $ws AND id = $id", transaction)
            .With("$ws", Blob(workspaceId)).With("$id", Blob(messageId));
        return (await ReadMessagesAsync(read, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// Adds what is derived when messages are read: reactions aggregated per emoji (count, first users in reaction order,
    /// emoji in order of first use), and for top-level messages the live reply count and newest reply time.
    /// </summary>
    private static async Task<List<Message>> WithDerivedAsync(SqliteConnection connection, SqliteTransaction? transaction, List<Message> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var workspaceId = rows[0].WorkspaceId;
        var reactions = new Dictionary<Ulid, List<MessageReaction>>();
        await using (var command = Command(connection, $"""
            SELECT message_id, emoji, user_id, n FROM (
                SELECT message_id, emoji, user_id,
                       row_number() OVER (PARTITION BY message_id, emoji ORDER BY created_at, user_id) AS rank,
                       count(*) OVER (PARTITION BY message_id, emoji) AS n,
                       min(created_at) OVER (PARTITION BY message_id, emoji) AS first_use
                FROM message_reactions
                WHERE workspace_id = $ws AND message_id IN (SELECT unhex(value) FROM json_each($ids))
            ) WHERE rank <= {MessageReaction.MaxUsers}
            ORDER BY message_id, first_use, emoji, rank
            """, transaction).With("$ws", Blob(workspaceId)).With("$ids", IdList(rows.Select(m => m.Id))))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var messageId = reader.GetUlid(0);
                var emoji = reader.GetString(1);
                if (!reactions.TryGetValue(messageId, out var list))
                {
                    list = [];
                    reactions.Add(messageId, list);
                }
                if (list.Count == 0 || list[^1].Emoji != emoji)
                {
                    list.Add(new MessageReaction(emoji, (int)reader.GetInt64(3), new List<Ulid>()));
                }
                ((List<Ulid>)list[^1].Users).Add(reader.GetUlid(2));
            }
        }
        var threads = new Dictionary<Ulid, (int Count, DateTimeOffset Last)>();
        var parents = rows.Where(m => m.ThreadId is null).Select(m => m.Id).ToList();
        if (parents.Count > 0)
        {
            await using var command = Command(connection, """
                SELECT thread_id, count(*), max(created_at) FROM messages
                WHERE workspace_id = $ws AND thread_id IN (SELECT unhex(value) FROM json_each($ids)) AND deleted_at IS NULL
                GROUP BY thread_id
                """, transaction).With("$ws", Blob(workspaceId)).With("$ids", IdList(parents));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                threads[reader.GetUlid(0)] = ((int)reader.GetInt64(1), reader.GetTime(2));
            }
        }
        return DerivedMessageState.Attach(rows, reactions, threads);
    }

    private static string IdList(IEnumerable<Ulid> ids) => "[" + string.Join(",", ids.Select(id => "\"" + Convert.ToHexString(id.ToByteArray()) + "\"")) + "]";
}
