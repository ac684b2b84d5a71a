namespace Tanager;

/// <summary>What redeeming an invite code did.</summary>
public enum InviteRedemptionStatus
{
    /// <summary>The user joined the workspace; the invite's use count went up by one.</summary>
    Joined = 0,
    /// <summary>The user was a member already; no use was taken.</summary>
    AlreadyMember = 1,
    NotFound = 2,
    Expired = 3,
    UsedUp = 4,
    Revoked = 5,
}

/// <summary>The outcome of redeeming an invite and, when known, the invite and the (new or existing) membership.</summary>
public sealed record InviteRedemption(InviteRedemptionStatus Status, WorkspaceInvite? Invite, WorkspaceMember? Member);
