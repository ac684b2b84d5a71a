using Npgsql;
using NUlid;
using Tanager.Storage.Relational.Internal;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>The access check of every send and read: workspace role, channel and membership in one joined statement.</summary>
public sealed partial class PostgresStore
{
    public override async ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            SELECT wm.role, cm.user_id IS NOT NULL, {string.Join(", ", StoredRows.ChannelColumns.Split(", ").Select(c => "c." + c))}
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
        return new ChannelAccess(DtoMapping.ParseRole(reader.GetString(0)), reader.IsDBNull(3) ? null : Rows.Channel(reader, 2), reader.GetBoolean(1));
    }
}
