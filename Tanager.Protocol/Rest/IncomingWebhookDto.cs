namespace Tanager.Protocol;

/// <summary>An incoming webhook. <see cref="Url"/> and <see cref="Token"/> are given once, when it is created.</summary>
public sealed record IncomingWebhookDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string Name { get; init; }
    public string? AvatarUrl { get; init; }
    /// <summary>The bot user its messages are written by (their <c>author_id</c>).</summary>
    public required string BotUserId { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Where to POST: <c>{server}/api/v1/webhooks/{id}/{token}</c>. Only in the answer to its creation.</summary>
    public string? Url { get; init; }
    /// <summary>The secret last segment of <see cref="Url"/>. Only in the answer to its creation.</summary>
    public string? Token { get; init; }
}
