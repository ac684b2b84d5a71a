using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("attachments")]
internal sealed class AttachmentRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("channel_id")] public Ulid ChannelId { get; set; }
    [Column("uploader_id")] public Ulid UploaderId { get; set; }
    /// <summary>The message it is attached to; null until it is (and again when that message goes).</summary>
    [Column("message_id")] public Ulid? MessageId { get; set; }
    [Column("file_name"), NotNull] public string FileName { get; set; } = "";
    [Column("content_type"), NotNull] public string ContentType { get; set; } = "";
    [Column("size_bytes")] public long Size { get; set; }
    [Column("storage_key"), NotNull] public string StorageKey { get; set; } = "";
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("purge_claimed_at")] public DateTimeOffset? PurgeClaimedAt { get; set; }
    [Column("width")] public int? Width { get; set; }
    [Column("height")] public int? Height { get; set; }
    /// <summary><see cref="Tanager.ThumbnailState"/>.</summary>
    [Column("thumbnail_state")] public int ThumbnailState { get; set; }
    [Column("thumbnail_width")] public int? ThumbnailWidth { get; set; }
    [Column("thumbnail_height")] public int? ThumbnailHeight { get; set; }
    [Column("thumbnail_claimed_at")] public DateTimeOffset? ThumbnailClaimedAt { get; set; }

    public static AttachmentRow From(Attachment attachment) => new()
    {
        WorkspaceId = attachment.WorkspaceId, Id = attachment.Id, ChannelId = attachment.ChannelId, UploaderId = attachment.UploaderId, MessageId = attachment.MessageId,
        FileName = attachment.FileName, ContentType = attachment.ContentType, Size = attachment.Size, StorageKey = attachment.StorageKey, CreatedAt = attachment.CreatedAt,
        Width = attachment.Image?.Width, Height = attachment.Image?.Height, ThumbnailState = (int)attachment.ThumbnailState,
        ThumbnailWidth = attachment.ThumbnailSize?.Width, ThumbnailHeight = attachment.ThumbnailSize?.Height,
    };

    public Attachment ToDomain() => new(WorkspaceId, Id, ChannelId, UploaderId, FileName, ContentType, Size, StorageKey, CreatedAt, MessageId)
    {
        Image = Width is { } w && Height is { } h ? new ImageSize(w, h) : null,
        ThumbnailState = (ThumbnailState)ThumbnailState,
        ThumbnailSize = ThumbnailWidth is { } tw && ThumbnailHeight is { } th ? new ImageSize(tw, th) : null,
    };
}
