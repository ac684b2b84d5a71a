using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tanager.FileStore.S3;

/// <summary>
/// Attachment bytes in an S3-compatible bucket. Clients upload and download with presigned URLs (SigV4, query-string
/// signed), so the bytes go between the client and the store and never through Tanager. Core checks each upload's size
/// with a HEAD request before a message may use it; a presigned PUT cannot limit the size it accepts, so an oversize
/// object is refused at that point and removed by the file lifecycle with its unattached row.
/// </summary>
public sealed class S3FileStore : IFileStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _bucket;
    private readonly Amazon.S3.Protocol _protocol;

    public S3FileStore(S3FileStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } failures)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle ?? options.Endpoint is not null,
            AuthenticationRegion = options.Region,
            // Checksums only when an operation needs them: S3-compatible stores (s3rver, older MinIO, R2 in part) reject
            // or mangle the flexible checksums the SDK sends by default since 4.0.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        _protocol = options.Endpoint?.Scheme == Uri.UriSchemeHttp ? Amazon.S3.Protocol.HTTP : Amazon.S3.Protocol.HTTPS;
        _client = options.AccessKey is { Length: > 0 } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, options.SecretKey), config)
            : new AmazonS3Client(config);
        _bucket = options.Bucket;
    }

    public string Name => "s3";

    public async ValueTask<Uri> GetUploadUrlAsync(string key, string contentType, long size, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        // Content-Type is signed: the PUT must send the type the upload was declared with.
        var url = await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.PUT,
            ContentType = contentType,
            Expires = expiresAt.UtcDateTime,
            Protocol = _protocol,
        });
        return new Uri(url);
    }

    public async ValueTask<Uri> GetDownloadUrlAsync(string key, FileDownload download, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(download);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = expiresAt.UtcDateTime,
            Protocol = _protocol,
        };
        // S3 sends these instead of the stored headers: a file uploaded as text/html is still a download.
        request.ResponseHeaderOverrides.ContentType = download.ContentType;
        request.ResponseHeaderOverrides.ContentDisposition = download.ContentDisposition;
        return new Uri(await _client.GetPreSignedURLAsync(request));
    }

    public async ValueTask<long?> GetSizeAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask PutAsync(string key, Stream content, long size, string contentType, CancellationToken cancellationToken = default)
    {
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
            // Over plain HTTP the SDK would otherwise send aws-chunked bodies, which some stores keep verbatim (signatures and all).
            UseChunkEncoding = false,
            Headers = { ContentLength = size },
        }, cancellationToken);
    }

    public async ValueTask<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask<int> ReadStartAsync(string key, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key, ByteRange = new ByteRange(0, buffer.Length - 1) }, cancellationToken);
            var read = 0;
            while (read < buffer.Length)
            {
                int count;
                try
                {
                    count = await response.ResponseStream.ReadAsync(buffer[read..], cancellationToken);
                }
                catch (System.Net.Http.HttpIOException)
                {
                    // Some S3-compatible stores (s3rver) announce the whole range's length for a shorter (or empty) object, then end; a
                    // header read needs no more than what came.
                    break;
                }
                if (count == 0)
                {
                    break;
                }
                read += count;
            }
            return read;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return 0;   // no object, or an empty one (a range of nothing is not satisfiable)
        }
    }

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        // S3 answers 204 whether or not the object existed: deletes are idempotent.
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
    }

    public void Dispose() => _client.Dispose();
}
