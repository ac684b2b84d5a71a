using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanager.Protocol;

namespace Tanager.Internal;

/// <summary>
/// Makes the thumbnails of posted images, on every node: each is claimed in the store by one worker before it is made,
/// so nodes never make one twice, and what a stopped node left is taken over once its claim is old. The node that
/// stores a message starts on its images at once; every node also sweeps for leftovers each
/// <see cref="AttachmentOptions.ThumbnailSweepInterval"/>. A thumbnail ready is announced as MESSAGE_UPDATE, and the
/// message's change sequence moves with it, so clients catching up get it too. Without an <see cref="IImageProcessor"/>
/// there is nothing to do and the worker ends at once.
/// </summary>
internal sealed class ThumbnailWorker(
    AttachmentService service,
    IAttachmentStore attachments,
    IMessageStore messages,
    IFileStore files,
    EventDispatcher events,
    IOptions<TanagerOptions> options,
    TimeProvider time,
    ILogger<ThumbnailWorker> logger,
    IImageProcessor? images = null) : BackgroundService
{
    private const int Batch = 20;
    /// <summary>A worker that claimed a thumbnail and died leaves the claim; after this long another worker takes it over.</summary>
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (images is null)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MakePendingAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.ThumbnailPassFailed(logger, exception);
            }
            await service.ThumbnailsDue.WaitAsync(options.Value.Attachments.ThumbnailSweepInterval, time, stoppingToken);
        }
    }

    /// <summary>Makes every pending thumbnail this worker can claim; returns how many it finished (made or found impossible).</summary>
    internal async Task<int> MakePendingAsync(CancellationToken cancellationToken)
    {
        var finished = 0;
        while (true)
        {
            var now = time.UtcNow();
            var pending = await attachments.ListPendingThumbnailsAsync(now - ClaimTimeout, Batch, cancellationToken);
            var progressed = false;
            foreach (var attachment in pending)
            {
                var message = await messages.GetAsync(attachment.WorkspaceId, attachment.MessageId!.Value, cancellationToken);
                if (message is null && attachment.CreatedAt > now - ClaimTimeout)
                {
                    continue;   // attached an instant ago, its message not stored yet: the post wakes this worker again
                }
                if (!await attachments.TryClaimThumbnailAsync(attachment.WorkspaceId, attachment.Id, now, now - ClaimTimeout, cancellationToken))
                {
                    continue;
                }
                progressed = true;
                try
                {
                    await MakeAsync(attachment, message, cancellationToken);
                    finished++;
                }
                catch (Exception exception) when (exception is not (OperationCanceledException or OutOfMemoryException))
                {
                    // The store or the file store failed: the claim stays, and the work is retried when it expires.
                    Log.ThumbnailFailed(logger, exception, attachment.Id.ToString());
                }
            }
            if (pending.Count < Batch || !progressed)
            {
                return finished;
            }
        }
    }

    private async Task MakeAsync(Attachment attachment, Message? message, CancellationToken cancellationToken)
    {
        var thumbnail = message is null || message.DeletedAt is not null ? null : await DecodeAsync(attachment, cancellationToken);
        if (thumbnail is null)
        {
            await attachments.CompleteThumbnailAsync(attachment.WorkspaceId, attachment.Id, attachment.MessageId!.Value, null, null, cancellationToken);
            return;
        }
        using (var content = new MemoryStream(thumbnail.WebP.ToArray(), writable: false))
        {
            await files.PutAsync(AttachmentService.ThumbnailKey(attachment), content, content.Length, "image/webp", cancellationToken);
        }
        var change = await attachments.CompleteThumbnailAsync(attachment.WorkspaceId, attachment.Id, attachment.MessageId!.Value, thumbnail.Source, thumbnail.Size, cancellationToken);
        if (change is { Changed: true, Message.DeletedAt: null })
        {
            var updated = (await service.WithAttachmentsAsync(attachment.WorkspaceId, [change.Message], cancellationToken))[0];
            await events.PublishAsync(EventHeader.ForChannel(GatewayEvents.MessageUpdate, updated.WorkspaceId, updated.ChannelId, updated.ChangeSequence),
                updated.ToDto(), TanagerJsonContext.Default.MessageDto, CancellationToken.None);
        }
    }

    /// <summary>The thumbnail, or null when the file is gone or is not an image the processor can decode safely.</summary>
    private async Task<Thumbnail?> DecodeAsync(Attachment attachment, CancellationToken cancellationToken)
    {
        await using var stream = await files.OpenReadAsync(attachment.StorageKey, cancellationToken);
        if (stream is null)
        {
            return null;
        }
        // The file was checked at its declared size when posted; reading no more than that bounds the memory used.
        var bytes = GC.AllocateUninitializedArray<byte>((int)Math.Min(attachment.Size, Array.MaxLength));
        var read = await stream.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, cancellationToken);
        try
        {
            var thumbnail = images!.CreateThumbnail(bytes.AsSpan(0, read), options.Value.Attachments.ThumbnailSize);
            if (thumbnail is null)
            {
                Log.ThumbnailUndecodable(logger, null, attachment.Id.ToString(), attachment.ContentType);
            }
            return thumbnail;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // A decoder that threw on this file will throw again: it gets no thumbnail rather than endless retries.
            Log.ThumbnailUndecodable(logger, exception, attachment.Id.ToString(), attachment.ContentType);
            return null;
        }
    }
}
