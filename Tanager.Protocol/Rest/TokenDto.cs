namespace Tanager.Protocol;

/// <summary>A bot token or API key. <see cref="Token"/> is set only in the answer that created it: it is stored as a hash.</summary>
public sealed record TokenDto
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    /// <summary>A bot token's scopes; absent for API keys.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public string? Token { get; init; }
}
