namespace Tanager.Protocol;

/// <summary>An outgoing webhook. <see cref="Secret"/> is given once, when it is created.</summary>
public sealed record EventSubscriptionDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    /// <summary>Whose view decides what is delivered: the bot or admin that created it.</summary>
    public required string OwnerId { get; init; }
    public required string Url { get; init; }
    public required IReadOnlyList<string> Events { get; init; }
    /// <summary>The channels it is limited to; empty for every channel the owner can see.</summary>
    public required IReadOnlyList<string> ChannelIds { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The key of the deliveries' HMAC-SHA256 signatures (its UTF-8 bytes). Only in the answer to its creation.</summary>
    public string? Secret { get; init; }
}
