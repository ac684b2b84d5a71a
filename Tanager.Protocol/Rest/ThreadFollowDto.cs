namespace Tanager.Protocol;

/// <summary>
/// The payload of THREAD_UPDATE, sent to the user's own connections when they follow or unfollow a thread. Not a
/// channel change: it carries no <c>change_sequence</c>.
/// </summary>
public sealed record ThreadFollowDto
{
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string ThreadId { get; init; }
    public required bool Following { get; init; }
}
