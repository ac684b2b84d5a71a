namespace Tanager.Protocol;

/// <summary>Payload of READY: who the connection is and everything it is subscribed to.</summary>
public sealed record ReadyData
{
    public required string SessionId { get; init; }
    public required UserDto User { get; init; }
    public required IReadOnlyList<ReadyWorkspace> Workspaces { get; init; }
}
