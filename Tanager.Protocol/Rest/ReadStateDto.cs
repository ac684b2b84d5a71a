namespace Tanager.Protocol;

/// <summary>A member's read state in one channel (also the READ_STATE_UPDATE event, sent to the member's own connections).</summary>
public sealed record ReadStateDto
{
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    /// <summary>The sequence of the last message read; 0 when nothing was read.</summary>
    public required long LastReadSequence { get; init; }
    /// <summary>Top-level messages by others after it (deleted ones not counted).</summary>
    public required int UnreadCount { get; init; }
    /// <summary>Messages after it that mention the member, directly or with @channel / @here.</summary>
    public required int MentionCount { get; init; }
}

/// <summary>Body of PUT …/channels/{id}/read.</summary>
public sealed record MarkReadRequest
{
    public long? Sequence { get; init; }
}

/// <summary>The caller's read state of every channel they are a member of in a workspace.</summary>
public sealed record ReadStateList
{
    public required IReadOnlyList<ReadStateDto> Channels { get; init; }
}
