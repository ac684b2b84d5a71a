using Microsoft.AspNetCore.Components.Forms;
using Tanager.Client;
using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>
/// Files: chosen, dropped or pasted into the composer, uploaded with progress before the message is sent, shown in
/// messages as inline image previews or download links (short-lived signed URLs, fetched when first shown).
/// </summary>
public sealed partial class TanagerChat
{
    /// <summary>Files per message, as the server allows.</summary>
    private const int MaxFilesPerMessage = 10;
    /// <summary>What the page reads into memory before uploading (the SDK declares the size first); the server may allow less.</summary>
    private const long MaxUploadBytes = 100L * 1024 * 1024;

    private readonly List<PendingUpload> _uploads = [];
    /// <summary>Signed links by attachment id and kind; null while one is being fetched.</summary>
    private readonly Dictionary<string, DownloadUrlDto?> _links = new(StringComparer.Ordinal);

    private bool Uploading => _uploads.Exists(u => u.Attachment is null && u.Error is null);

    private async Task OnFilesChosenAsync(InputFileChangeEventArgs e)
    {
        if (_client is null || _workspaceId is not { } workspaceId || _channelId is not { } channelId)
        {
            return;
        }
        if (e.FileCount + _uploads.Count > MaxFilesPerMessage)
        {
            _error = $"At most {MaxFilesPerMessage} files per message.";
            return;
        }
        // One after another: two uploads at once would only share the same connection.
        foreach (var file in e.GetMultipleFiles(MaxFilesPerMessage))
        {
            var upload = new PendingUpload(file.Name, file.Size, channelId);
            _uploads.Add(upload);
            if (file.Size > MaxUploadBytes)
            {
                upload.Error = $"larger than {MaxUploadBytes / (1024 * 1024)} MB";
                continue;
            }
            StateHasChanged();
            try
            {
                using var buffer = new MemoryStream((int)file.Size);
                await using (var source = file.OpenReadStream(MaxUploadBytes, _disposing.Token))
                {
                    await source.CopyToAsync(buffer, _disposing.Token);
                }
                buffer.Position = 0;
                var progress = new Progress<long>(sent =>
                {
                    upload.Sent = sent;
                    StateHasChanged();
                });
                var type = string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType;
                upload.Attachment = await _client.UploadAsync(workspaceId, channelId, buffer, file.Name, type, progress, _disposing.Token);
            }
            catch (TanagerApiException exception)
            {
                upload.Error = exception.Message;
            }
            catch (HttpRequestException)
            {
                upload.Error = "the server could not be reached";
            }
            catch (IOException exception)
            {
                upload.Error = exception.Message;
            }
        }
    }

    private void RemoveUpload(PendingUpload upload) => _uploads.Remove(upload);

    /// <summary>The uploads ready to go with a message to <paramref name="channelId"/>; failed ones stay listed until removed.</summary>
    private List<string> ReadyAttachments(string channelId) =>
        [.. _uploads.Where(u => u.ChannelId == channelId && u.Attachment is not null).Select(u => u.Attachment!.Id)];

    private void ClearSentUploads(string channelId) => _uploads.RemoveAll(u => u.ChannelId == channelId && u.Attachment is not null);

    private static bool IsImage(AttachmentDto file) => file.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The signed URL of an attachment (of its thumbnail when it has one and <paramref name="preview"/>), or null while
    /// it is fetched: the page renders again when it arrives. Refetched shortly before it expires.
    /// </summary>
    private string? LinkOf(AttachmentDto file, bool preview)
    {
        var thumbnail = preview && file.Thumbnail is not null;
        var key = (thumbnail ? "t:" : "f:") + file.Id;
        if (_links.TryGetValue(key, out var link))
        {
            if (link is null || link.ExpiresAt > DateTimeOffset.UtcNow.AddSeconds(30))
            {
                return link?.Url;
            }
        }
        _links[key] = null;
        _ = FetchLinkAsync(file, thumbnail, key);
        return link?.Url;
    }

    private async Task FetchLinkAsync(AttachmentDto file, bool thumbnail, string key)
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            _links[key] = thumbnail
                ? await _client.GetThumbnailUrlAsync(file.WorkspaceId, file.Id, _disposing.Token)
                : await _client.GetDownloadUrlAsync(file.WorkspaceId, file.Id, _disposing.Token);
            await InvokeAsync(StateHasChanged);
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException or OperationCanceledException)
        {
            // Shown without a link; the next render asks again.
            _links.Remove(key);
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };

    /// <summary>A file on its way: read, then uploaded with progress; its attachment once the server has it.</summary>
    private sealed class PendingUpload(string name, long size, string channelId)
    {
        public string Name { get; } = name;
        public long Size { get; } = size;
        public string ChannelId { get; } = channelId;
        public long Sent { get; set; }
        public AttachmentDto? Attachment { get; set; }
        public string? Error { get; set; }

        public int Percent => Size == 0 ? 100 : (int)Math.Min(100, Sent * 100 / Size);
    }
}
