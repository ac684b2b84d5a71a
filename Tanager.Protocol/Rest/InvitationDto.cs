namespace Tanager.Protocol;

/// <summary>
/// A personal invitation to a workspace, as its invitee sees it (<c>GET /invitations</c> and WORKSPACE_INVITATION_CREATE).
/// Only the invitee is ever shown one.
/// </summary>
public sealed record InvitationDto
{
    public required string Id { get; init; }
    public required WorkspaceDto Workspace { get; init; }
    /// <summary>The role the invitee will have: admin, member or guest.</summary>
    public required string Role { get; init; }
    /// <summary>Who invited; absent when that account no longer exists.</summary>
    public UserDto? InvitedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}
