using Tanager.FileStore.S3;

namespace Tanager;

public static class S3TanagerBuilderExtensions
{
    /// <summary>
    /// Keeps attachment bytes in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2) instead of on local disk: clients
    /// upload and download with presigned URLs, so every node shares the files and none carries their bytes. The options
    /// are checked here, so a wrong setting stops the application at start-up.
    /// </summary>
    public static TanagerBuilder UseS3(this TanagerBuilder builder, S3FileStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } failures)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
        return builder.UseFileStore(_ => new S3FileStore(options));
    }
}
