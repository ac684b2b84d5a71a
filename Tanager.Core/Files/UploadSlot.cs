namespace Tanager;

/// <summary>An upload slot: the attachment row and the URL its bytes go to (relative for local disk: to the API's root).</summary>
public sealed record UploadSlot(Attachment Attachment, Uri UploadUrl, DateTimeOffset ExpiresAt);
