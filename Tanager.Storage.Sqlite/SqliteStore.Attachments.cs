using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Sqlite.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore : IAttachmentStore
{
    private const string AttachmentColumns = "workspace_id, id, channel_id, uploader_id, file_name, content_type, size_bytes, storage_key, created_at, message_id";
    private const string AttachmentReadColumns = AttachmentColumns + ", width, height, thumbnail_state, thumbnail_width, thumbnail_height";

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
        await using var command = Command(connection, $"SELECT {AttachmentReadColumns} FROM attachments WHERE workspace_id = $ws AND id = $id")
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

    public async ValueTask SetImageAsync(Ulid workspaceId, Ulid attachmentId, ImageSize? size, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE attachments SET width = $w, height = $h, thumbnail_state = 1 WHERE workspace_id = $ws AND id = $id")
            .With("$ws", Blob(workspaceId)).With("$id", Blob(attachmentId))
            .With("$w", size is { } known ? known.Width : DBNull.Value).With("$h", size is { } sized ? sized.Height : DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Attachment>> ListPendingThumbnailsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {AttachmentReadColumns} FROM attachments
            WHERE thumbnail_state = 1 AND message_id IS NOT NULL AND (thumbnail_claimed_at IS NULL OR thumbnail_claimed_at < $claimed)
            ORDER BY id LIMIT $limit
            """).With("$claimed", Ticks(claimedBefore)).With("$limit", limit);
        return await ReadAttachmentsAsync(command, cancellationToken);
    }

    public async ValueTask<bool> TryClaimThumbnailAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE attachments SET thumbnail_claimed_at = $now
            WHERE workspace_id = $ws AND id = $id AND thumbnail_state = 1 AND (thumbnail_claimed_at IS NULL OR thumbnail_claimed_at < $claimed)
            """).With("$ws", Blob(workspaceId)).With("$id", Blob(attachmentId)).With("$now", Ticks(now)).With("$claimed", Ticks(claimedBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<MessageChange?> CompleteThumbnailAsync(Ulid workspaceId, Ulid attachmentId, Ulid messageId, ImageSize? image, ImageSize? thumbnail, CancellationToken cancellationToken = default)
    {
        const string Complete = """
            UPDATE attachments SET thumbnail_state = $state, thumbnail_width = $tw, thumbnail_height = $th, thumbnail_claimed_at = NULL,
                width = COALESCE(width, $w), height = COALESCE(height, $h)
            WHERE workspace_id = $ws AND id = $id
            """;
        SqliteCommand Completing(SqliteConnection connection, SqliteTransaction? transaction) => Command(connection, Complete, transaction)
            .With("$ws", Blob(workspaceId)).With("$id", Blob(attachmentId)).With("$state", thumbnail is null ? 3 : 2)
            .With("$tw", thumbnail is { } t ? t.Width : DBNull.Value).With("$th", thumbnail is { } u ? u.Height : DBNull.Value)
            .With("$w", image is { } i ? i.Width : DBNull.Value).With("$h", image is { } j ? j.Height : DBNull.Value);
        if (thumbnail is null)
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var failed = Completing(connection, null);
            await failed.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        // The message changes with its attachment (a new change sequence), so catch-up brings the thumbnail too.
        return await ChangeAsync(workspaceId, messageId, async (connection, transaction, current) =>
        {
            await using var ready = Completing(connection, transaction);
            await ready.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);
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
            SELECT {AttachmentReadColumns} FROM attachments
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
        var columns = string.Join(", ", AttachmentReadColumns.Split(", ").Select(c => "a." + c));
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
                reader.GetInt64(6), reader.GetString(7), reader.GetTime(8), reader.GetNullableUlid(9))
            {
                Image = reader.IsDBNull(10) || reader.IsDBNull(11) ? null : new ImageSize(reader.GetInt32(10), reader.GetInt32(11)),
                ThumbnailState = (ThumbnailState)reader.GetInt32(12),
                ThumbnailSize = reader.IsDBNull(13) || reader.IsDBNull(14) ? null : new ImageSize(reader.GetInt32(13), reader.GetInt32(14)),
            });
        }
        return list;
    }
}
