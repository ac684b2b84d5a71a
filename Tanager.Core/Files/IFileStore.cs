namespace Tanager;

/// <summary>
/// Where attachment bytes live: local disk by default (<see cref="LocalDiskFileStore"/>), any S3-compatible service with
/// <c>Tanager.FileStore.S3</c>. Clients move the bytes themselves through the URLs a store signs, so file bytes never
/// pass through Tanager's API when the store is remote. Keys are <c>{workspace}/{channel}/{attachment}/{file name}</c>,
/// made by Core; a store treats them as opaque. Every method is safe to call again (deletes of absent objects succeed).
/// </summary>
public interface IFileStore
{
    /// <summary>A short name for logs: <c>local-disk</c>, <c>s3</c>.</summary>
    string Name { get; }

    /// <summary>
    /// A URL that accepts one <c>PUT</c> of exactly <paramref name="size"/> bytes of <paramref name="contentType"/> to
    /// <paramref name="key"/> until <paramref name="expiresAt"/>. It may be relative (local disk: to the API's root).
    /// </summary>
    ValueTask<Uri> GetUploadUrlAsync(string key, string contentType, long size, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>A URL that fetches <paramref name="key"/> with a plain <c>GET</c> until <paramref name="expiresAt"/>, served as <paramref name="download"/> says.</summary>
    ValueTask<Uri> GetDownloadUrlAsync(string key, FileDownload download, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The stored object's size in bytes, or null when there is no object under <paramref name="key"/>.</summary>
    ValueTask<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="size"/> bytes from <paramref name="content"/> under <paramref name="key"/> (server-side writes).</summary>
    ValueTask PutAsync(string key, Stream content, long size, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Opens the object for reading, or null when there is none.</summary>
    ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the object's first bytes into <paramref name="buffer"/> (with one ranged request on a remote store) and
    /// returns how many: fewer than the buffer holds when the object is shorter, 0 when there is no object.
    /// </summary>
    ValueTask<int> ReadStartAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; deleting one that is not there succeeds.</summary>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default);
}
