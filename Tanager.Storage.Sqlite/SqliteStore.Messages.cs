using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Relational.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public override async ValueTask<IReadOnlyList<Message>> AppendAsync(IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE: take the write lock up front so two appends cannot both read the same last_sequence.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var bump = Command(connection, "UPDATE channels SET last_sequence = last_sequence + 1 WHERE workspace_id = $ws AND id = $ch RETURNING last_sequence", transaction);
        var wsParameter = bump.Parameters.Add("$ws", SqliteType.Blob);
        var chParameter = bump.Parameters.Add("$ch", SqliteType.Blob);
        var insert = Command(connection, """
            INSERT INTO messages (workspace_id, id, channel_id, author_id, content, sequence, change_sequence, thread_id, created_at, nonce)
            VALUES ($ws, $id, $ch, $author, $content, $seq, $seq, $thread, $created, $nonce)
            """, transaction);
        var p = new[] { "$ws", "$id", "$ch", "$author", "$content", "$seq", "$thread", "$created", "$nonce" }.ToDictionary(n => n, n => insert.Parameters.Add(n, SqliteType.Blob));
        p["$content"].SqliteType = SqliteType.Text;
        p["$nonce"].SqliteType = SqliteType.Text;
        var earlier = Command(connection, $"SELECT {StoredRows.MessageColumns} FROM messages WHERE workspace_id = $ws AND channel_id = $ch AND author_id = $author AND nonce = $nonce", transaction);
        var e = new[] { "$ws", "$ch", "$author", "$nonce" }.ToDictionary(n => n, n => earlier.Parameters.Add(n, SqliteType.Blob));
        e["$nonce"].SqliteType = SqliteType.Text;
        var byNonce = new Dictionary<(Ulid, Ulid, Ulid, string), Message>();
        p["$seq"].SqliteType = SqliteType.Integer;
        p["$created"].SqliteType = SqliteType.Integer;
        await using (bump)
        await using (insert)
        await using (earlier)
        {
            var stored = new List<Message>(messages.Count);
            foreach (var message in messages)
            {
                if (message.Nonce is { } nonce)
                {
                    var key = (message.WorkspaceId, message.ChannelId, message.AuthorId, nonce);
                    if (!byNonce.TryGetValue(key, out var first))
                    {
                        (e["$ws"].Value, e["$ch"].Value, e["$author"].Value, e["$nonce"].Value) = (Blob(message.WorkspaceId), Blob(message.ChannelId), Blob(message.AuthorId), nonce);
                        first = (await Rows.MessagesAsync(earlier, cancellationToken)).FirstOrDefault();
                    }
                    if (first is not null)
                    {
                        byNonce[key] = first;
                        stored.Add(first);
                        continue;
                    }
                }
                wsParameter.Value = Blob(message.WorkspaceId);
                chParameter.Value = Blob(message.ChannelId);
                var sequence = await bump.ExecuteScalarAsync(cancellationToken) as long?
                    ?? throw new InvalidOperationException($"Channel {message.ChannelId} does not exist in workspace {message.WorkspaceId}.");
                p["$ws"].Value = Blob(message.WorkspaceId);
                p["$id"].Value = Blob(message.Id);
                p["$ch"].Value = Blob(message.ChannelId);
                p["$author"].Value = Blob(message.AuthorId);
                p["$content"].Value = message.Content;
                p["$seq"].Value = sequence;
                p["$thread"].Value = Blob(message.ThreadId);
                p["$created"].Value = Ticks(message.CreatedAt);
                p["$nonce"].Value = (object?)message.Nonce ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
                var row = new Message(message.WorkspaceId, message.ChannelId, message.Id, message.AuthorId, message.Content, sequence, sequence, message.ThreadId, message.CreatedAt, null, null, message.Nonce);
                if (message.Nonce is not null)
                {
                    byNonce[(message.WorkspaceId, message.ChannelId, message.AuthorId, message.Nonce)] = row;
                }
                stored.Add(row);
            }
            await transaction.CommitAsync(cancellationToken);
            return stored;
        }
    }

    public async ValueTask<IReadOnlyList<Message>> SearchAsync(Ulid workspaceId, MessageSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        var text = search.Text.Trim();
        var match = FtsQuery(text);
        if ((text.Length > 0 && match.Length == 0) || search.ChannelIds.Count == 0 || search.Limit <= 0)
        {
            return [];
        }
        var filters = new StringBuilder();
        if (search.AuthorIds.Count > 0)
        {
            filters.Append(" AND m.author_id IN (SELECT unhex(value) FROM json_each($authors))");
        }
        if (search.CreatedBefore is not null)
        {
            filters.Append(" AND m.created_at < $before");
        }
        if (search.CreatedOnOrAfter is not null)
        {
            filters.Append(" AND m.created_at >= $from");
        }
        filters.Append(search.Thread switch
        {
            SearchThreadFilter.RepliesOnly => " AND m.thread_id IS NOT NULL",
            SearchThreadFilter.TopLevelOnly => " AND m.thread_id IS NULL",
            _ => "",
        });
        var columns = string.Join(", ", StoredRows.MessageColumns.Split(", ").Select(c => "m." + c));
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, match.Length > 0
            ? $"""
                SELECT {columns}
                FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
                WHERE messages_fts MATCH $match AND m.workspace_id = $ws AND m.deleted_at IS NULL
                  AND m.channel_id IN (SELECT unhex(value) FROM json_each($channels)){filters}
                ORDER BY bm25(messages_fts), m.id DESC
                LIMIT $limit
                """
            : $"""
                SELECT {columns}
                FROM messages m
                WHERE m.workspace_id = $ws AND m.deleted_at IS NULL
                  AND m.channel_id IN (SELECT unhex(value) FROM json_each($channels)){filters}
                ORDER BY m.created_at DESC, m.id DESC
                LIMIT $limit
                """)
            .With("$ws", Blob(workspaceId)).With("$limit", search.Limit).With("$channels", HexList(search.ChannelIds));
        if (match.Length > 0)
        {
            command.With("$match", match);
        }
        if (search.AuthorIds.Count > 0)
        {
            command.With("$authors", HexList(search.AuthorIds));
        }
        if (search.CreatedBefore is { } before)
        {
            command.With("$before", before.UtcTicks);
        }
        if (search.CreatedOnOrAfter is { } from)
        {
            command.With("$from", from.UtcTicks);
        }
        return await WithDerivedAsync(await Rows.MessagesAsync(command, cancellationToken), cancellationToken);
    }

    /// <summary>Ids as a JSON array of hex strings, one parameter that json_each unpacks.</summary>
    private static string HexList(IEnumerable<Ulid> ids) => "[" + string.Join(",", ids.Select(id => "\"" + Convert.ToHexString(id.ToByteArray()) + "\"")) + "]";

    /// <summary>
    /// Turns what a person typed into an FTS5 query that cannot be a syntax error: every word quoted, all required.
    /// </summary>
    private static string FtsQuery(string query)
    {
        var builder = new StringBuilder();
        foreach (Match word in Word().Matches(query))
        {
            builder.Append(builder.Length == 0 ? "\"" : " \"").Append(word.Value).Append('"');
        }
        return builder.ToString();
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
