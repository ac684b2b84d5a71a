using NUlid;

namespace Tanager;

/// <summary>
/// An uploaded file. It is created with its upload slot, before any bytes exist and before the message it will belong
/// to exists; <see cref="MessageId"/> is set when a message is posted with it. <see cref="StorageKey"/> is
/// <c>{workspace}/{channel}/{attachment}/{safe file name}</c>.
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
    Ulid? MessageId = null);
