using NUlid;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Direct and group messages: channels whose kind column says 'private' and whose dm_kind says which they are.</summary>
public sealed partial class PostgresStore
{
    public async ValueTask<bool> TryCreateDirectMessageAsync(Channel channel, IReadOnlyList<ChannelMember> participants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(participants);
        // One statement (PgBouncer-safe): the member rows are inserted only if the channel row was. ON CONFLICT DO NOTHING
        // covers both unique keys: the pair's dm_key (the other side opened it first) and the name.
        await using var command = Command($"""
            WITH created AS (
                INSERT INTO channels ({NewChannelColumns}, dm_kind, dm_key) VALUES ($1, $2, $3, 'private', NULL, 0, $4, $5, $6, $7)
                ON CONFLICT DO NOTHING RETURNING workspace_id, id)
            INSERT INTO channel_members ({ChannelMemberColumns})
            SELECT created.workspace_id, created.id, p.user_id, $9 FROM created CROSS JOIN unnest($8::uuid[]) AS p (user_id)
            """)
            .With(Uuid(channel.WorkspaceId), Uuid(channel.Id), channel.Name, channel.CreatedAt, channel.UpdatedAt, channel.Kind.ToWire(), channel.DirectMessageKey,
                participants.Select(p => Uuid(p.UserId)).ToArray(), participants.Count == 0 ? channel.CreatedAt : participants[0].JoinedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async ValueTask<Channel?> FindDirectMessageAsync(Ulid workspaceId, string directMessageKey, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {ChannelColumns} FROM channels WHERE workspace_id = $1 AND dm_key = $2 AND deleted_at IS NULL")
            .With(Uuid(workspaceId), directMessageKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChannel(reader) : null;
    }

    public async ValueTask<IReadOnlyList<DirectMessage>> ListDirectMessagesAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        // Every join is on workspace_id too, so on Citus the whole query runs on the workspace's shard.
        await using var command = Command($"""
            SELECT array_agg(p.user_id ORDER BY p.user_id), {string.Join(", ", ChannelColumns.Split(", ").Select(c => "c." + c))}
            FROM channel_members me
            JOIN channels c ON c.workspace_id = me.workspace_id AND c.id = me.channel_id AND c.dm_kind IS NOT NULL AND c.deleted_at IS NULL
            JOIN channel_members p ON p.workspace_id = me.workspace_id AND p.channel_id = me.channel_id
            WHERE me.workspace_id = $1 AND me.user_id = $2
            GROUP BY {string.Join(", ", ChannelColumns.Split(", ").Select(c => "c." + c))}
            ORDER BY c.id DESC
            """).With(Uuid(workspaceId), Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DirectMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var ids = reader.GetFieldValue<Guid[]>(0);
            result.Add(new DirectMessage(ReadChannel(reader, 1), [.. ids.Select(g => new Ulid(g.ToByteArray(bigEndian: true)))]));
        }
        return result;
    }
}
