namespace Tanager.Protocol;

/// <summary>One workspace in READY, with the channels the user is a member of and each one's latest sequence.</summary>
public sealed record ReadyWorkspace
{
    public required WorkspaceDto Workspace { get; init; }
    public required IReadOnlyList<ChannelDto> Channels { get; init; }
    /// <summary>Members of the workspace who are not offline, as this node knows them when READY is sent.</summary>
    public IReadOnlyList<PresenceData>? Presences { get; init; }
}
