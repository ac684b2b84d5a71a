using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string ChannelColumns = "workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at, description, archived_at, overrides, dm_kind, dm_key, created_by";
    /// <summary>The columns a new channel is inserted with; the rest take their defaults.</summary>
    private const string NewChannelColumns = "workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at";
    private const string ChannelMemberColumns = "workspace_id, channel_id, user_id, joined_at";

    public async ValueTask<bool> TryCreateAsync(Channel channel, ChannelMember creator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(creator);
        // The member row is inserted only if the channel row was: a taken name inserts neither.
        await using var command = Command($"""
            WITH created AS (
                INSERT INTO channels ({NewChannelColumns}, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $11)
                ON CONFLICT DO NOTHING RETURNING workspace_id, id)
            INSERT INTO channel_members ({ChannelMemberColumns})
            SELECT workspace_id, id, $9, $10 FROM created
            """)
            .With(Uuid(channel.WorkspaceId), Uuid(channel.Id), channel.Name, channel.Kind.ToWire(), channel.Topic, channel.LastSequence, channel.CreatedAt, channel.UpdatedAt,
                Uuid(creator.UserId), creator.JoinedAt, Uuid(channel.CreatedBy));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<Channel?> GetAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {ChannelColumns} FROM channels WHERE workspace_id = $1 AND id = $2 AND deleted_at IS NULL").With(Uuid(workspaceId), Uuid(channelId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChannel(reader) : null;
    }

    public async ValueTask<IReadOnlyList<Channel>> ListAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {ChannelColumns} FROM channels WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY name COLLATE \"C\"").With(Uuid(workspaceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var channels = new List<Channel>();
        while (await reader.ReadAsync(cancellationToken))
        {
            channels.Add(ReadChannel(reader));
        }
        return channels;
    }

    public async ValueTask<IReadOnlySet<Ulid>> ListMembershipsAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT channel_id FROM channel_members WHERE workspace_id = $1 AND user_id = $2").With(Uuid(workspaceId), Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new HashSet<Ulid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetUlid(0));
        }
        return ids;
    }

    public async ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            SELECT wm.role, cm.user_id IS NOT NULL, {string.Join(", ", ChannelColumns.Split(", ").Select(c => "c." + c))}
            FROM workspace_members wm
            LEFT JOIN channels c ON c.workspace_id = wm.workspace_id AND c.id = $2 AND c.deleted_at IS NULL
            LEFT JOIN channel_members cm ON cm.workspace_id = wm.workspace_id AND cm.channel_id = $2 AND cm.user_id = wm.user_id
            WHERE wm.workspace_id = $1 AND wm.user_id = $3
            """).With(Uuid(workspaceId), Uuid(channelId), Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new ChannelAccess(DtoMapping.ParseRole(reader.GetString(0)), reader.IsDBNull(3) ? null : ReadChannel(reader, 2), reader.GetBoolean(1));
    }

    public async ValueTask<ChannelMember?> GetMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {ChannelMemberColumns} FROM channel_members WHERE workspace_id = $1 AND channel_id = $2 AND user_id = $3")
            .With(Uuid(workspaceId), Uuid(channelId), Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ChannelMember(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetTime(3))
            : null;
    }

    public async ValueTask<bool> TryAddMemberAsync(ChannelMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        await using var command = Command($"INSERT INTO channel_members ({ChannelMemberColumns}) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .With(Uuid(member.WorkspaceId), Uuid(member.ChannelId), Uuid(member.UserId), member.JoinedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> TryRemoveMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("DELETE FROM channel_members WHERE workspace_id = $1 AND channel_id = $2 AND user_id = $3")
            .With(Uuid(workspaceId), Uuid(channelId), Uuid(userId));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static Channel ReadChannel(NpgsqlDataReader reader, int first = 0) =>
        // A direct or group message's kind column says 'private'; dm_kind says which it is (0007_direct_messages.sql).
        new(reader.GetUlid(first), reader.GetUlid(first + 1), reader.GetString(first + 2),
            DtoMapping.ParseChannelKind(reader.GetNullableString(first + 11) ?? reader.GetString(first + 3)), reader.GetNullableString(first + 4),
            reader.GetInt64(first + 5), reader.GetTime(first + 6), reader.GetTime(first + 7))
        {
            Description = reader.GetNullableString(first + 8),
            ArchivedAt = reader.GetNullableTime(first + 9),
            Overrides = ChannelOverrideFormat.Read(reader.GetString(first + 10)),
            DirectMessageKey = reader.GetNullableString(first + 12),
            CreatedBy = reader.GetNullableUlid(first + 13),
        };
}
