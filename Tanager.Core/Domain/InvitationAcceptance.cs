namespace Tanager;

/// <summary>
/// What accepting a <see cref="WorkspaceInvitation"/> did: the membership, and whether it is new (false when the invitee
/// was a member already, in which case the invitation is used up all the same).
/// </summary>
public sealed record InvitationAcceptance(WorkspaceMember Member, bool Joined);
