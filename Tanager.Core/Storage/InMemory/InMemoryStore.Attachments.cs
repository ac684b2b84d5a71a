using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : IAttachmentStore
{
    private readonly Dictionary<(Ulid Workspace, Ulid Attachment), (Attachment Row, DateTimeOffset? ClaimedAt)> _attachments = [];
    private readonly Dictionary<(Ulid Workspace, Ulid Attachment), DateTimeOffset> _thumbnailClaims = [];

    public ValueTask<bool> TryAddAttachmentAsync(Attachment attachment, long workspaceQuota, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        lock (_lock)
        {
            var used = _attachments.Values.Where(a => a.Row.WorkspaceId == attachment.WorkspaceId).Sum(a => a.Row.Size);
            if (used + attachment.Size > workspaceQuota)
            {
                return ValueTask.FromResult(false);
            }
            _attachments.Add((attachment.WorkspaceId, attachment.Id), (attachment, null));
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<Attachment?> GetAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_attachments.TryGetValue((workspaceId, attachmentId), out var entry) ? entry.Row : null);
        }
    }

    public ValueTask<bool> AttachAsync(Ulid workspaceId, Ulid channelId, Ulid uploaderId, IReadOnlyList<Ulid> attachmentIds, Ulid messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachmentIds);
        lock (_lock)
        {
            foreach (var id in attachmentIds)
            {
                if (!_attachments.TryGetValue((workspaceId, id), out var entry) || entry.Row.MessageId is not null || entry.Row.ChannelId != channelId || entry.Row.UploaderId != uploaderId)
                {
                    return ValueTask.FromResult(false);
                }
            }
            foreach (var id in attachmentIds)
            {
                var entry = _attachments[(workspaceId, id)];
                _attachments[(workspaceId, id)] = (entry.Row with { MessageId = messageId }, entry.ClaimedAt);
            }
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask DetachAsync(Ulid workspaceId, Ulid messageId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var (key, entry) in _attachments.Where(e => e.Key.Workspace == workspaceId && e.Value.Row.MessageId == messageId).ToList())
            {
                _attachments[key] = (entry.Row with { MessageId = null }, entry.ClaimedAt);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask SetImageAsync(Ulid workspaceId, Ulid attachmentId, ImageSize? size, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_attachments.TryGetValue((workspaceId, attachmentId), out var entry))
            {
                _attachments[(workspaceId, attachmentId)] = (entry.Row with { Image = size, ThumbnailState = ThumbnailState.Pending }, entry.ClaimedAt);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<Attachment>> ListPendingThumbnailsAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<Attachment>>([.. _attachments.Values
                .Select(e => e.Row)
                .Where(a => a.ThumbnailState == ThumbnailState.Pending && a.MessageId is not null
                    && (!_thumbnailClaims.TryGetValue((a.WorkspaceId, a.Id), out var claimed) || claimed < claimedBefore))
                .OrderBy(a => a.Id)
                .Take(limit)]);
        }
    }

    public ValueTask<bool> TryClaimThumbnailAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_attachments.TryGetValue((workspaceId, attachmentId), out var entry) || entry.Row.ThumbnailState != ThumbnailState.Pending
                || (_thumbnailClaims.TryGetValue((workspaceId, attachmentId), out var claimed) && claimed >= claimedBefore))
            {
                return ValueTask.FromResult(false);
            }
            _thumbnailClaims[(workspaceId, attachmentId)] = now;
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<MessageChange?> CompleteThumbnailAsync(Ulid workspaceId, Ulid attachmentId, Ulid messageId, ImageSize? image, ImageSize? thumbnail, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _thumbnailClaims.Remove((workspaceId, attachmentId));
            if (!_attachments.TryGetValue((workspaceId, attachmentId), out var entry))
            {
                return ValueTask.FromResult<MessageChange?>(null);
            }
            var row = entry.Row with
            {
                Image = entry.Row.Image ?? image,
                ThumbnailState = thumbnail is null ? ThumbnailState.Failed : ThumbnailState.Ready,
                ThumbnailSize = thumbnail,
            };
            _attachments[(workspaceId, attachmentId)] = (row, entry.ClaimedAt);
            // The message changes with its attachment (a new change sequence), so catch-up brings the thumbnail too.
            return thumbnail is null ? ValueTask.FromResult<MessageChange?>(null) : Change(workspaceId, messageId, m => m);
        }
    }

    public ValueTask<IReadOnlyList<Attachment>> ListAttachmentsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        lock (_lock)
        {
            var wanted = messageIds.ToHashSet();
            return ValueTask.FromResult<IReadOnlyList<Attachment>>([.. _attachments.Values
                .Select(e => e.Row)
                .Where(a => a.WorkspaceId == workspaceId && a.MessageId is { } m && wanted.Contains(m))
                .OrderBy(a => a.Id)]);
        }
    }

    public ValueTask<IReadOnlyList<Attachment>> ListExpiredAttachmentsAsync(DateTimeOffset unattachedBefore, DateTimeOffset deletedBefore, DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<Attachment>>([.. _attachments.Values
                .Where(e => (e.ClaimedAt is null || e.ClaimedAt < claimedBefore) && IsExpired(e.Row, unattachedBefore, deletedBefore))
                .Select(e => e.Row)
                .OrderBy(a => a.Id)
                .Take(limit)]);
        }
    }

    public ValueTask<bool> TryClaimAttachmentAsync(Ulid workspaceId, Ulid attachmentId, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_attachments.TryGetValue((workspaceId, attachmentId), out var entry) || (entry.ClaimedAt is { } claimed && claimed >= claimedBefore))
            {
                return ValueTask.FromResult(false);
            }
            _attachments[(workspaceId, attachmentId)] = (entry.Row, now);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask RemoveAttachmentAsync(Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _attachments.Remove((workspaceId, attachmentId));
            _thumbnailClaims.Remove((workspaceId, attachmentId));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Under the lock: unattached (or attached to a message never stored) and old, or of a message deleted long enough ago.</summary>
    private bool IsExpired(Attachment attachment, DateTimeOffset unattachedBefore, DateTimeOffset deletedBefore)
    {
        if (attachment.MessageId is not { } messageId || !_messages.TryGetValue((attachment.WorkspaceId, messageId), out var message))
        {
            return attachment.CreatedAt < unattachedBefore;
        }
        return message.DeletedAt is { } deleted && deleted < deletedBefore;
    }
}
