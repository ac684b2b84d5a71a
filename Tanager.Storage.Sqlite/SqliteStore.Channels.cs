using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Relational.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>The access check of every send and read: workspace role, channel and membership in one joined statement.</summary>
public sealed partial class SqliteStore
{
    public override async ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT wm.role, cm.user_id IS NOT NULL, {string.Join(", ", StoredRows.ChannelColumns.Split(", ").Select(c => "c." + c))}
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
        return new ChannelAccess(DtoMapping.ParseRole(reader.GetString(0)), reader.IsDBNull(3) ? null : Rows.Channel(reader, 2), reader.GetBoolean(1));
    }
}
