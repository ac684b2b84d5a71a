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

    /// <summary>
    /// Records that an upload is an image of <paramref name="size"/> (null when its header did not say), so that its
    /// thumbnail is made once it is attached: the thumbnail state becomes <see cref="ThumbnailState.Pending"/>.
    /// </summary>
    ValueTask SetImageAsync(Ulid workspaceId, Ulid attachmentId, ImageSize? size, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> attached images whose thumbnail is <see cref="ThumbnailState.Pending"/>, across
    /// workspaces, oldest first; those claimed after <paramref name="claimedBefore"/> are skipped.
    /// </summary>
    ValueTask<IReadOnlyList<Attachment>> ListPendingThumbnailsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>Claims a pending thumbnail for one worker at <paramref name="now"/>; false when another holds a claim made after <paramref name="claimedBefore"/>, or it is not pending.</summary>
    ValueTask<bool> TryClaimThumbnailAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a thumbnail's making. With <paramref name="thumbnail"/>, it is <see cref="ThumbnailState.Ready"/> (and the
    /// image's size, when <paramref name="image"/> is given and none was known, is stored); the message it is attached to
    /// changes with it, in one step, and that change is returned for announcing (null when the message is not stored).
    /// Without, it is <see cref="ThumbnailState.Failed"/> and null is returned.
    /// </summary>
    ValueTask<MessageChange?> CompleteThumbnailAsync(Ulid workspaceId, Ulid attachmentId, Ulid messageId, ImageSize? image, ImageSize? thumbnail, CancellationToken cancellationToken = default);

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
