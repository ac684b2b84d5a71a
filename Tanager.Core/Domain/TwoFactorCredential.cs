using NUlid;

namespace Tanager;

/// <summary>
/// A user's authenticator (TOTP, RFC 6238): the shared secret, whether enrolment was confirmed, and the last time step a
/// code was accepted for, so that a code is accepted once (RFC 6238 §5.2).
/// </summary>
public sealed record TwoFactorCredential(Ulid UserId, string Secret, DateTimeOffset CreatedAt)
{
    /// <summary>When the user confirmed enrolment with a first code; null while enrolment is pending (login is unchanged).</summary>
    public DateTimeOffset? EnabledAt { get; init; }

    /// <summary>The last 30-second time step whose code was accepted; a code of this step or an earlier one is refused.</summary>
    public long LastUsedStep { get; init; }

    public bool IsEnabled => EnabledAt is not null;
}
