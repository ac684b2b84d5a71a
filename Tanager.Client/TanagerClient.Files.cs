using System.Net;
using System.Net.Http.Headers;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Files: upload through an upload slot, post with attachments, download through a short-lived link.</summary>
public sealed partial class TanagerClient
{
    /// <summary>Bytes copied per read: small enough that progress is reported often, large enough to stream fast.</summary>
    private const int TransferBufferSize = 81920;

    /// <summary>
    /// Uploads a file for <paramref name="channelId"/>: asks for an upload slot, then PUTs the bytes straight to the
    /// URL it names (the object store's, or the server's own for local disk), reporting the bytes sent so far to
    /// <paramref name="progress"/>. Post it with <see cref="PostMessageAsync(string, string, string, IReadOnlyList{string}, string?, CancellationToken)"/>.
    /// The stream must be seekable (its length is declared first); it is read from its current position.
    /// </summary>
    public async Task<AttachmentDto> UploadAsync(string workspaceId, string channelId, Stream content, string fileName, string contentType, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable: its length is declared before the upload.", nameof(content));
        }
        var request = new CreateUploadRequest { FileName = fileName, ContentType = contentType, Size = content.Length - content.Position };
        var slot = await SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/attachments", request,
            TanagerJsonContext.Default.CreateUploadRequest, TanagerJsonContext.Default.UploadSlotDto, cancellationToken);
        // No Authorization header: the URL is its own authorisation, and a bearer token must never reach an object store.
        using var put = new HttpRequestMessage(new HttpMethod(slot.UploadMethod), slot.UploadUrl)
        {
            Content = new ProgressContent(content, request.Size.Value, progress),
        };
        foreach (var (name, value) in slot.UploadHeaders)
        {
            put.Content.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(put, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }
        return slot.Attachment;
    }

    /// <summary>Posts a message with uploaded files (content may be empty); retried safely like the other overload.</summary>
    public Task<MessageDto> PostMessageAsync(string workspaceId, string channelId, string content, IReadOnlyList<string> attachmentIds, string? nonce = null, CancellationToken cancellationToken = default)
    {
        var request = new PostMessageRequest { Content = content, Nonce = nonce ?? Guid.NewGuid().ToString("N"), AttachmentIds = attachmentIds };
        return PostWithRetriesAsync(workspaceId, channelId, request, cancellationToken);
    }

    /// <summary>A short-lived URL that downloads one attachment with a plain GET.</summary>
    public Task<DownloadUrlDto> GetDownloadUrlAsync(string workspaceId, string attachmentId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/attachments/{Escape(attachmentId)}/download", TanagerJsonContext.Default.DownloadUrlDto, cancellationToken);

    /// <summary>A short-lived URL of an image attachment's thumbnail (WebP); 404 until <see cref="AttachmentDto.Thumbnail"/> is set.</summary>
    public Task<DownloadUrlDto> GetThumbnailUrlAsync(string workspaceId, string attachmentId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/attachments/{Escape(attachmentId)}/thumbnail", TanagerJsonContext.Default.DownloadUrlDto, cancellationToken);

    /// <summary>Downloads an attachment into <paramref name="destination"/>, reporting the bytes received so far to <paramref name="progress"/>.</summary>
    public async Task DownloadAsync(string workspaceId, string attachmentId, Stream destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        await CopyAsync(await GetDownloadUrlAsync(workspaceId, attachmentId, cancellationToken), destination, progress, cancellationToken);

    /// <summary>Downloads an image attachment's thumbnail (WebP) into <paramref name="destination"/>.</summary>
    public async Task DownloadThumbnailAsync(string workspaceId, string attachmentId, Stream destination, CancellationToken cancellationToken = default) =>
        await CopyAsync(await GetThumbnailUrlAsync(workspaceId, attachmentId, cancellationToken), destination, null, cancellationToken);

    private async Task CopyAsync(DownloadUrlDto link, Stream destination, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await _http.GetAsync(new Uri(link.Url), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }
        await using var source = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[TransferBufferSize];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
            progress?.Report(total);
        }
    }

    /// <summary>A request body that reports how much of it has been sent.</summary>
    private sealed class ProgressContent(Stream source, long length, IProgress<long>? progress) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) => await SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var buffer = new byte[TransferBufferSize];
            long sent = 0;
            while (sent < length)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - sent)), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
                progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}
