using NUlid;

namespace Tanager;

/// <summary>
/// A personal invitation to a workspace, waiting for the invitee to accept or decline it. It is addressed to an email
/// (<see cref="EmailKey"/>, the form <see cref="User.EmailKey"/> compares), so whoever holds that address sees it,
/// also when they register after it was sent. <see cref="UserId"/> is set when the inviter named an account by id.
/// </summary>
public sealed record WorkspaceInvitation(
    Ulid WorkspaceId,
    Ulid Id,
    string EmailKey,
    Ulid? UserId,
    WorkspaceRole Role,
    Ulid InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
