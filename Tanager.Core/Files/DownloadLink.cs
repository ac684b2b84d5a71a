namespace Tanager;

/// <summary>A short-lived URL for one attachment's bytes (relative for local disk: to the API's root).</summary>
public sealed record DownloadLink(Uri Url, DateTimeOffset ExpiresAt);
