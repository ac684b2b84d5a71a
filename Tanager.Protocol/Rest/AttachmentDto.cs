namespace Tanager.Protocol;

/// <summary>
/// A file attached to a message (or, until it is posted, uploaded for one). It carries no URL: download links are
/// short-lived and handed out per reader after a membership check (<c>GET …/attachments/{id}/download</c>), while this
/// record travels unchanged in broadcast events.
/// </summary>
public sealed record AttachmentDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string UploaderId { get; init; }
    /// <summary>The sanitised file name (Unicode NFC), as it is offered on download.</summary>
    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    /// <summary>Size in bytes.</summary>
    public required long Size { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The message it is attached to; absent until a message is posted with it.</summary>
    public string? MessageId { get; init; }
    /// <summary>An image's width in pixels as displayed (EXIF orientation applied), so a client can lay out its preview before loading it; absent for other files.</summary>
    public int? Width { get; init; }
    /// <summary>An image's height in pixels as displayed; absent for other files.</summary>
    public int? Height { get; init; }
    /// <summary>
    /// An image's thumbnail (WebP, without metadata), once made: fetch it with <c>GET …/attachments/{id}/thumbnail</c>.
    /// It is made shortly after the message is posted and announced with MESSAGE_UPDATE; absent until then, and for files
    /// that have none.
    /// </summary>
    public ThumbnailDto? Thumbnail { get; init; }
}

/// <summary>The size of an attachment's thumbnail, in pixels.</summary>
public sealed record ThumbnailDto
{
    public required int Width { get; init; }
    public required int Height { get; init; }
}
