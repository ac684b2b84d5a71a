using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>
/// Message changes (edits, deletes, pins, reactions), threads, and what is derived when messages are read. Every
/// statement filters by workspace_id, so under Citus each one runs on a single shard.
/// </summary>
public sealed partial class PostgresStore
{
    public ValueTask<MessageChange?> EditAsync(Ulid workspaceId, Ulid messageId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (transaction, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await using var update = Command(transaction, "UPDATE messages SET content = $3, edited_at = $4 WHERE workspace_id = $1 AND id = $2")
                .With(Uuid(workspaceId), Uuid(messageId), content, editedAt);
            await update.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask<MessageChange?> DeleteAsync(Ulid workspaceId, Ulid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (transaction, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await using var batch = new NpgsqlBatch(transaction.Connection, transaction)
            {
                BatchCommands =
                {
                    Batched("UPDATE messages SET content = '', deleted_at = $3, pinned_at = NULL, pinned_by = NULL WHERE workspace_id = $1 AND id = $2", Uuid(workspaceId), Uuid(messageId), deletedAt),
                    Batched("DELETE FROM message_reactions WHERE workspace_id = $1 AND message_id = $2", Uuid(workspaceId), Uuid(messageId)),
                },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask<MessageChange?> SetPinAsync(Ulid workspaceId, Ulid messageId, Ulid? pinnedBy, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (transaction, current) =>
        {
            if (pinnedBy is not null ? current.DeletedAt is not null || current.PinnedAt is not null : current.PinnedAt is null)
            {
                return false;
            }
            await using var update = Command(transaction, "UPDATE messages SET pinned_at = $3, pinned_by = $4 WHERE workspace_id = $1 AND id = $2")
                .With(Uuid(workspaceId), Uuid(messageId), pinnedBy is null ? null : at, Uuid(pinnedBy));
            update.Parameters[2].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
            update.Parameters[3].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid;
            await update.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public ValueTask<MessageChange?> AddReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (transaction, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await using var insert = Command(transaction, """
                INSERT INTO message_reactions (workspace_id, message_id, emoji, user_id, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING
                """).With(Uuid(workspaceId), Uuid(messageId), emoji, Uuid(userId), at);
            return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public ValueTask<MessageChange?> RemoveReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (transaction, _) =>
        {
            await using var delete = Command(transaction, "DELETE FROM message_reactions WHERE workspace_id = $1 AND message_id = $2 AND emoji = $3 AND user_id = $4")
                .With(Uuid(workspaceId), Uuid(messageId), emoji, Uuid(userId));
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
        await using var command = Command("SELECT message_id, emoji FROM message_reactions WHERE workspace_id = $1 AND user_id = $2 AND message_id = ANY($3)")
            .With(Uuid(workspaceId), Uuid(userId), messageIds.Select(Uuid).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            own.Add((reader.GetUlid(0), reader.GetString(1)));
        }
        return own;
    }

    public async ValueTask<IReadOnlyList<Message>> ListPinsAsync(Ulid workspaceId, Ulid channelId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {MessageColumns} FROM messages WHERE workspace_id = $1 AND channel_id = $2 AND pinned_at IS NOT NULL ORDER BY pinned_at DESC, sequence DESC LIMIT $3")
            .With(Uuid(workspaceId), Uuid(channelId), limit);
        return await WithDerivedAsync(null, await ReadMessagesAsync(command, cancellationToken), cancellationToken);
    }

    public async ValueTask<MessageSlice> ListThreadAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, HistoryQuery query, CancellationToken cancellationToken = default)
    {
        var sql = query.After is not null
            ? $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $1 AND thread_id = $2 AND channel_id = $3 AND sequence > $4 ORDER BY sequence LIMIT $5"
            : $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $1 AND thread_id = $2 AND channel_id = $3 AND sequence < $4 ORDER BY sequence DESC LIMIT $5";
        await using var command = Command(sql).With(Uuid(workspaceId), Uuid(threadId), Uuid(channelId), query.After ?? query.Before ?? long.MaxValue, query.Limit + 1);
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
        return new MessageSlice(await WithDerivedAsync(null, rows, cancellationToken), hasMore, await LastSequenceAsync(workspaceId, channelId, cancellationToken));
    }

    public async ValueTask SetThreadFollowAsync(Ulid workspaceId, Ulid channelId, Ulid threadId, Ulid userId, bool following, DateTimeOffset at, bool onlyIfUndecided = false, CancellationToken cancellationToken = default)
    {
        var onConflict = onlyIfUndecided
            ? "DO NOTHING"
            : "DO UPDATE SET following = excluded.following, followed_at = excluded.followed_at WHERE thread_follows.following <> excluded.following";
        await using var command = Command($"""
            INSERT INTO thread_follows (workspace_id, user_id, thread_id, channel_id, following, followed_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (workspace_id, user_id, thread_id) {onConflict}
            """).With(Uuid(workspaceId), Uuid(userId), Uuid(threadId), Uuid(channelId), following, at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<FollowedThread>> ListFollowedThreadsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        if (channelIds.Count == 0)
        {
            return [];
        }
        await using var command = Command($"""
            SELECT {string.Join(", ", MessageColumns.Split(", ").Select(c => "p." + c))}, f.followed_at
            FROM thread_follows f JOIN messages p ON p.workspace_id = f.workspace_id AND p.id = f.thread_id
            WHERE f.workspace_id = $1 AND f.user_id = $2 AND f.following AND f.channel_id = ANY($3)
            ORDER BY COALESCE((SELECT max(r.created_at) FROM messages r WHERE r.workspace_id = p.workspace_id AND r.thread_id = p.id AND r.deleted_at IS NULL), p.created_at) DESC, p.id DESC
            LIMIT $4
            """).With(Uuid(workspaceId), Uuid(userId), channelIds.Select(Uuid).ToArray(), limit);
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
        var current = await WithDerivedAsync(null, parents, cancellationToken);
        return [.. current.Select((p, i) => new FollowedThread(p, followedAt[i]))];
    }

    /// <summary>
    /// One change of one message in one transaction. Every change of a channel's messages (and every append) first
    /// locks the channel's row, so the message read after taking the lock is current and the channel's next number is
    /// this change's alone. When <paramref name="apply"/> changed something, the number becomes the channel's last and
    /// the message's change sequence; the message is read back before COMMIT, so what is returned (and announced) is
    /// exactly this change's result. Plain statements with positional parameters: safe behind PgBouncer's transaction mode.
    /// </summary>
    private async ValueTask<MessageChange?> ChangeAsync(Ulid workspaceId, Ulid messageId, Func<NpgsqlTransaction, Message, Task<bool>> apply, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Ulid channelId;
        await using (var find = Command(transaction, "SELECT channel_id FROM messages WHERE workspace_id = $1 AND id = $2").With(Uuid(workspaceId), Uuid(messageId)))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            channelId = reader.GetUlid(0);
        }
        await using (var lockChannel = Command(transaction, "SELECT last_sequence FROM channels WHERE workspace_id = $1 AND id = $2 FOR UPDATE").With(Uuid(workspaceId), Uuid(channelId)))
        {
            await lockChannel.ExecuteScalarAsync(cancellationToken);
        }
        var current = (await ReadOneAsync(transaction, workspaceId, messageId, cancellationToken))!;
        if (!await apply(transaction, current))
        {
            var unchanged = (await WithDerivedAsync(transaction, [current], cancellationToken))[0];
            await transaction.RollbackAsync(cancellationToken);
            return new MessageChange(unchanged, false);
        }
        await using (var bump = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Batched("UPDATE channels SET last_sequence = last_sequence + 1 WHERE workspace_id = $1 AND id = $2", Uuid(workspaceId), Uuid(channelId)),
                Batched("UPDATE messages SET change_sequence = (SELECT last_sequence FROM channels WHERE workspace_id = $1 AND id = $2) WHERE workspace_id = $1 AND id = $3",
                    Uuid(workspaceId), Uuid(channelId), Uuid(messageId)),
            },
        })
        {
            await bump.ExecuteNonQueryAsync(cancellationToken);
        }
        var changed = (await ReadOneAsync(transaction, workspaceId, messageId, cancellationToken))!;
        var result = (await WithDerivedAsync(transaction, [changed], cancellationToken))[0];
        await transaction.CommitAsync(cancellationToken);
        return new MessageChange(result, true);
    }

    private static async Task<Message?> ReadOneAsync(NpgsqlTransaction transaction, Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken)
    {
        await using var read = Command(transaction, $"SELECT {MessageColumns} FROM messages WHERE workspace_id = $1 AND id = $2").With(Uuid(workspaceId), Uuid(messageId));
        return (await ReadMessagesAsync(read, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// Adds what is derived when messages are read: reactions aggregated per emoji (count, first users in reaction order,
    /// emoji in order of first use), and for top-level messages the live reply count and newest reply time.
    /// </summary>
    private async Task<List<Message>> WithDerivedAsync(NpgsqlTransaction? transaction, List<Message> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return rows;
        }
        var workspaceId = Uuid(rows[0].WorkspaceId);
        var reactions = new Dictionary<Ulid, List<MessageReaction>>();
        await using (var command = CommandIn(transaction, $"""
            SELECT message_id, emoji, user_id, n FROM (
                SELECT message_id, emoji, user_id,
                       row_number() OVER (PARTITION BY message_id, emoji ORDER BY created_at, user_id) AS rank,
                       count(*) OVER (PARTITION BY message_id, emoji) AS n,
                       min(created_at) OVER (PARTITION BY message_id, emoji) AS first_use
                FROM message_reactions
                WHERE workspace_id = $1 AND message_id = ANY($2)
            ) r WHERE rank <= {MessageReaction.MaxUsers}
            ORDER BY message_id, first_use, emoji COLLATE "C", rank
            """).With(workspaceId, rows.Select(m => Uuid(m.Id)).ToArray()))
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
        var parents = rows.Where(m => m.ThreadId is null).Select(m => Uuid(m.Id)).ToArray();
        if (parents.Length > 0)
        {
            await using var command = CommandIn(transaction, """
                SELECT thread_id, count(*), max(created_at) FROM messages
                WHERE workspace_id = $1 AND thread_id = ANY($2) AND deleted_at IS NULL
                GROUP BY thread_id
                """).With(workspaceId, parents);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                threads[reader.GetUlid(0)] = ((int)reader.GetInt64(1), reader.GetTime(2));
            }
        }
        return DerivedMessageState.Attach(rows, reactions, threads);
    }

    private NpgsqlCommand CommandIn(NpgsqlTransaction? transaction, string sql) => transaction is null ? Command(sql) : Command(transaction, sql);

    private static NpgsqlCommand Command(NpgsqlTransaction transaction, string sql) => new(sql, transaction.Connection, transaction);

    private static NpgsqlBatchCommand Batched(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }
}
