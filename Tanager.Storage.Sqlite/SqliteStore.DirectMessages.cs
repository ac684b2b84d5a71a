using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Direct and group messages: channels whose kind column says 'private' and whose dm_kind says which they are.</summary>
public sealed partial class SqliteStore
{
    public async ValueTask<bool> TryCreateDirectMessageAsync(Channel channel, IReadOnlyList<ChannelMember> participants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(participants);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        // ON CONFLICT DO NOTHING covers both unique keys: the pair's dm_key (the other side opened it first) and the name.
        await using (var insert = Command(connection, """
            INSERT INTO channels (workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at, dm_kind, dm_key)
            VALUES ($ws, $id, $name, 'private', NULL, 0, $created, $updated, $dmKind, $dmKey) ON CONFLICT DO NOTHING
            """, transaction)
            .With("$ws", Blob(channel.WorkspaceId)).With("$id", Blob(channel.Id)).With("$name", channel.Name).With("$created", Ticks(channel.CreatedAt))
            .With("$updated", Ticks(channel.UpdatedAt)).With("$dmKind", channel.Kind.ToWire()).With("$dmKey", channel.DirectMessageKey))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }
        foreach (var participant in participants)
        {
            await using var member = InsertChannelMember(connection, participant, transaction);
            await member.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<Channel?> FindDirectMessageAsync(Ulid workspaceId, string directMessageKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {ChannelColumns} FROM channels WHERE workspace_id = $ws AND dm_key = $key AND deleted_at IS NULL")
            .With("$ws", Blob(workspaceId)).With("$key", directMessageKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadChannel(reader) : null;
    }

    public async ValueTask<IReadOnlyList<DirectMessage>> ListDirectMessagesAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One row per participant of each of the user's direct messages, newest channel first.
        await using var command = Command(connection, $"""
            SELECT p.user_id, {string.Join(", ", ChannelColumns.Split(", ").Select(c => "c." + c))}
            FROM channel_members me
            JOIN channels c ON c.workspace_id = me.workspace_id AND c.id = me.channel_id AND c.dm_kind IS NOT NULL AND c.deleted_at IS NULL
            JOIN channel_members p ON p.workspace_id = me.workspace_id AND p.channel_id = me.channel_id
            WHERE me.workspace_id = $ws AND me.user_id = $user
            ORDER BY c.id DESC, p.user_id
            """).With("$ws", Blob(workspaceId)).With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<DirectMessage>();
        Channel? current = null;
        var participants = new List<Ulid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var channelId = reader.GetUlid(2);
            if (current is null || current.Id != channelId)
            {
                if (current is not null)
                {
                    result.Add(new DirectMessage(current, participants));
                }
                current = ReadChannel(reader, 1);
                participants = [];
            }
            participants.Add(reader.GetUlid(0));
        }
        if (current is not null)
        {
            result.Add(new DirectMessage(current, participants));
        }
        return result;
    }
}
