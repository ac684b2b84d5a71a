using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Attachment bytes in a folder on this machine: the default, for single-node installs without an object store.
/// Objects are files under <c>objects/</c>; clients upload and download through URLs that Tanager serves itself
/// (<c>{api}/files/{key}</c>), each signed with HMAC-SHA256 over the object key, the expiry, the size and the headers it
/// grants, with a key kept in <c>signing.key</c> beside them (created on first use, readable only by this user). A URL
/// therefore grants exactly one operation on one object until it expires. Several nodes need a shared store (S3).
/// </summary>
public sealed class LocalDiskFileStore : IFileStore
{
    /// <summary>Uploads are written here first and moved into place only when complete, so a refused upload leaves nothing.</summary>
    private const string PartialFolder = "partial";
    private const string ObjectFolder = "objects";
    private readonly string _objects;
    private readonly string _partial;
    /// <summary>Read or made on first use, so that a host that never sees a file never writes to the folder.</summary>
    private readonly Lazy<byte[]> _signingKey;
    private readonly TimeProvider _time;

    public LocalDiskFileStore(string directory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        _objects = Path.Combine(Directory, ObjectFolder) + Path.DirectorySeparatorChar;
        _partial = Path.Combine(Directory, PartialFolder);
        _time = time ?? TimeProvider.System;
        _signingKey = new(() => LoadOrCreateKey(Path.Combine(Directory, "signing.key")));
    }

    /// <summary>The folder that holds the objects and the signing key.</summary>
    public string Directory { get; }

    public string Name => "local-disk";

    public ValueTask<Uri> GetUploadUrlAsync(string key, string contentType, long size, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        return ValueTask.FromResult(SignedUrl(key, expiresAt.ToUnixTimeSeconds(), size, contentType, ""));
    }

    public ValueTask<Uri> GetDownloadUrlAsync(string key, FileDownload download, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(download);
        return ValueTask.FromResult(SignedUrl(key, expiresAt.ToUnixTimeSeconds(), 0, download.ContentType, download.ContentDisposition));
    }

    public ValueTask<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(key));
        return ValueTask.FromResult(file.Exists ? file.Length : (long?)null);
    }

    public async ValueTask PutAsync(string key, Stream content, long size, string contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await WriteAsync(key, content, size, cancellationToken);
    }

    public ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        return ValueTask.FromResult(File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true) : (Stream?)null);
    }

    public async ValueTask<int> ReadStartAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await using var stream = await OpenReadAsync(key, cancellationToken);
        return stream is null ? 0 : await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
    }

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return ValueTask.CompletedTask;   // deleted before, folders and all
        }
        // Empty key folders go too (attachment, then channel, then workspace), so deleted files leave no trace.
        for (var folder = Path.GetDirectoryName(path); folder is not null && folder.Length > _objects.Length; folder = Path.GetDirectoryName(folder))
        {
            try
            {
                System.IO.Directory.Delete(folder);
            }
            catch (IOException)
            {
                break;   // not empty (or already gone; DirectoryNotFoundException is an IOException)
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Stores the body of a <c>PUT</c> to an upload URL after checking its signature, expiry, content type and length.
    /// Exactly <see cref="LocalFileRequest.Size"/> bytes are accepted; a longer body is refused as soon as it passes
    /// that size and a shorter one when it ends, and either way nothing is stored.
    /// </summary>
    public async ValueTask ReceiveAsync(LocalFileRequest request, string? contentType, long? contentLength, Stream body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(body);
        Verify(request, upload: true);
        if (!string.Equals(contentType, request.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw TanagerException.UnsupportedMediaType($"This URL accepts Content-Type {request.ContentType} only.");
        }
        if (contentLength > request.Size)
        {
            throw TanagerException.TooLarge(ErrorCodes.FileTooLarge, $"This URL accepts exactly {request.Size} bytes; the request has {contentLength}.");
        }
        if (contentLength is { } length && length != request.Size)
        {
            throw TanagerException.Invalid($"This URL accepts exactly {request.Size} bytes; the request has {length}.");
        }
        await WriteAsync(request.Key, body, request.Size, cancellationToken);
    }

    /// <summary>Checks a download URL and opens the object it grants; the caller sends the request's headers with it.</summary>
    public async ValueTask<Stream> OpenDownloadAsync(LocalFileRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        Verify(request, upload: false);
        return await OpenReadAsync(request.Key, cancellationToken) ?? throw TanagerException.NotFound("File");
    }

    private async Task WriteAsync(string key, Stream content, long size, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        CreateFolder(_partial);
        var partial = Path.Combine(_partial, Guid.NewGuid().ToString("N"));
        try
        {
            long written = 0;
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 64 * 1024, Options = FileOptions.Asynchronous };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = OwnerOnlyFile;
            }
            await using (var file = new FileStream(partial, create))
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    written += read;
                    if (written > size)
                    {
                        throw TanagerException.TooLarge(ErrorCodes.FileTooLarge, $"This upload accepts exactly {size} bytes; more were sent.");
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                if (written != size)
                {
                    throw TanagerException.Invalid($"This upload accepts exactly {size} bytes; {written} were sent.");
                }
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            CreateFolder(Path.GetDirectoryName(target)!);
            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    private void Verify(LocalFileRequest request, bool upload)
    {
        PathOf(request.Key);
        var expected = Sign(request.Key, request.Expires, request.Size, request.ContentType, request.ContentDisposition);
        byte[] given;
        try
        {
            given = Base64Url.DecodeFromChars(request.Signature);
        }
        catch (FormatException)
        {
            given = [];
        }
        // Upload URLs carry no disposition and download URLs no size: one can never pass for the other.
        var shapeOk = upload ? request.ContentDisposition.Length == 0 && request.Size >= 0 : request.Size == 0 && request.ContentDisposition.Length > 0;
        if (!CryptographicOperations.FixedTimeEquals(expected, given) || !shapeOk)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.InvalidSignature, "The URL's signature does not match: it was changed, or it is for another file.");
        }
        if (_time.GetUtcNow().ToUnixTimeSeconds() > request.Expires)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.UrlExpired, "The URL has expired: ask for a new one.");
        }
    }

    private Uri SignedUrl(string key, long expires, long size, string contentType, string disposition)
    {
        PathOf(key);
        var signature = Base64Url.EncodeToString(Sign(key, expires, size, contentType, disposition));
        var path = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var query = new StringBuilder()
            .Append("expires=").Append(expires.ToString(CultureInfo.InvariantCulture))
            .Append("&size=").Append(size.ToString(CultureInfo.InvariantCulture))
            .Append("&type=").Append(Uri.EscapeDataString(contentType));
        if (disposition.Length > 0)
        {
            query.Append("&disposition=").Append(Uri.EscapeDataString(disposition));
        }
        query.Append("&sig=").Append(signature);
        return new Uri($"files/{path}?{query}", UriKind.Relative);
    }

    private byte[] Sign(string key, long expires, long size, string contentType, string disposition)
    {
        // Newlines cannot occur in keys, content types or dispositions (Core refuses control characters), so the fields cannot run together.
        var text = string.Join('\n', key, expires.ToString(CultureInfo.InvariantCulture), size.ToString(CultureInfo.InvariantCulture), contentType, disposition);
        return HMACSHA256.HashData(_signingKey.Value, Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The file of <paramref name="key"/>; a key that could leave the objects folder is refused, whatever signed it.</summary>
    private string PathOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split('/');
        if (key.Length == 0 || segments.Any(s => s.Length == 0 || s == "." || s == ".." || s.Contains('\\') || s.Any(char.IsControl)))
        {
            throw TanagerException.NotFound("File");
        }
        var path = Path.GetFullPath(Path.Combine(_objects, Path.Combine(segments)));
        return path.StartsWith(_objects, StringComparison.Ordinal) ? path : throw TanagerException.NotFound("File");
    }

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates a folder and any missing parents readable by this user only (0700): attachments are private to their
    /// workspace, and the signing key beside them grants every file.
    /// </summary>
    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(folder);
            return;
        }
        if (System.IO.Directory.Exists(folder))
        {
            return;
        }
        if (Path.GetDirectoryName(folder) is { } parent && parent != folder)
        {
            CreateFolder(parent);
        }
        try
        {
            System.IO.Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (IOException) when (System.IO.Directory.Exists(folder))
        {
        }
    }

    private static byte[] LoadOrCreateKey(string path)
    {
        CreateFolder(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length >= 32)
            {
                return existing;
            }
        }
        var key = RandomNumberGenerator.GetBytes(32);
        var temporary = path + "." + Guid.NewGuid().ToString("N");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnlyFile;
        }
        using (var file = new FileStream(temporary, create))
        {
            file.Write(key);
        }
        try
        {
            // Two processes starting on one folder: the first key written wins, and both read it back.
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temporary);
        }
        return File.ReadAllBytes(path);
    }
}
