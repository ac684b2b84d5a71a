using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>The access check of every send and read: workspace role, channel and membership in one joined statement.</summary>
public sealed partial class PostgresStore
{
    private const string ChannelColumns = "workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at, description, archived_at, overrides, dm_kind, dm_key, created_by";

    public override async ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
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
