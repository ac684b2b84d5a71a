namespace Tanager.Protocol;

/// <summary>A followed thread: its parent message (with <c>reply_count</c> and <c>last_reply_at</c>) and when following began.</summary>
public sealed record ThreadDto
{
    public required MessageDto Parent { get; init; }
    public required DateTimeOffset FollowedAt { get; init; }
}
