using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Channel settings, deletion and member pages. Every statement filters by workspace_id (one shard under Citus).</summary>
public sealed partial class PostgresStore
{
    public async ValueTask<ChannelUpdateResult> TryUpdateChannelAsync(Channel channel, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await using var command = Command("""
            UPDATE channels SET name = $3, topic = $4, description = $5, archived_at = $6, overrides = $7, updated_at = $8
            WHERE workspace_id = $1 AND id = $2 AND updated_at = $9 AND deleted_at IS NULL
            """)
            .With(Uuid(channel.WorkspaceId), Uuid(channel.Id), channel.Name, channel.Topic, channel.Description, channel.ArchivedAt,
                ChannelOverrideFormat.Write(channel.Overrides), channel.UpdatedAt, expectedUpdatedAt);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? ChannelUpdateResult.Updated : ChannelUpdateResult.Stale;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return ChannelUpdateResult.NameTaken;
        }
    }

    public async ValueTask<IReadOnlyList<Ulid>?> DeleteChannelAsync(Ulid workspaceId, Ulid channelId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default)
    {
        // One statement: the row stays (its messages refer to it) under a name no live channel can have (names are lower
        // case), and its memberships go only if it was live.
        await using var command = Command("""
            WITH deleted AS (
                UPDATE channels SET deleted_at = $3, name = $4
                WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL
                RETURNING workspace_id, id),
            ended AS (
                DELETE FROM channel_members cm USING deleted d
                WHERE cm.workspace_id = $1 AND cm.channel_id = $2 AND d.workspace_id = cm.workspace_id AND d.id = cm.channel_id
                RETURNING cm.user_id)
            SELECT (SELECT count(*) FROM deleted), user_id FROM (SELECT user_id FROM ended UNION ALL SELECT NULL::uuid) u
            """).With(Uuid(workspaceId), Uuid(channelId), deletedAt, channelId.ToString());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var members = new List<Ulid>();
        var found = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            found = reader.GetInt64(0) == 1;
            if (!reader.IsDBNull(1))
            {
                members.Add(reader.GetUlid(1));
            }
        }
        if (!found)
        {
            return null;
        }
        members.Sort();
        return members;
    }

    public async ValueTask<IReadOnlyList<ChannelMember>> ListChannelMembersAsync(Ulid workspaceId, Ulid channelId, Ulid? afterUserId, int limit, CancellationToken cancellationToken = default)
    {
        // uuid order is byte order, which is ULID order; the nil uuid sorts before every ULID.
        await using var command = Command($"""
            SELECT {ChannelMemberColumns} FROM channel_members
            WHERE workspace_id = $1 AND channel_id = $2 AND user_id > $3
            ORDER BY user_id LIMIT $4
            """).With(Uuid(workspaceId), Uuid(channelId), afterUserId is { } after ? Uuid(after) : Guid.Empty, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var members = new List<ChannelMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new ChannelMember(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetTime(3)));
        }
        return members;
    }
}
