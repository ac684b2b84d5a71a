namespace Tanager;

/// <summary>Limits and lifetimes of files: <c>TanagerOptions.Attachments</c>, bound from <c>Tanager:Attachments</c>.</summary>
public sealed class AttachmentOptions
{
    /// <summary>The largest file accepted, in bytes: 50 MB, enough for phone videos and documents, as Slack's free tier once allowed.</summary>
    public long MaxFileSize { get; set; } = 50L * 1000 * 1000;
    /// <summary>Bytes of files one workspace may hold, counting uploads not yet attached: 10 GB.</summary>
    public long WorkspaceQuota { get; set; } = 10L * 1000 * 1000 * 1000;
    /// <summary>
    /// When not empty, only these content types are accepted (<c>image/png</c>, or <c>image/*</c> for a whole family).
    /// </summary>
    public IList<string> AllowedContentTypes { get; } = [];
    /// <summary>Content types refused even when allowed, with the same wildcards.</summary>
    public IList<string> DeniedContentTypes { get; } = [];
    /// <summary>How long an upload URL may be used: long enough for 50 MB on a slow uplink (1 Mbit/s takes ~7 min).</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>How long a download URL may be used: a link copied out of a client stops working soon.</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>Uploads never attached to a message are removed after this long.</summary>
    public TimeSpan UnattachedLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Files of deleted messages are removed this long after the delete (time to undo a mistake by an administrator).</summary>
    public TimeSpan DeletedRetention { get; set; } = TimeSpan.FromDays(7);
    /// <summary>
    /// The longest side of image thumbnails, in pixels: 720 fills a 360-pixel-wide preview on a high-density screen.
    /// Thumbnails are WebP, about 30–80 KB at this size.
    /// </summary>
    public int ThumbnailSize { get; set; } = 720;
    /// <summary>
    /// How often each node looks for thumbnails left to make (by a node that stopped, or before a restart); the node
    /// that stores a message makes its thumbnails at once.
    /// </summary>
    public TimeSpan ThumbnailSweepInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How often the file lifecycle runs on each node.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(10);
}
