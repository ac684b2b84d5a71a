namespace Tanager;

/// <summary>
/// What a password login gives: a session token, or, for an account with two-factor sign-in, a short-lived single-use
/// challenge to complete with a code (<see cref="AccountService.CompleteTwoFactorLoginAsync"/>).
/// </summary>
public sealed record LoginResult(User User, string? Token, string? Challenge, TimeSpan ChallengeExpiresIn)
{
    public bool TwoFactorRequired => Challenge is not null;
}
