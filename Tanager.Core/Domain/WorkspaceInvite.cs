using NUlid;

namespace Tanager;

/// <summary>
/// An invite link to a workspace. Only the SHA-256 of its code is kept (<see cref="CodeHash"/>), like session tokens.
/// <see cref="MaxUses"/> and <see cref="ExpiresAt"/> are null when unlimited.
/// </summary>
public sealed record WorkspaceInvite(
    Ulid WorkspaceId,
    Ulid Id,
    byte[] CodeHash,
    WorkspaceRole Role,
    Ulid CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    int? MaxUses,
    int Uses,
    DateTimeOffset? RevokedAt)
{
    /// <summary>Why the invite cannot be used at <paramref name="now"/>, or <see cref="InviteRedemptionStatus.Joined"/> when it can.</summary>
    public InviteRedemptionStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? InviteRedemptionStatus.Revoked
        : ExpiresAt <= now ? InviteRedemptionStatus.Expired
        : Uses >= MaxUses ? InviteRedemptionStatus.UsedUp
        : InviteRedemptionStatus.Joined;
}
