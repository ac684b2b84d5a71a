namespace Tanager.Protocol;

/// <summary>A channel. <see cref="LastSequence"/> is the channel's newest sequence number (0 before the first message).</summary>
public sealed record ChannelDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string Name { get; init; }
    /// <summary>public, private, direct (a direct message between two people) or group (a group direct message).</summary>
    public required string Kind { get; init; }
    public string? Topic { get; init; }
    public string? Description { get; init; }
    /// <summary>When the channel was archived (readable, but closed to posts and joins); absent while active.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }
    /// <summary>The member who created the channel (and may manage it); absent for direct messages and older channels.</summary>
    public string? CreatedBy { get; init; }
    /// <summary>The channel's permission overrides per role; absent when it has none.</summary>
    public IReadOnlyList<ChannelOverrideDto>? Overrides { get; init; }
    public required long LastSequence { get; init; }
    /// <summary>
    /// The user ids of a direct or group message's participants, in id order; absent for other channels. A direct
    /// message's <see cref="Name"/> is an internal one: clients show the other participants' names instead.
    /// </summary>
    public IReadOnlyList<string>? Participants { get; init; }
    /// <summary>Whether the caller is a member. Absent in broadcast events, which carry nothing specific to one recipient.</summary>
    public bool? IsMember { get; init; }
    /// <summary>The caller's last read message sequence, in READY and channel lists for channels the caller is in.</summary>
    public long? LastReadSequence { get; init; }
    /// <summary>Top-level messages by others after the last read one; with <see cref="LastReadSequence"/>.</summary>
    public int? UnreadCount { get; init; }
    /// <summary>Messages after the last read one that mention the caller; with <see cref="LastReadSequence"/>.</summary>
    public int? MentionCount { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
