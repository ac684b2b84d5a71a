namespace Tanager.Protocol;

/// <summary>TYPING (client → server) and TYPING_START (server → channel members).</summary>
public sealed record TypingData
{
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    /// <summary>Who is typing; set by the server.</summary>
    public string? UserId { get; init; }
    /// <summary>How long the indicator lasts without a renewal; set by the server.</summary>
    public int? ExpiresInMs { get; init; }
}
