namespace Tanager.Protocol;

public sealed record CreateInviteRequest
{
    /// <summary>member (default) or guest: the role of whoever joins with the invite.</summary>
    public string? Role { get; init; }
    /// <summary>How many people may join with it; unlimited when absent.</summary>
    public int? MaxUses { get; init; }
    /// <summary>How long it stays valid; forever when absent.</summary>
    public long? ExpiresInSeconds { get; init; }
}
