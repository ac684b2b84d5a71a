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
}
