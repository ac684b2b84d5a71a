using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Files: upload slots, download links, attaching uploads to messages, and removing files nobody can reach any more.
/// The bytes never pass through here: clients PUT and GET them with URLs the <see cref="IFileStore"/> signs, and this
/// service decides who gets one. Keys name the attachment, not the message: the message does not exist yet when its
/// files are uploaded, and an attachment id is known from the first request on.
/// </summary>
public sealed partial class AttachmentService(
    IChannelStore channels,
    IMessageStore messages,
    IAttachmentStore attachments,
    IFileStore files,
    IOptions<TanagerOptions> options,
    TimeProvider time,
    ILogger<AttachmentService> logger,
    IImageProcessor? images = null)
{
    /// <summary>Files on one message: enough for a batch of photos, as Slack allows 10 per message.</summary>
    public const int MaxPerMessage = 10;

    /// <summary>
    /// The origin clients PUT uploads to and GET files from when the store hands out absolute URLs (S3), or null when
    /// the URLs are the server's own (local disk: relative). Read from an upload URL the store signs and nobody uses.
    /// </summary>
    public async Task<string?> GetDirectTransferOriginAsync(CancellationToken cancellationToken = default)
    {
        var probe = await files.GetUploadUrlAsync("origin-probe", "application/octet-stream", 1, time.GetUtcNow().AddMinutes(1), cancellationToken);
        return probe.IsAbsoluteUri && (probe.Scheme == Uri.UriSchemeHttp || probe.Scheme == Uri.UriSchemeHttps) ? probe.GetLeftPart(UriPartial.Authority) : null;
    }
    /// <summary>Rows the lifecycle reads per pass; it passes again at once while a pass finds a full batch.</summary>
    private const int PurgeBatch = 100;
    /// <summary>A worker that claimed a file and died leaves the claim; after this long another worker takes it over.</summary>
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(10);

    private AttachmentOptions Settings => options.Value.Attachments;

    /// <summary>
    /// Reserves an upload for a file of <paramref name="size"/> bytes in a channel the caller may post in, and returns
    /// the URL its bytes go to. Refused: too large (413), over the workspace quota (413), a refused content type (415),
    /// a name that is not a plain file name (400). Nothing is stored in the file store until the client uploads.
    /// </summary>
    public async Task<UploadSlot> CreateUploadAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? fileName, string? contentType, long? size, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.FilesWrite);
        var name = FileNames.Validate(fileName);
        var type = ContentTypes.Normalize(contentType) ?? throw TanagerException.Invalid("content_type must be a MIME type such as image/png (type/subtype, no parameters).");
        if (size is not { } bytes || bytes < 0)
        {
            throw TanagerException.Invalid("size must be given, in bytes (0 or more).");
        }
        var settings = Settings;
        if (bytes > settings.MaxFileSize)
        {
            throw TanagerException.TooLarge(ErrorCodes.FileTooLarge, $"Files may be at most {settings.MaxFileSize} bytes; this one is {bytes}.");
        }
        if ((settings.AllowedContentTypes.Count > 0 && !ContentTypes.Matches(type, settings.AllowedContentTypes)) || ContentTypes.Matches(type, settings.DeniedContentTypes))
        {
            throw TanagerException.UnsupportedMediaType($"Files of type {type} are not accepted on this server.");
        }
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        Access.EnsureCanPost(visible);
        var now = time.UtcNow();
        var id = Ulid.NewUlid(now);
        var key = $"{workspaceId}/{channelId}/{id}/{FileNames.KeySegment(name)}";
        var attachment = new Attachment(workspaceId, id, channelId, callerId, name, type, bytes, key, now);
        if (!await attachments.TryAddAttachmentAsync(attachment, settings.WorkspaceQuota, cancellationToken))
        {
            throw TanagerException.TooLarge(ErrorCodes.QuotaExceeded, $"This workspace's files would exceed its quota of {settings.WorkspaceQuota} bytes. Delete messages with files, or ask the server administrator.");
        }
        var expiresAt = now + settings.UploadUrlLifetime;
        var url = await files.GetUploadUrlAsync(key, type, bytes, expiresAt, cancellationToken);
        return new UploadSlot(attachment, url, expiresAt);
    }

    /// <summary>
    /// A short-lived URL for one attachment, for a caller who can read its channel. An attachment not yet posted is
    /// only its uploader's; one of a deleted message is nobody's. Whatever the reason, the caller sees "not found".
    /// </summary>
    public async Task<DownloadLink> GetDownloadLinkAsync(Ulid callerId, Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        var attachment = await ReadableAsync(callerId, workspaceId, attachmentId, cancellationToken);
        var expiresAt = time.UtcNow() + Settings.DownloadUrlLifetime;
        var url = await files.GetDownloadUrlAsync(attachment.StorageKey, ContentTypes.DownloadOf(attachment.ContentType, attachment.FileName), expiresAt, cancellationToken);
        return new DownloadLink(url, expiresAt);
    }

    /// <summary>The attachment, when the caller may read it: see <see cref="GetDownloadLinkAsync"/>.</summary>
    private async Task<Attachment> ReadableAsync(Ulid callerId, Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken)
    {
        Scope.Demand(Scope.MessagesRead);
        var attachment = await attachments.GetAttachmentAsync(workspaceId, attachmentId, cancellationToken);
        if (attachment is null)
        {
            throw TanagerException.NotFound("Attachment");
        }
        await Access.VisibleChannelAsync(channels, workspaceId, attachment.ChannelId, callerId, cancellationToken);
        if (attachment.MessageId is { } messageId)
        {
            var message = await messages.GetAsync(workspaceId, messageId, cancellationToken);
            if (message is null || message.DeletedAt is not null)
            {
                throw TanagerException.NotFound("Attachment");
            }
        }
        else if (attachment.UploaderId != callerId)
        {
            throw TanagerException.NotFound("Attachment");
        }
        return attachment;
    }

    /// <summary>
    /// Stores the body of a PUT to one of the local-disk store's signed upload URLs (see
    /// <see cref="LocalDiskFileStore.ReceiveAsync"/>): authorised by the URL's signature alone, like a presigned S3 URL.
    /// With another file store there are no such URLs: "not found".
    /// </summary>
    public async Task ReceiveSignedUploadAsync(LocalFileRequest request, string? contentType, long? contentLength, Stream body, CancellationToken cancellationToken = default)
    {
        var local = files as LocalDiskFileStore ?? throw TanagerException.NotFound("File");
        await local.ReceiveAsync(request, contentType, contentLength, body, cancellationToken);
    }

    /// <summary>Opens the object of one of the local-disk store's signed download URLs, after checking its signature and expiry.</summary>
    public async Task<Stream> OpenSignedDownloadAsync(LocalFileRequest request, CancellationToken cancellationToken = default)
    {
        var local = files as LocalDiskFileStore ?? throw TanagerException.NotFound("File");
        return await local.OpenDownloadAsync(request, cancellationToken);
    }

    /// <summary>
    /// Checks and parses the attachment ids of a post: at most <see cref="MaxPerMessage"/>, distinct, each an upload of
    /// the caller's for this channel, not attached yet, whose bytes are in the store at the declared size. With a
    /// <paramref name="nonce"/>, attachments already on the caller's message with that nonce are a retry: that message
    /// is returned as <c>Retried</c> and nothing is checked further.
    /// </summary>
    internal async Task<(IReadOnlyList<Attachment> Attachments, Message? Retried)> CheckForPostAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, IReadOnlyList<string>? attachmentIds, string? nonce, CancellationToken cancellationToken)
    {
        if (attachmentIds is null || attachmentIds.Count == 0)
        {
            return ([], null);
        }
        Scope.Demand(Scope.FilesWrite);
        if (attachmentIds.Count > MaxPerMessage)
        {
            throw TanagerException.Invalid($"A message takes at most {MaxPerMessage} attachments.");
        }
        var ids = attachmentIds.Select(id => Ids.Parse(id, "Attachment")).ToList();
        if (ids.Distinct().Count() != ids.Count)
        {
            throw TanagerException.Invalid("attachment_ids must not repeat an id.");
        }
        var found = new List<Attachment>(ids.Count);
        foreach (var id in ids)
        {
            var attachment = await attachments.GetAttachmentAsync(workspaceId, id, cancellationToken);
            if (attachment is null || attachment.UploaderId != callerId)
            {
                // Only one's own uploads can be attached; anyone else's is as invisible here as one that does not exist.
                throw TanagerException.NotFound("Attachment");
            }
            if (attachment.MessageId is { } attachedTo)
            {
                var existing = await messages.GetAsync(workspaceId, attachedTo, cancellationToken);
                if (nonce is not null && existing is not null && existing.AuthorId == callerId && existing.ChannelId == channelId && existing.Nonce == nonce)
                {
                    return ([], (await WithAttachmentsAsync(workspaceId, [existing], cancellationToken))[0]);
                }
                throw TanagerException.Conflict(ErrorCodes.AttachmentInUse, $"Attachment {id} is already attached to a message.");
            }
            if (attachment.ChannelId != channelId)
            {
                throw TanagerException.Invalid($"Attachment {id} was uploaded for another channel.");
            }
            var stored = await files.GetSizeAsync(attachment.StorageKey, cancellationToken);
            if (stored != attachment.Size)
            {
                throw TanagerException.Conflict(ErrorCodes.UploadIncomplete, stored is null
                    ? $"Attachment {id} has not been uploaded yet: PUT its bytes to the upload URL first."
                    : $"Attachment {id} holds {stored} bytes, not the {attachment.Size} declared: upload it again.");
            }
            found.Add(await WithImageSizeAsync(attachment, cancellationToken));
        }
        return (found, null);
    }

    /// <summary>Attaches checked uploads to a message about to be stored; all or none (another post may have taken one meanwhile).</summary>
    internal async Task<IReadOnlyList<Attachment>> AttachAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, IReadOnlyList<Attachment> checkedAttachments, Ulid messageId, CancellationToken cancellationToken)
    {
        if (checkedAttachments.Count == 0)
        {
            return [];
        }
        if (!await attachments.AttachAsync(workspaceId, channelId, callerId, [.. checkedAttachments.Select(a => a.Id)], messageId, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.AttachmentInUse, "An attachment was attached to another message meanwhile.");
        }
        return [.. checkedAttachments.Select(a => a with { MessageId = messageId })];
    }

    /// <summary>Undoes <see cref="AttachAsync"/> for a message that could not be stored.</summary>
    internal async Task DetachAsync(Ulid workspaceId, Ulid messageId)
    {
        try
        {
            await attachments.DetachAsync(workspaceId, messageId, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The lifecycle removes them with the other uploads whose message never came.
            Log.AttachmentDetachFailed(logger, exception, messageId.ToString());
        }
    }

    /// <summary>The messages with their attachments filled in; deleted messages show none (their files await removal).</summary>
    internal async Task<IReadOnlyList<Message>> WithAttachmentsAsync(Ulid workspaceId, IReadOnlyList<Message> list, CancellationToken cancellationToken)
    {
        List<Ulid> live = [.. list.Where(m => m.DeletedAt is null).Select(m => m.Id)];
        if (live.Count == 0)
        {
            return list;
        }
        var found = await attachments.ListAttachmentsAsync(workspaceId, live, cancellationToken);
        if (found.Count == 0)
        {
            return list;
        }
        var byMessage = found.GroupBy(a => a.MessageId!.Value).ToDictionary(g => g.Key, g => (IReadOnlyList<Attachment>)[.. g.OrderBy(a => a.Id)]);
        return [.. list.Select(m => m.DeletedAt is null && byMessage.TryGetValue(m.Id, out var own) ? m with { Attachments = own } : m)];
    }

    /// <summary>
    /// Removes files nobody can reach any more: uploads never attached within <see cref="AttachmentOptions.UnattachedLifetime"/>,
    /// and the files of messages deleted more than <see cref="AttachmentOptions.DeletedRetention"/> ago. Safe on every
    /// node at once: each file is claimed by one worker in the store before it is deleted, deleting is idempotent, and
    /// a claim left by a worker that died is taken over after ten minutes. Returns how many were removed.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var removed = 0;
        while (true)
        {
            var now = time.UtcNow();
            var settings = Settings;
            var expired = await attachments.ListExpiredAttachmentsAsync(now - settings.UnattachedLifetime, now - settings.DeletedRetention, now - ClaimTimeout, PurgeBatch, cancellationToken);
            foreach (var attachment in expired)
            {
                if (!await attachments.TryClaimAttachmentAsync(attachment.WorkspaceId, attachment.Id, now, now - ClaimTimeout, cancellationToken))
                {
                    continue;
                }
                if (attachment.ThumbnailState != ThumbnailState.None)
                {
                    await files.DeleteAsync(ThumbnailKey(attachment), cancellationToken);
                }
                await files.DeleteAsync(attachment.StorageKey, cancellationToken);
                await attachments.RemoveAttachmentAsync(attachment.WorkspaceId, attachment.Id, cancellationToken);
                removed++;
            }
            if (expired.Count < PurgeBatch)
            {
                return removed;
            }
        }
    }
}
