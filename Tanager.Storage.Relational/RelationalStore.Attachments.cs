using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>Uploaded files' rows: quota, attaching, thumbnails and the lifecycle's purge, on both SQL stores.</summary>
public abstract partial class RelationalStore : IAttachmentStore
{
    /// <summary>
    /// Adds the upload when the workspace's total stays within <paramref name="workspaceQuota"/>. SQLite's one writer makes
    /// the check and the insert atomic; under PostgreSQL concurrent uploads to one workspace can pass the quota by the
    /// uploads in flight: a quota is a budget, not a disk limit, and this keeps uploads free of a workspace-wide lock.
    /// </summary>
    public async ValueTask<bool> TryAddAttachmentAsync(Attachment attachment, long workspaceQuota, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var row = AttachmentRow.From(attachment with { MessageId = null });
        return await Database.InTransactionIfAsync(async db =>
        {
            var used = await db.GetTable<AttachmentRow>().Where(r => r.WorkspaceId == attachment.WorkspaceId).SumAsync(r => (long?)r.Size, cancellationToken) ?? 0;
            return used + attachment.Size <= workspaceQuota && await db.InsertAsync(row, token: cancellationToken) == 1;
        }, cancellationToken);
    }

    public async ValueTask<Attachment?> GetAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => Attachment(db, workspaceId, attachmentId).FirstOrDefaultAsync(cancellationToken), cancellationToken))?.ToDomain();

    /// <summary>Attaches all the uploads (the uploader's, to this channel, not yet attached) to the message, or none.</summary>
    public async ValueTask<bool> AttachAsync(Ulid workspaceId, Ulid channelId, Ulid uploaderId, IReadOnlyList<Ulid> attachmentIds, Ulid messageId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachmentIds);
        return await Database.InTransactionIfAsync(async db => await db.GetTable<AttachmentRow>()
            .Where(r => r.WorkspaceId == workspaceId && attachmentIds.Contains(r.Id) && r.ChannelId == channelId && r.UploaderId == uploaderId && r.MessageId == null)
            .Set(r => r.MessageId, messageId).UpdateAsync(cancellationToken) == attachmentIds.Count, cancellationToken);
    }

    public async ValueTask DetachAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<AttachmentRow>().Where(r => r.WorkspaceId == workspaceId && r.MessageId == messageId)
            .Set(r => r.MessageId, (Ulid?)null).UpdateAsync(cancellationToken), cancellationToken);

    public async ValueTask<IReadOnlyList<Attachment>> ListAttachmentsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }
        var ids = messageIds.Select(id => (Ulid?)id).ToList();
        return [.. (await Database.RunAsync(db => db.GetTable<AttachmentRow>().Where(r => r.WorkspaceId == workspaceId && ids.Contains(r.MessageId)).OrderBy(r => r.Id)
            .ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];
    }

    /// <summary>Records an upload's image size (null: not an image after all) and queues its thumbnail.</summary>
    public async ValueTask SetImageAsync(Ulid workspaceId, Ulid attachmentId, ImageSize? size, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => Attachment(db, workspaceId, attachmentId).Set(r => r.Width, size?.Width).Set(r => r.Height, size?.Height)
            .Set(r => r.ThumbnailState, (int)ThumbnailState.Pending).UpdateAsync(cancellationToken), cancellationToken);

    public async ValueTask<IReadOnlyList<Attachment>> ListPendingThumbnailsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<AttachmentRow>()
            .Where(r => r.ThumbnailState == (int)ThumbnailState.Pending && r.MessageId != null && (r.ThumbnailClaimedAt == null || r.ThumbnailClaimedAt < claimedBefore))
            .OrderBy(r => r.Id).Take(limit).ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> TryClaimThumbnailAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => Attachment(db, workspaceId, attachmentId)
            .Where(r => r.ThumbnailState == (int)ThumbnailState.Pending && (r.ThumbnailClaimedAt == null || r.ThumbnailClaimedAt < claimedBefore))
            .Set(r => r.ThumbnailClaimedAt, now).UpdateAsync(cancellationToken), cancellationToken) == 1;

    /// <summary>
    /// Ends the thumbnail's making: ready with its size, or failed. A ready thumbnail changes its message (a new change
    /// number, in the same transaction), so catch-up brings the thumbnail too.
    /// </summary>
    public async ValueTask<MessageChange?> CompleteThumbnailAsync(Ulid workspaceId, Ulid attachmentId, Ulid messageId, ImageSize? image, ImageSize? thumbnail,
        CancellationToken cancellationToken = default)
    {
        var state = (int)(thumbnail is null ? ThumbnailState.Failed : ThumbnailState.Ready);
        var (width, height) = (image?.Width, image?.Height);
        Task<int> CompleteAsync(LinqToDB.Data.DataConnection db) => Attachment(db, workspaceId, attachmentId)
            .Set(r => r.ThumbnailState, state).Set(r => r.ThumbnailWidth, thumbnail?.Width).Set(r => r.ThumbnailHeight, thumbnail?.Height)
            .Set(r => r.ThumbnailClaimedAt, (DateTimeOffset?)null).Set(r => r.Width, r => r.Width ?? width).Set(r => r.Height, r => r.Height ?? height)
            .UpdateAsync(cancellationToken);
        if (thumbnail is null)
        {
            await Database.RunAsync(CompleteAsync, cancellationToken);
            return null;
        }
        return await ChangeAsync(workspaceId, messageId, async (db, _) =>
        {
            await CompleteAsync(db);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Uploads whose files may go, of three kinds: never attached; attached to a message that was never stored (a failed
    /// post); of a message deleted before <paramref name="deletedBefore"/>. Unclaimed, or claimed before <paramref name="claimedBefore"/>.
    /// </summary>
    public async ValueTask<IReadOnlyList<Attachment>> ListExpiredAttachmentsAsync(DateTimeOffset unattachedBefore, DateTimeOffset deletedBefore, DateTimeOffset claimedBefore,
        int limit, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db =>
        {
            var (attachments, messages) = (db.GetTable<AttachmentRow>(), db.GetTable<MessageRow>());
            var claimable = attachments.Where(a => a.PurgeClaimedAt == null || a.PurgeClaimedAt < claimedBefore);
            var unattached = claimable.Where(a => a.MessageId == null && a.CreatedAt < unattachedBefore).Take(limit);
            var orphaned = claimable.Where(a => a.MessageId != null && a.CreatedAt < unattachedBefore
                && !messages.Any(m => m.WorkspaceId == a.WorkspaceId && m.Id == a.MessageId)).Take(limit);
            var ofDeleted = (
                from m in messages
                join a in claimable on new { m.WorkspaceId, MessageId = (Ulid?)m.Id } equals new { a.WorkspaceId, a.MessageId }
                where m.DeletedAt != null && m.DeletedAt < deletedBefore
                select a).Take(limit);
            return unattached.Concat(orphaned).Concat(ofDeleted).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> TryClaimAttachmentAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => Attachment(db, workspaceId, attachmentId).Where(r => r.PurgeClaimedAt == null || r.PurgeClaimedAt < claimedBefore)
            .Set(r => r.PurgeClaimedAt, now).UpdateAsync(cancellationToken), cancellationToken) == 1;

    public async ValueTask RemoveAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => Attachment(db, workspaceId, attachmentId).DeleteAsync(cancellationToken), cancellationToken);

    private static IQueryable<AttachmentRow> Attachment(LinqToDB.Data.DataConnection db, Ulid workspaceId, Ulid attachmentId) =>
        db.GetTable<AttachmentRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == attachmentId);
}
