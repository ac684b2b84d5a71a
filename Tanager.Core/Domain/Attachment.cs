using NUlid;

namespace Tanager;

/// <summary>
/// An uploaded file. It is created with its upload slot, before any bytes exist and before the message it will belong
/// to exists; <see cref="MessageId"/> is set when a message is posted with it. <see cref="StorageKey"/> is
/// <c>{workspace}/{channel}/{attachment}/{safe file name}</c>. Images an <see cref="IImageProcessor"/> reads also carry
/// their <see cref="Image"/> size, known when the message is posted, and a thumbnail made soon after.
/// </summary>
public sealed record Attachment(
    Ulid WorkspaceId,
    Ulid Id,
    Ulid ChannelId,
    Ulid UploaderId,
    string FileName,
    string ContentType,
    long Size,
    string StorageKey,
    DateTimeOffset CreatedAt,
    Ulid? MessageId = null)
{
    /// <summary>The displayed width and height of an image, when its header was read; null for other files.</summary>
    public ImageSize? Image { get; init; }

    /// <summary>Where this attachment's thumbnail is in its making.</summary>
    public ThumbnailState ThumbnailState { get; init; }

    /// <summary>The thumbnail's size once it is <see cref="ThumbnailState.Ready"/>.</summary>
    public ImageSize? ThumbnailSize { get; init; }
}

/// <summary>Where an attachment's thumbnail is in its making.</summary>
public enum ThumbnailState
{
    /// <summary>Not an image, or no image processor: there will be none.</summary>
    None = 0,
    /// <summary>An image posted in a message, waiting for the thumbnail worker.</summary>
    Pending = 1,
    /// <summary>Made and stored next to the file.</summary>
    Ready = 2,
    /// <summary>The image could not be decoded (or is too large to decode safely): there will be none.</summary>
    Failed = 3,
}
