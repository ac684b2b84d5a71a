namespace Tanager.Protocol;

/// <summary>Payload of CHANNEL_MEMBER_ADD and CHANNEL_MEMBER_REMOVE.</summary>
public sealed record ChannelMemberDto
{
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string UserId { get; init; }
    public required DateTimeOffset JoinedAt { get; init; }
}
