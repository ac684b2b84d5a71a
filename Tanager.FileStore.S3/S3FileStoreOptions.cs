namespace Tanager.FileStore.S3;

/// <summary>Where the bucket is and how to sign for it. <c>UseS3(…)</c> validates these when the host starts.</summary>
public sealed record S3FileStoreOptions
{
    /// <summary>
    /// The service URL for S3-compatible stores: <c>http://minio:9000</c>, <c>https://ACCOUNT.r2.cloudflarestorage.com</c>.
    /// Null for AWS S3 itself, which is reached through <see cref="Region"/>.
    /// </summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The bucket, which must exist; Tanager creates no buckets and needs only Get/Put/DeleteObject on it.</summary>
    public string Bucket { get; init; } = "";

    /// <summary>
    /// The region requests are signed for: the bucket's region on AWS, <c>auto</c> on R2, and <c>us-east-1</c> (the
    /// default) for MinIO and most self-hosted stores.
    /// </summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Access key id; with <see cref="SecretKey"/>. Both null: the AWS SDK's default chain (environment, instance role).</summary>
    public string? AccessKey { get; init; }

    /// <summary>Secret access key. Never logged.</summary>
    public string? SecretKey { get; init; }

    /// <summary>
    /// Path-style URLs (<c>endpoint/bucket/key</c>) rather than virtual-hosted (<c>bucket.endpoint/key</c>). True by
    /// default when an <see cref="Endpoint"/> is given (MinIO and most self-hosted stores need it), false for AWS.
    /// </summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>The reasons these options cannot work, empty when they can.</summary>
    public IReadOnlyList<string> Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            failures.Add("S3: a bucket is required.");
        }
        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("S3: the endpoint must be an absolute http:// or https:// URL.");
        }
        if (string.IsNullOrWhiteSpace(Region))
        {
            failures.Add("S3: a region is required (us-east-1 for MinIO, auto for R2).");
        }
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            failures.Add("S3: give both the access key and the secret key, or neither (to use the AWS SDK's default credentials).");
        }
        return failures;
    }
}
