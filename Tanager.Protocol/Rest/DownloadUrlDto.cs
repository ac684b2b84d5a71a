namespace Tanager.Protocol;

/// <summary>A short-lived URL that fetches one attachment's bytes with a plain GET (no authorization header).</summary>
public sealed record DownloadUrlDto
{
    public required string Url { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}
