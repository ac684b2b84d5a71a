using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore : IReadStateStore
{
    /// <summary>A message that mentions the user ($3): by name, or everyone with @channel / @here.</summary>
    private const string MentionsUser = "(strpos(m.content, $3) > 0 OR strpos(m.content, '<!channel>') > 0 OR strpos(m.content, '<!here>') > 0)";

    public async ValueTask<IReadOnlyList<ChannelReadState>> GetReadStatesAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        // One statement for all channels; each count is an index range scan of (workspace_id, channel_id, sequence).
        await using var command = Command($"""
            SELECT c.id, COALESCE(r.last_read_sequence, 0),
                (SELECT count(*) FROM messages m WHERE m.workspace_id = $1 AND m.channel_id = c.id AND m.sequence > COALESCE(r.last_read_sequence, 0)
                    AND m.author_id <> $2 AND m.deleted_at IS NULL AND m.thread_id IS NULL),
                (SELECT count(*) FROM messages m WHERE m.workspace_id = $1 AND m.channel_id = c.id AND m.sequence > COALESCE(r.last_read_sequence, 0)
                    AND m.author_id <> $2 AND m.deleted_at IS NULL AND {MentionsUser})
            FROM unnest($4::uuid[]) AS c(id)
            LEFT JOIN read_states r ON r.workspace_id = $1 AND r.channel_id = c.id AND r.user_id = $2
            """).With(Uuid(workspaceId), Uuid(userId), Mentions.Of(userId), channelIds.Select(Uuid).ToArray());
        var states = new List<ChannelReadState>(channelIds.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            states.Add(new ChannelReadState(reader.GetUlid(0), reader.GetInt64(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3)));
        }
        return states;
    }

    public async ValueTask<IReadOnlyList<Message>> ListMentionsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, Ulid? before, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        await using var command = Command($"""
            SELECT {string.Join(", ", MessageColumns.Split(", ").Select(c => "m." + c))} FROM messages m
            WHERE m.workspace_id = $1 AND m.channel_id = ANY($4) AND m.author_id <> $2 AND m.deleted_at IS NULL
                AND ($5::uuid IS NULL OR m.id < $5) AND {MentionsUser}
            ORDER BY m.id DESC LIMIT $6
            """).With(Uuid(workspaceId), Uuid(userId), Mentions.Of(userId), channelIds.Select(Uuid).ToArray(), Uuid(before), limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }
}
