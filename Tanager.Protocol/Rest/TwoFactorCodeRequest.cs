namespace Tanager.Protocol;

/// <summary>
/// A second-factor step: confirming enrolment (<c>code</c>), completing a login (<c>challenge</c> and <c>code</c> or
/// <c>recovery_code</c>), or turning two-factor sign-in off (<c>password</c> and <c>code</c> or <c>recovery_code</c>).
/// </summary>
public sealed record TwoFactorCodeRequest
{
    /// <summary>The challenge a password login answered with (login only).</summary>
    public string? Challenge { get; init; }
    /// <summary>The 6-digit code the authenticator app shows now.</summary>
    public string? Code { get; init; }
    /// <summary>One of the account's recovery codes, in place of <see cref="Code"/> (each works once).</summary>
    public string? RecoveryCode { get; init; }
    /// <summary>The account's password (turning two-factor sign-in off only).</summary>
    public string? Password { get; init; }
}
