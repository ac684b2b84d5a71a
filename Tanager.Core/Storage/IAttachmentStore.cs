using NUlid;

namespace Tanager;

/// <summary>Attachments: upload slots, which message each belongs to, and the rows the file lifecycle removes.</summary>
public interface IAttachmentStore
{
    /// <summary>
    /// Adds an unattached attachment, unless the workspace's attachments (attached or not, not yet purged) would then
    /// total more than <paramref name="workspaceQuota"/> bytes. False, and nothing added, when they would.
    /// </summary>
    ValueTask<bool> TryAddAttachmentAsync(Attachment attachment, long workspaceQuota, CancellationToken cancellationToken = default);

    ValueTask<Attachment?> GetAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Attaches all of <paramref name="attachmentIds"/> to <paramref name="messageId"/> in one step, or none: each must be
    /// unattached, in <paramref name="channelId"/> and uploaded by <paramref name="uploaderId"/>. True when all were.
    /// </summary>
    ValueTask<bool> AttachAsync(Ulid workspaceId, Ulid channelId, Ulid uploaderId, IReadOnlyList<Ulid> attachmentIds, Ulid messageId, CancellationToken cancellationToken = default);

    /// <summary>Makes the attachments of <paramref name="messageId"/> unattached again (a post that failed after attaching).</summary>
    ValueTask DetachAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default);

    /// <summary>The attachments of the given messages, each message's in id (upload) order.</summary>
    ValueTask<IReadOnlyList<Attachment>> ListAttachmentsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> attachments whose files may go, across workspaces: unattached ones created before
    /// <paramref name="unattachedBefore"/> (including any whose message was never stored), and those of messages deleted
    /// before <paramref name="deletedBefore"/>. Claimed ones are skipped until their claim is older than <paramref name="claimedBefore"/>.
    /// </summary>
    ValueTask<IReadOnlyList<Attachment>> ListExpiredAttachmentsAsync(DateTimeOffset unattachedBefore, DateTimeOffset deletedBefore, DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims one expired attachment for removal at <paramref name="now"/>; false when another worker claimed it after
    /// <paramref name="claimedBefore"/> (or it is gone). Only the claimant deletes the file and then the row.
    /// </summary>
    ValueTask<bool> TryClaimAttachmentAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default);

    /// <summary>Removes the row (its file is already deleted); removing one that is gone succeeds.</summary>
    ValueTask RemoveAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default);
}
