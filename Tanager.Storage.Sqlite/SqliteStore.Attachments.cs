using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Sqlite.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore : IAttachmentStore
{
    private const string AttachmentColumns = "workspace_id, id, channel_id, uploader_id, file_name, content_type, size_bytes, storage_key, created_at, message_id";

    public async ValueTask<bool> TryAddAttachmentAsync(Attachment attachment, long workspaceQuota, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        await using var connection = await OpenAsync(cancellationToken);
        // One statement: SQLite's single writer makes the quota check and the insert atomic.
        await using var command = Command(connection, $"""
            INSERT INTO attachments ({AttachmentColumns})
            SELECT $ws, $id, $ch, $uploader, $name, $type, $size, $key, $at, NULL
            WHERE (SELECT COALESCE(SUM(size_bytes), 0) FROM attachments WHERE workspace_id = $ws) + $size <= $quota
            """).With("$ws", Blob(attachment.WorkspaceId)).With("$id", Blob(attachment.Id)).With("$ch", Blob(attachment.ChannelId))
            .With("$uploader", Blob(attachment.UploaderId)).With("$name", attachment.FileName).With("$type", attachment.ContentType)
            .With("$size", attachment.Size).With("$key", attachment.StorageKey).With("$at", Ticks(attachment.CreatedAt)).With("$quota", workspaceQuota);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<Attachment?> GetAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {AttachmentColumns} FROM attachments WHERE workspace_id = $ws AND id = $id")
            .With("$ws", Blob(workspaceId)).With("$id", Blob(attachmentId));
        var found = await ReadAttachmentsAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<bool> AttachAsync(Ulid workspaceId, Ulid channelId, Ulid uploaderId, IReadOnlyList<Ulid> attachmentIds, Ulid messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachmentIds);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var attached = 0;
        foreach (var id in attachmentIds)
        {
            await using var command = Command(connection, """
                UPDATE attachments SET message_id = $msg
                WHERE workspace_id = $ws AND id = $id AND channel_id = $ch AND uploader_id = $uploader AND message_id IS NULL
                """, transaction).With("$ws", Blob(workspaceId)).With("$id", Blob(id)).With("$ch", Blob(channelId)).With("$uploader", Blob(uploaderId)).With("$msg", Blob(messageId));
            attached += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (attached != attachmentIds.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask DetachAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE attachments SET message_id = NULL WHERE workspace_id = $ws AND message_id = $msg")
            .With("$ws", Blob(workspaceId)).With("$msg", Blob(messageId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Attachment>> ListAttachmentsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {AttachmentColumns} FROM attachments
            WHERE workspace_id = $ws AND message_id IN ({string.Join(", ", messageIds.Select((_, i) => $"$m{i}"))})
            ORDER BY id
            """).With("$ws", Blob(workspaceId));
        var index = 0;
        foreach (var messageId in messageIds)
        {
            command.With($"$m{index++}", Blob(messageId));
        }
        return await ReadAttachmentsAsync(command, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Attachment>> ListExpiredAttachmentsAsync(DateTimeOffset unattachedBefore, DateTimeOffset deletedBefore, DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        var columns = string.Join(", ", AttachmentColumns.Split(", ").Select(c => "a." + c));
        await using var connection = await OpenAsync(cancellationToken);
        // Three kinds: never attached; attached to a message that was never stored (a failed post); of a deleted message.
        await using var command = Command(connection, $"""
            SELECT {columns} FROM attachments a
            WHERE a.message_id IS NULL AND a.created_at < $unattached AND (a.purge_claimed_at IS NULL OR a.purge_claimed_at < $claimed)
            UNION ALL
            SELECT {columns} FROM attachments a
            WHERE a.message_id IS NOT NULL AND a.created_at < $unattached AND (a.purge_claimed_at IS NULL OR a.purge_claimed_at < $claimed)
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = a.workspace_id AND m.id = a.message_id)
            UNION ALL
            SELECT {columns} FROM messages m JOIN attachments a ON a.workspace_id = m.workspace_id AND a.message_id = m.id
            WHERE m.deleted_at IS NOT NULL AND m.deleted_at < $deleted AND (a.purge_claimed_at IS NULL OR a.purge_claimed_at < $claimed)
            LIMIT $limit
            """).With("$unattached", Ticks(unattachedBefore)).With("$deleted", Ticks(deletedBefore)).With("$claimed", Ticks(claimedBefore)).With("$limit", limit);
        return await ReadAttachmentsAsync(command, cancellationToken);
    }

    public async ValueTask<bool> TryClaimAttachmentAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE attachments SET purge_claimed_at = $now
            WHERE workspace_id = $ws AND id = $id AND (purge_claimed_at IS NULL OR purge_claimed_at < $claimed)
            """).With("$ws", Blob(workspaceId)).With("$id", Blob(attachmentId)).With("$now", Ticks(now)).With("$claimed", Ticks(claimedBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask RemoveAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM attachments WHERE workspace_id = $ws AND id = $id")
            .With("$ws", Blob(workspaceId)).With("$id", Blob(attachmentId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<Attachment>> ReadAttachmentsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Attachment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Attachment(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetUlid(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6), reader.GetString(7), reader.GetTime(8), reader.GetNullableUlid(9)));
        }
        return list;
    }
}
