using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string ChannelColumns = "workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at, description, archived_at, overrides, dm_kind, dm_key, created_by";

    public async ValueTask<bool> TryCreateAsync(Channel channel, ChannelMember creator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(creator);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, """
            INSERT INTO channels (workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at, created_by)
            VALUES ($ws, $id, $name, $kind, $topic, $seq, $created, $updated, $by) ON CONFLICT DO NOTHING
            """, transaction).With("$by", Blob(channel.CreatedBy))
            .With("$ws", Blob(channel.WorkspaceId)).With("$id", Blob(channel.Id)).With("$name", channel.Name).With("$kind", channel.Kind.ToWire())
            .With("$topic", channel.Topic).With("$seq", channel.LastSequence).With("$created", Ticks(channel.CreatedAt)).With("$updated", Ticks(channel.UpdatedAt)))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        await using (var member = InsertChannelMember(connection, creator, transaction))
        {
            await member.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<Channel?> GetAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ChannelColumns} FROM channels WHERE workspace_id = $ws AND id = $id AND deleted_at IS NULL")
            .With("$ws", Blob(workspaceId)).With("$id", Blob(channelId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChannel(reader) : null;
    }

    public async ValueTask<IReadOnlyList<Channel>> ListAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ChannelColumns} FROM channels WHERE workspace_id = $ws AND deleted_at IS NULL ORDER BY name").With("$ws", Blob(workspaceId));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT channel_id FROM channel_members WHERE workspace_id = $ws AND user_id = $user")
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT wm.role, cm.user_id IS NOT NULL, {string.Join(", ", ChannelColumns.Split(", ").Select(c => "c." + c))}
            FROM workspace_members wm
            LEFT JOIN channels c ON c.workspace_id = wm.workspace_id AND c.id = $ch AND c.deleted_at IS NULL
            LEFT JOIN channel_members cm ON cm.workspace_id = wm.workspace_id AND cm.channel_id = $ch AND cm.user_id = wm.user_id
            WHERE wm.workspace_id = $ws AND wm.user_id = $user
            """).With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new ChannelAccess(DtoMapping.ParseRole(reader.GetString(0)), reader.IsDBNull(3) ? null : ReadChannel(reader, 2), reader.GetBoolean(1));
    }

    public async ValueTask<ChannelMember?> GetMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT workspace_id, channel_id, user_id, joined_at FROM channel_members WHERE workspace_id = $ws AND channel_id = $ch AND user_id = $user")
            .With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ChannelMember(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetTime(3))
            : null;
    }

    public async ValueTask<bool> TryAddMemberAsync(ChannelMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = InsertChannelMember(connection, member, null);
        command.CommandText += " ON CONFLICT DO NOTHING";
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> TryRemoveMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM channel_members WHERE workspace_id = $ws AND channel_id = $ch AND user_id = $user")
            .With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$user", Blob(userId));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static SqliteCommand InsertChannelMember(SqliteConnection connection, ChannelMember member, SqliteTransaction? transaction) =>
        Command(connection, "INSERT INTO channel_members (workspace_id, channel_id, user_id, joined_at) VALUES ($ws, $ch, $user, $joined)", transaction)
            .With("$ws", Blob(member.WorkspaceId)).With("$ch", Blob(member.ChannelId)).With("$user", Blob(member.UserId)).With("$joined", Ticks(member.JoinedAt));

    private static Channel ReadChannel(SqliteDataReader reader, int first = 0) =>
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
