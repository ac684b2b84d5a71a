namespace Tanager.Protocol;

/// <summary>A channel. <see cref="LastSequence"/> is the channel's newest sequence number (0 before the first message).</summary>
public sealed record ChannelDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public required string Name { get; init; }
    /// <summary>public or private.</summary>
    public required string Kind { get; init; }
    public string? Topic { get; init; }
    public required long LastSequence { get; init; }
    /// <summary>Whether the caller is a member. Absent in broadcast events, which carry nothing specific to one recipient.</summary>
    public bool? IsMember { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
