using System.CommandLine;
using Tanager.FileStore.S3;

namespace Tanager.Server;

/// <summary>
/// <c>serve</c>'s file store options. Without <c>--s3-bucket</c> files stay on local disk in the data folder; with it
/// they go to an S3-compatible bucket. Each option defaults to its environment variable, the way to pass the secret
/// key without it showing in the process list.
/// </summary>
internal sealed class FileStoreOptions
{
    public Option<string?> Endpoint { get; } = Env("--s3-endpoint", "TANAGER_S3_ENDPOINT", "An S3-compatible service URL (MinIO, R2, …), e.g. http://127.0.0.1:9000. Omit for AWS S3.");
    public Option<string?> Bucket { get; } = Env("--s3-bucket", "TANAGER_S3_BUCKET", "Keep attachments in this S3 bucket instead of <data-dir>/files.");
    public Option<string?> AccessKey { get; } = Env("--s3-access-key", "TANAGER_S3_ACCESS_KEY", "S3 access key id.");
    public Option<string?> SecretKey { get; } = Env("--s3-secret-key", "TANAGER_S3_SECRET_KEY", "S3 secret access key (prefer the environment variable).");
    public Option<string?> Region { get; } = Env("--s3-region", "TANAGER_S3_REGION", "The region requests are signed for: the bucket's region on AWS, auto on R2. Default us-east-1.");

    public FileStoreOptions()
    {
        Endpoint.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                result.AddError($"--s3-endpoint must be an http:// or https:// URL; got '{value}'.");
            }
        });
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Endpoint);
        command.Options.Add(Bucket);
        command.Options.Add(AccessKey);
        command.Options.Add(SecretKey);
        command.Options.Add(Region);
    }

    /// <summary>The S3 settings, or null for local disk; an error message when they are incomplete.</summary>
    public (S3FileStoreOptions? Options, string? Error) Read(ParseResult parse)
    {
        string? Value(Option<string?> option) => parse.GetValue(option) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        var bucket = Value(Bucket);
        if (bucket is null)
        {
            return Value(Endpoint) is null && Value(AccessKey) is null && Value(SecretKey) is null
                ? (null, null)
                : (null, "--s3-bucket is required when any other --s3-* option (or TANAGER_S3_* variable) is given.");
        }
        var options = new S3FileStoreOptions
        {
            Bucket = bucket,
            Endpoint = Value(Endpoint) is { } endpoint ? new Uri(endpoint) : null,
            Region = Value(Region) ?? "us-east-1",
            AccessKey = Value(AccessKey),
            SecretKey = Value(SecretKey),
        };
        var failures = options.Validate();
        return failures.Count == 0 ? (options, null) : (null, "--s3-* options: " + string.Join(" ", failures));
    }

    private static Option<string?> Env(string name, string variable, string description) => new(name)
    {
        Description = $"{description} Default: ${variable}.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable),
    };
}
