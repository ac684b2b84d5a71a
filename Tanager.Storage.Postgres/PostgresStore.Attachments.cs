using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore : IAttachmentStore
{
    private const string AttachmentColumns = "workspace_id, id, channel_id, uploader_id, file_name, content_type, size_bytes, storage_key, created_at, message_id";
    private const string AttachmentReadColumns = AttachmentColumns + ", width, height, thumbnail_state, thumbnail_width, thumbnail_height";

    public async ValueTask<bool> TryAddAttachmentAsync(Attachment attachment, long workspaceQuota, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        // Under concurrent uploads to one workspace the check can let the total pass the quota by the uploads in flight;
        // a quota is a budget, not a hard disk limit, and this keeps the insert free of a workspace-wide lock.
        await using var command = Command($"""
            INSERT INTO attachments ({AttachmentColumns})
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, NULL
            WHERE (SELECT COALESCE(SUM(size_bytes), 0) FROM attachments WHERE workspace_id = $1) + $7 <= $10
            """).With(Uuid(attachment.WorkspaceId), Uuid(attachment.Id), Uuid(attachment.ChannelId), Uuid(attachment.UploaderId), attachment.FileName,
                attachment.ContentType, attachment.Size, attachment.StorageKey, attachment.CreatedAt, workspaceQuota);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<Attachment?> GetAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {AttachmentReadColumns} FROM attachments WHERE workspace_id = $1 AND id = $2").With(Uuid(workspaceId), Uuid(attachmentId));
        var found = await ReadAttachmentsAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async ValueTask<bool> AttachAsync(Ulid workspaceId, Ulid channelId, Ulid uploaderId, IReadOnlyList<Ulid> attachmentIds, Ulid messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachmentIds);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE attachments SET message_id = $5
            WHERE workspace_id = $1 AND id = ANY($4) AND channel_id = $2 AND uploader_id = $3 AND message_id IS NULL
            """, connection, transaction).With(Uuid(workspaceId), Uuid(channelId), Uuid(uploaderId), attachmentIds.Select(Uuid).ToArray(), Uuid(messageId));
        if (await command.ExecuteNonQueryAsync(cancellationToken) != attachmentIds.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask DetachAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE attachments SET message_id = NULL WHERE workspace_id = $1 AND message_id = $2").With(Uuid(workspaceId), Uuid(messageId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Attachment>> ListAttachmentsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }
        await using var command = Command($"SELECT {AttachmentReadColumns} FROM attachments WHERE workspace_id = $1 AND message_id = ANY($2) ORDER BY id")
            .With(Uuid(workspaceId), messageIds.Select(Uuid).ToArray());
        return await ReadAttachmentsAsync(command, cancellationToken);
    }

    public async ValueTask SetImageAsync(Ulid workspaceId, Ulid attachmentId, ImageSize? size, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE attachments SET width = $3, height = $4, thumbnail_state = 1 WHERE workspace_id = $1 AND id = $2")
            .With(Uuid(workspaceId), Uuid(attachmentId), size?.Width, size?.Height);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Attachment>> ListPendingThumbnailsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            SELECT {AttachmentReadColumns} FROM attachments
            WHERE thumbnail_state = 1 AND message_id IS NOT NULL AND (thumbnail_claimed_at IS NULL OR thumbnail_claimed_at < $1)
            ORDER BY id LIMIT $2
            """).With(claimedBefore, limit);
        return await ReadAttachmentsAsync(command, cancellationToken);
    }

    public async ValueTask<bool> TryClaimThumbnailAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default)
    {
        await using var command = Command("""
            UPDATE attachments SET thumbnail_claimed_at = $3
            WHERE workspace_id = $1 AND id = $2 AND thumbnail_state = 1 AND (thumbnail_claimed_at IS NULL OR thumbnail_claimed_at < $4)
            """).With(Uuid(workspaceId), Uuid(attachmentId), now, claimedBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<MessageChange?> CompleteThumbnailAsync(Ulid workspaceId, Ulid attachmentId, Ulid messageId, ImageSize? image, ImageSize? thumbnail, CancellationToken cancellationToken = default)
    {
        const string Complete = """
            UPDATE attachments SET thumbnail_state = $3, thumbnail_width = $4, thumbnail_height = $5, thumbnail_claimed_at = NULL,
                width = COALESCE(width, $6), height = COALESCE(height, $7)
            WHERE workspace_id = $1 AND id = $2
            """;
        object?[] values = [Uuid(workspaceId), Uuid(attachmentId), thumbnail is null ? 3 : 2, thumbnail?.Width, thumbnail?.Height, image?.Width, image?.Height];
        if (thumbnail is null)
        {
            await using var failed = Command(Complete).With(values);
            await failed.ExecuteNonQueryAsync(cancellationToken);
            return null;
        }
        // The message changes with its attachment (a new change sequence), so catch-up brings the thumbnail too.
        return await ChangeAsync(workspaceId, messageId, async (transaction, current) =>
        {
            await using var ready = Command(transaction, Complete).With(values);
            await ready.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<Attachment>> ListExpiredAttachmentsAsync(DateTimeOffset unattachedBefore, DateTimeOffset deletedBefore, DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        var columns = string.Join(", ", AttachmentReadColumns.Split(", ").Select(c => "a." + c));
        // Three kinds: never attached; attached to a message that was never stored (a failed post); of a deleted message.
        await using var command = Command($"""
            (SELECT {columns} FROM attachments a
             WHERE a.message_id IS NULL AND a.created_at < $1 AND (a.purge_claimed_at IS NULL OR a.purge_claimed_at < $3) LIMIT $4)
            UNION ALL
            (SELECT {columns} FROM attachments a
             WHERE a.message_id IS NOT NULL AND a.created_at < $1 AND (a.purge_claimed_at IS NULL OR a.purge_claimed_at < $3)
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.workspace_id = a.workspace_id AND m.id = a.message_id) LIMIT $4)
            UNION ALL
            (SELECT {columns} FROM messages m JOIN attachments a ON a.workspace_id = m.workspace_id AND a.message_id = m.id
             WHERE m.deleted_at IS NOT NULL AND m.deleted_at < $2 AND (a.purge_claimed_at IS NULL OR a.purge_claimed_at < $3) LIMIT $4)
            LIMIT $4
            """).With(unattachedBefore, deletedBefore, claimedBefore, limit);
        return await ReadAttachmentsAsync(command, cancellationToken);
    }

    public async ValueTask<bool> TryClaimAttachmentAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default)
    {
        await using var command = Command("""
            UPDATE attachments SET purge_claimed_at = $3
            WHERE workspace_id = $1 AND id = $2 AND (purge_claimed_at IS NULL OR purge_claimed_at < $4)
            """).With(Uuid(workspaceId), Uuid(attachmentId), now, claimedBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask RemoveAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("DELETE FROM attachments WHERE workspace_id = $1 AND id = $2").With(Uuid(workspaceId), Uuid(attachmentId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<Attachment>> ReadAttachmentsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
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
