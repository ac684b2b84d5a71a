using Tanager.FileStore.S3;
using Tanager.PubSub.Nats;

namespace Tanager.Server;

/// <summary>What the command line (or its environment defaults) decided.</summary>
/// <param name="DataDirectory">Where the SQLite database lives when no database URL is given.</param>
/// <param name="DatabaseUrl">A PostgreSQL URL or connection string; null for SQLite.</param>
/// <param name="InMemory">Keep everything in memory (tests and demos): nothing survives a restart.</param>
/// <param name="NatsUrl">A NATS server (or cluster) that carries live events between nodes; null for in-process pub/sub.</param>
/// <param name="S3">An S3-compatible bucket for attachments; null for local disk under <see cref="FilesDirectory"/>.</param>
internal sealed record ServerSettings(Uri Listen, string DataDirectory = ServerSettings.DefaultDataDirectory, string? DatabaseUrl = null, bool InMemory = false, string? NatsUrl = null, S3FileStoreOptions? S3 = null)
{
    public const string DefaultDataDirectory = "data";

    /// <summary>
    /// Whether the web client is served at <c>/</c> (when the build has it). The in-process test server turns it off:
    /// its route walks and REST fuzzing are about Tanager's own routes, not a few hundred static files.
    /// </summary>
    public bool WebClient { get; init; } = true;

    public string SqlitePath => Path.Combine(DataDirectory, "tanager.db");

    /// <summary>Where attachments are kept without S3: <c>files/</c> in the data folder, beside the database.</summary>
    public string FilesDirectory => Path.Combine(DataDirectory, "files");

    /// <summary>For the start-up log: where files go, without credentials.</summary>
    public string FileStoreDescription => S3 is { } s3 ? $"s3 (bucket {s3.Bucket} at {s3.Endpoint?.ToString() ?? "AWS " + s3.Region})" : $"local disk ({Path.GetFullPath(FilesDirectory)})";

    public string StorageDescription => InMemory ? "in-memory" : DatabaseUrl is not null ? "postgresql" : $"sqlite ({Path.GetFullPath(SqlitePath)})";

    /// <summary>An absolute http:// URL with an explicit port and no path; null otherwise.</summary>
    public static Uri? ParseListen(string? value)
    {
        return Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttp
            && !string.IsNullOrEmpty(uri.Host)
            && value!.Contains($":{uri.Port}", StringComparison.Ordinal)
            && uri.AbsolutePath == "/"
            ? uri
            : null;
    }

    /// <summary>
    /// Why <paramref name="value"/> is not a usable NATS URL (the same rules <c>NatsPubSubOptions</c> applies at start-up),
    /// or null when it is.
    /// </summary>
    public static string? NatsUrlError(string value)
    {
        var failures = new NatsPubSubOptions { Url = value }.Validate();
        return failures.Count == 0 ? null : "--nats-url" + failures[0]["Nats:Url".Length..];
    }
}
