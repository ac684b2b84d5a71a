using System.Buffers;
using NUlid;
using Tanager.Internal;

namespace Tanager;

/// <summary>Images: their size, read while the message is posted, and their thumbnails.</summary>
public sealed partial class AttachmentService
{
    /// <summary>
    /// How much of an image is read to find its size: PNG, GIF and WebP say it in their first 30 bytes, and a JPEG says it
    /// after its metadata (EXIF, at most 64 KiB, then colour profiles), which phones keep well under this. When it is not
    /// enough, the size arrives with the thumbnail instead.
    /// </summary>
    internal const int ImageHeaderBytes = 128 * 1024;

    private const string ThumbnailName = ".thumbnail.webp";

    /// <summary>Woken when a message with images is stored, so this node's thumbnail worker starts at once.</summary>
    internal ThumbnailWakeup ThumbnailsDue { get; } = new();

    /// <summary>
    /// A short-lived URL of an image attachment's thumbnail (WebP, shown inline), for a caller who may read the
    /// attachment. "Not found" until it is made, and for files that have none.
    /// </summary>
    public async Task<DownloadLink> GetThumbnailLinkAsync(Ulid callerId, Ulid workspaceId, Ulid attachmentId, CancellationToken cancellationToken = default)
    {
        var attachment = await ReadableAsync(callerId, workspaceId, attachmentId, cancellationToken);
        if (attachment.ThumbnailState != ThumbnailState.Ready)
        {
            throw TanagerException.NotFound("Thumbnail");
        }
        var expiresAt = time.UtcNow() + Settings.DownloadUrlLifetime;
        var name = Path.GetFileNameWithoutExtension(attachment.FileName) + ".webp";
        var url = await files.GetDownloadUrlAsync(ThumbnailKey(attachment), ContentTypes.DownloadOf("image/webp", name), expiresAt, cancellationToken);
        return new DownloadLink(url, expiresAt);
    }

    /// <summary>Where an attachment's thumbnail is kept: beside its file, under a name no file gets (key names never start with a dot).</summary>
    internal static string ThumbnailKey(Attachment attachment) => attachment.StorageKey[..attachment.StorageKey.LastIndexOf('/')] + "/" + ThumbnailName;

    /// <summary>Wakes this node's thumbnail worker when a stored message's <paramref name="posted"/> files hold images waiting for one.</summary>
    internal void Posted(IReadOnlyList<Attachment> posted)
    {
        if (posted.Any(a => a.ThumbnailState == ThumbnailState.Pending))
        {
            ThumbnailsDue.Wake();
        }
    }

    /// <summary>
    /// For an image the processor reads: its size from the file's first bytes, stored with the upload and marked for a
    /// thumbnail. Other files, and every file without a processor, are returned as they are.
    /// </summary>
    private async Task<Attachment> WithImageSizeAsync(Attachment attachment, CancellationToken cancellationToken)
    {
        if (images is null || !images.Supports(attachment.ContentType))
        {
            return attachment;
        }
        ImageSize? size = null;
        // Never more than the object holds (its size was just checked): a range past its end is not every store's strength.
        var length = (int)Math.Min(ImageHeaderBytes, attachment.Size);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var read = await files.ReadStartAsync(attachment.StorageKey, buffer.AsMemory(0, length), cancellationToken);
            size = images.Identify(buffer.AsSpan(0, read));
        }
        catch (Exception exception) when (exception is not (OperationCanceledException or OutOfMemoryException))
        {
            // A store that failed a read or a header a decoder choked on: the post goes on, the worker tries the whole file.
            Log.ImageIdentifyFailed(logger, exception, attachment.Id.ToString());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await attachments.SetImageAsync(attachment.WorkspaceId, attachment.Id, size, cancellationToken);
        return attachment with { Image = size, ThumbnailState = ThumbnailState.Pending };
    }
}
