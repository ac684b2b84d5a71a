namespace Tanager.Protocol;

/// <summary>One of the caller's login sessions, as <c>GET /auth/sessions</c> lists them. The token itself is never shown again.</summary>
public sealed record SessionDto
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset LastUsedAt { get; init; }
    /// <summary>When the session ends at the latest (its absolute lifetime); idle sessions end sooner.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    public string? UserAgent { get; init; }
    /// <summary>The client's address as seen behind the server's trusted proxies.</summary>
    public string? IpAddress { get; init; }
    /// <summary>True for the session that made this request.</summary>
    public bool Current { get; init; }
}
