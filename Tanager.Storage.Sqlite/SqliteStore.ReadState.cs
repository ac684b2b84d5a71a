using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore : IReadStateStore
{
    /// <summary>A message that mentions the user: by name, or everyone with @channel / @here.</summary>
    private const string MentionsUser = "(instr(m.content, $token) > 0 OR instr(m.content, '<!channel>') > 0 OR instr(m.content, '<!here>') > 0)";

    public async ValueTask<IReadOnlyList<ChannelReadState>> GetReadStatesAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        await using var connection = await OpenAsync(cancellationToken);
        var states = new List<ChannelReadState>(channelIds.Count);
        foreach (var channelId in channelIds)
        {
            // One small indexed query per channel: (workspace_id, channel_id, sequence) bounds each count to the unread tail.
            await using var command = Command(connection, $"""
                WITH r AS (SELECT COALESCE((SELECT last_read_sequence FROM read_states WHERE workspace_id = $ws AND channel_id = $ch AND user_id = $user), 0) AS last)
                SELECT r.last,
                    (SELECT count(*) FROM messages m WHERE m.workspace_id = $ws AND m.channel_id = $ch AND m.sequence > r.last
                        AND m.author_id <> $user AND m.deleted_at IS NULL AND m.thread_id IS NULL),
                    (SELECT count(*) FROM messages m WHERE m.workspace_id = $ws AND m.channel_id = $ch AND m.sequence > r.last
                        AND m.author_id <> $user AND m.deleted_at IS NULL AND {MentionsUser})
                FROM r
                """).With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$user", Blob(userId)).With("$token", Mentions.Of(userId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            states.Add(new ChannelReadState(channelId, reader.GetInt64(0), reader.GetInt32(1), reader.GetInt32(2)));
        }
        return states;
    }

    public async ValueTask<IReadOnlyList<Message>> ListMentionsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, Ulid? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        await using var connection = await OpenAsync(cancellationToken);
        var channels = string.Join(", ", channelIds.Select((_, i) => $"$c{i}"));
        await using var command = Command(connection, $"""
            SELECT {string.Join(", ", MessageColumns.Split(", ").Select(c => "m." + c))} FROM messages m
            WHERE m.workspace_id = $ws AND m.channel_id IN ({channels}) AND m.author_id <> $user AND m.deleted_at IS NULL
                AND ($before IS NULL OR m.id < $before) AND {MentionsUser}
            ORDER BY m.id DESC LIMIT $limit
            """).With("$ws", Blob(workspaceId)).With("$user", Blob(userId)).With("$token", Mentions.Of(userId)).With("$before", Blob(before)).With("$limit", limit);
        var index = 0;
        foreach (var channelId in channelIds)
        {
            command.With($"$c{index++}", Blob(channelId));
        }
        return await ReadMessagesAsync(command, cancellationToken);
    }
}
