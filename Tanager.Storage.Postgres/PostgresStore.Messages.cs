using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using NUlid;
using Tanager.Storage.Relational.Internal;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>
    /// One workspace's share of a batch in one statement: lock the channels' rows in a fixed order (so concurrent batches from other nodes
    /// cannot deadlock), advance each channel's sequence once by its number of messages, number the messages in list
    /// order from the old value, and insert them with one multi-row INSERT. The workspace is one parameter ($1) that every
    /// part filters by: Citus routes such a statement, row lock and data-modifying CTE included, to the workspace's one
    /// shard, and refuses a FOR UPDATE whose workspace comes from an array (every send answered 500 on a real cluster).
    /// </summary>
    internal const string AppendSql = """
        WITH input AS (
            SELECT $1::uuid AS workspace_id, t.* FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::uuid[], $7::timestamptz[], $8::text[])
                WITH ORDINALITY AS t(id, channel_id, author_id, content, thread_id, created_at, nonce, ordinal)
        ),
        counts AS (
            SELECT channel_id, count(*) AS n FROM input GROUP BY channel_id
        ),
        locked AS (
            SELECT c.id FROM channels c JOIN counts ON c.id = counts.channel_id
            WHERE c.workspace_id = $1
            ORDER BY c.id FOR UPDATE OF c
        ),
        bumped AS (
            UPDATE channels c SET last_sequence = c.last_sequence + counts.n
            FROM counts, locked
            WHERE c.workspace_id = $1 AND c.id = counts.channel_id AND locked.id = c.id
            RETURNING c.id AS channel_id, c.last_sequence - counts.n AS base
        ),
        numbered AS (
            SELECT i.*, row_number() OVER (PARTITION BY i.channel_id ORDER BY i.ordinal) AS rank FROM input i
        )
        INSERT INTO messages (workspace_id, id, channel_id, author_id, content, sequence, change_sequence, thread_id, created_at, nonce)
        SELECT $1, n.id, n.channel_id, n.author_id, n.content, b.base + n.rank, b.base + n.rank, n.thread_id, n.created_at, n.nonce
        FROM numbered n JOIN bumped b ON b.channel_id = n.channel_id
        RETURNING id, sequence
        """;

    public override async ValueTask<IReadOnlyList<Message>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Npgsql sends BEGIN with the first statement, so the transaction costs one extra round trip: the COMMIT.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Retried sends (same author, channel and nonce as an earlier message) get the earlier message, and take no number.
        var earlier = await FindByNonceAsync(connection, transaction, messages, cancellationToken);
        var firstOfNonce = new Dictionary<(Ulid, Ulid, Ulid, string), NewMessage>();
        var fresh = new List<NewMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Nonce is not { } nonce)
            {
                fresh.Add(message);
            }
            else if (!earlier.ContainsKey((message.WorkspaceId, message.ChannelId, message.AuthorId, nonce)) && firstOfNonce.TryAdd((message.WorkspaceId, message.ChannelId, message.AuthorId, nonce), message))
            {
                fresh.Add(message);
            }
        }
        var sequences = fresh.Count == 0 ? [] : await InsertAsync(connection, transaction, fresh, cancellationToken);
        if (sequences.Count != fresh.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            var missing = fresh.First(m => !sequences.ContainsKey(m.Id));
            throw new InvalidOperationException($"Channel {missing.ChannelId} does not exist in workspace {missing.WorkspaceId}.");
        }
        await transaction.CommitAsync(cancellationToken);
        return [.. messages.Select(m =>
        {
            if (m.Nonce is { } nonce)
            {
                var key = (m.WorkspaceId, m.ChannelId, m.AuthorId, nonce);
                if (earlier.TryGetValue(key, out var stored))
                {
                    return stored;
                }
                m = firstOfNonce[key];
            }
            var sequence = sequences[m.Id];
            return new Message(m.WorkspaceId, m.ChannelId, m.Id, m.AuthorId, m.Content, sequence, sequence, m.ThreadId, m.CreatedAt, null, null, m.Nonce);
        })];
    }

    private async Task<Dictionary<(Ulid, Ulid, Ulid, string), Message>> FindByNonceAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken)
    {
        var keyed = messages.Where(m => m.Nonce is not null).ToList();
        if (keyed.Count == 0)
        {
            return [];
        }
        await using var command = new NpgsqlCommand($"""
            SELECT {string.Join(", ", StoredRows.MessageColumns.Split(", ").Select(c => "m." + c))}
            FROM messages m JOIN unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS k(workspace_id, channel_id, author_id, nonce)
              ON m.workspace_id = k.workspace_id AND m.channel_id = k.channel_id AND m.author_id = k.author_id AND m.nonce = k.nonce
            """, connection, transaction).With(
            keyed.Select(m => Uuid(m.WorkspaceId)).ToArray(), keyed.Select(m => Uuid(m.ChannelId)).ToArray(), keyed.Select(m => Uuid(m.AuthorId)).ToArray(), keyed.Select(m => m.Nonce!).ToArray());
        return (await Rows.MessagesAsync(command, cancellationToken)).ToDictionary(m => (m.WorkspaceId, m.ChannelId, m.AuthorId, m.Nonce!));
    }

    /// <summary>Inserts messages none of which exists yet; returns each one's sequence number by id.</summary>
    private async Task<Dictionary<Ulid, long>> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<NewMessage> messages, CancellationToken cancellationToken)
    {
        // One statement per workspace, all in one round trip: under Citus each statement then touches a single shard.
        await using var batch = new NpgsqlBatch(connection, transaction);
        // Workspaces in a fixed order, so that two batches spanning the same workspaces lock their channels in the same order.
        foreach (var group in messages.GroupBy(m => m.WorkspaceId).OrderBy(g => g.Key))
        {
            var command = new NpgsqlBatchCommand(AppendSql);
            command.Parameters.AddRange(AppendParameters(group.Key, [.. group]));
            batch.BatchCommands.Add(command);
        }
        var sequences = new Dictionary<Ulid, long>(messages.Count);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    sequences[Rows.Id(reader, 0)] = reader.GetInt64(1);
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        return sequences;
    }

    /// <summary>The parameters of <see cref="AppendSql"/> for one workspace's messages.</summary>
    internal static NpgsqlParameter[] AppendParameters(Ulid workspaceId, IReadOnlyList<NewMessage> group) =>
    [
        new() { Value = Uuid(workspaceId) },
        new() { Value = group.Select(m => Uuid(m.Id)).ToArray() },
        new() { Value = group.Select(m => Uuid(m.ChannelId)).ToArray() },
        new() { Value = group.Select(m => Uuid(m.AuthorId)).ToArray() },
        new() { Value = group.Select(m => m.Content).ToArray() },
        new() { Value = group.Select(m => Uuid(m.ThreadId)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid },
        new() { Value = group.Select(m => m.CreatedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
        new() { Value = group.Select(m => m.Nonce).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
    ];

    public async ValueTask<IReadOnlyList<Message>> SearchAsync(Ulid workspaceId, MessageSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.ChannelIds.Count == 0 || search.Limit <= 0)
        {
            return [];
        }
        var (sql, values) = SearchStatement(workspaceId, search);
        await using var command = Command(sql).With(values);
        return await WithDerivedAsync(await Rows.MessagesAsync(command, cancellationToken), cancellationToken);
    }

    /// <summary>The search statement and its parameter values ($1 is always the workspace).</summary>
    internal static (string Sql, object?[] Values) SearchStatement(Ulid workspaceId, MessageSearch search)
    {
        var text = search.Text.Trim();
        var values = new List<object?> { Uuid(workspaceId), search.ChannelIds.Select(Uuid).ToArray(), search.Limit };
        var filters = new StringBuilder();
        if (search.AuthorIds.Count > 0)
        {
            values.Add(search.AuthorIds.Select(Uuid).ToArray());
            filters.Append(CultureInfo.InvariantCulture, $" AND author_id = ANY(${values.Count})");
        }
        if (search.CreatedBefore is { } before)
        {
            values.Add(before.ToUniversalTime());
            filters.Append(CultureInfo.InvariantCulture, $" AND created_at < ${values.Count}");
        }
        if (search.CreatedOnOrAfter is { } from)
        {
            values.Add(from.ToUniversalTime());
            filters.Append(CultureInfo.InvariantCulture, $" AND created_at >= ${values.Count}");
        }
        filters.Append(search.Thread switch
        {
            SearchThreadFilter.RepliesOnly => " AND thread_id IS NOT NULL",
            SearchThreadFilter.TopLevelOnly => " AND thread_id IS NULL",
            _ => "",
        });
        string sql;
        if (text.Length > 0)
        {
            values.Add(text);
            // websearch_to_tsquery accepts anything a person types (quotes, or, -word) and never raises a syntax error.
            sql = $"""
                SELECT {StoredRows.MessageColumns} FROM messages, websearch_to_tsquery('english', ${values.Count}) q
                WHERE workspace_id = $1 AND channel_id = ANY($2) AND deleted_at IS NULL AND search @@ q{filters}
                ORDER BY ts_rank(search, q) DESC, id DESC
                LIMIT $3
                """;
        }
        else
        {
            sql = $"""
                SELECT {StoredRows.MessageColumns} FROM messages
                WHERE workspace_id = $1 AND channel_id = ANY($2) AND deleted_at IS NULL{filters}
                ORDER BY created_at DESC, id DESC
                LIMIT $3
                """;
        }
        return (sql, [.. values]);
    }
}
