using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Channel settings, deletion and member pages.</summary>
public sealed partial class SqliteStore
{
    /// <summary>SQLITE_CONSTRAINT: here, the (workspace_id, name) unique key.</summary>
    private const int SqliteConstraint = 19;

    public async ValueTask<ChannelUpdateResult> TryUpdateChannelAsync(Channel channel, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE channels SET name = $name, topic = $topic, description = $description, archived_at = $archived, overrides = $overrides, updated_at = $updated
            WHERE workspace_id = $ws AND id = $id AND updated_at = $expected AND deleted_at IS NULL
            """)
            .With("$ws", Blob(channel.WorkspaceId)).With("$id", Blob(channel.Id)).With("$name", channel.Name).With("$topic", channel.Topic)
            .With("$description", channel.Description).With("$archived", Ticks(channel.ArchivedAt)).With("$overrides", ChannelOverrideFormat.Write(channel.Overrides))
            .With("$updated", Ticks(channel.UpdatedAt)).With("$expected", Ticks(expectedUpdatedAt));
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? ChannelUpdateResult.Updated : ChannelUpdateResult.Stale;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            return ChannelUpdateResult.NameTaken;
        }
    }

    public async ValueTask<IReadOnlyList<Ulid>?> DeleteChannelAsync(Ulid workspaceId, Ulid channelId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        // The row stays (its messages refer to it) under a name no live channel can have (names are lower case), so the name is free again.
        await using (var mark = Command(connection, "UPDATE channels SET deleted_at = $at, name = $tombstone WHERE workspace_id = $ws AND id = $ch AND deleted_at IS NULL", transaction)
            .With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$at", Ticks(deletedAt)).With("$tombstone", channelId.ToString()))
        {
            if (await mark.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }
        var members = new List<Ulid>();
        await using (var remove = Command(connection, "DELETE FROM channel_members WHERE workspace_id = $ws AND channel_id = $ch RETURNING user_id", transaction)
            .With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)))
        {
            await using var reader = await remove.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                members.Add(reader.GetUlid(0));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        members.Sort();
        return members;
    }

    public async ValueTask<IReadOnlyList<ChannelMember>> ListChannelMembersAsync(Ulid workspaceId, Ulid channelId, Ulid? afterUserId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT workspace_id, channel_id, user_id, joined_at FROM channel_members
            WHERE workspace_id = $ws AND channel_id = $ch AND ($after IS NULL OR user_id > $after)
            ORDER BY user_id LIMIT $limit
            """).With("$ws", Blob(workspaceId)).With("$ch", Blob(channelId)).With("$after", Blob(afterUserId)).With("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var members = new List<ChannelMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new ChannelMember(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetTime(3)));
        }
        return members;
    }
}
