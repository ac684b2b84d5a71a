namespace Tanager.Protocol;

/// <summary>
/// Where to send a file's bytes: <c>PUT</c> them to <see cref="UploadUrl"/> with the headers in
/// <see cref="UploadHeaders"/> before <see cref="ExpiresAt"/>, then post a message with the attachment's id.
/// </summary>
public sealed record UploadSlotDto
{
    public required AttachmentDto Attachment { get; init; }
    /// <summary>Absolute URL: a presigned object-store URL, or one Tanager serves itself for local disk.</summary>
    public required string UploadUrl { get; init; }
    /// <summary>Always <c>PUT</c>.</summary>
    public required string UploadMethod { get; init; }
    /// <summary>Headers the PUT must carry (the content type the URL was signed for).</summary>
    public required IReadOnlyDictionary<string, string> UploadHeaders { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}
