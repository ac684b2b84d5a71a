namespace Tanager.Protocol;

public sealed record HelloData
{
    /// <summary>How often the client must send HEARTBEAT, in milliseconds.</summary>
    public required int HeartbeatIntervalMs { get; init; }
}
