namespace Tanager;

/// <summary>
/// A request to one of <see cref="LocalDiskFileStore"/>'s signed URLs, as the URL's query carries it. The signature
/// covers every other member, so none can be changed (another key, a later expiry, a larger size) without it failing.
/// </summary>
/// <param name="Key">The object key from the URL path.</param>
/// <param name="Expires">Unix seconds after which the URL is refused.</param>
/// <param name="Size">For an upload, the exact byte count it must send; 0 for a download.</param>
/// <param name="ContentType">For an upload, the type its <c>Content-Type</c> must be; for a download, the type sent.</param>
/// <param name="ContentDisposition">For a download, the header sent; empty for an upload.</param>
/// <param name="Signature">Base64url HMAC-SHA256 of the above.</param>
public sealed record LocalFileRequest(string Key, long Expires, long Size, string ContentType, string ContentDisposition, string Signature);
