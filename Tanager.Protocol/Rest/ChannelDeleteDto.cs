namespace Tanager.Protocol;

/// <summary>Payload of CHANNEL_DELETE: which channel is gone.</summary>
public sealed record ChannelDeleteDto
{
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
}
