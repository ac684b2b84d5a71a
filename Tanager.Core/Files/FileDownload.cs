namespace Tanager;

/// <summary>
/// How a download is served: the <c>Content-Type</c> and <c>Content-Disposition</c> headers a download URL makes the
/// store send. Core decides them (<see cref="AttachmentService"/>), so every store serves the same.
/// </summary>
/// <param name="ContentType">The type sent: the declared one for inline images, <c>application/octet-stream</c> otherwise.</param>
/// <param name="ContentDisposition">A complete header value, <c>attachment; filename="…"; filename*=UTF-8''…</c> or <c>inline; …</c>.</param>
public sealed record FileDownload(string ContentType, string ContentDisposition);
