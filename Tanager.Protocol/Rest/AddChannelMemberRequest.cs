namespace Tanager.Protocol;

public sealed record AddChannelMemberRequest
{
    /// <summary>A member of the channel's workspace.</summary>
    public string? UserId { get; init; }
}
