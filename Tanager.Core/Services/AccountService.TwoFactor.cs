using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238): enrol, confirm with a first code (which turns it on and
/// gives ten one-use recovery codes), complete a login with a code or a recovery code, turn off with password and code.
/// A code is accepted once: the last accepted time step is stored and a code of that step or before is refused.
/// </summary>
public sealed partial class AccountService
{
    /// <summary>Whether the caller signs in with a second factor, and how many recovery codes are left.</summary>
    public async Task<TwoFactorStatusDto> GetTwoFactorStatusAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        var credential = await twoFactor.GetTwoFactorAsync(caller.UserId, cancellationToken);
        return new TwoFactorStatusDto
        {
            Enabled = credential is { IsEnabled: true },
            RecoveryCodesLeft = credential is { IsEnabled: true } ? await twoFactor.CountRecoveryCodesAsync(caller.UserId, cancellationToken) : 0,
        };
    }

    /// <summary>
    /// Starts enrolment: a new secret, shown once with its <c>otpauth://</c> URI and QR code. Login is unchanged until
    /// <see cref="ConfirmTwoFactorAsync"/>; starting again replaces a pending secret. Refused when already on.
    /// </summary>
    public async Task<TwoFactorEnrollmentDto> BeginTwoFactorEnrollmentAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        if (await twoFactor.GetTwoFactorAsync(caller.UserId, cancellationToken) is { IsEnabled: true })
        {
            throw TanagerException.Conflict(ErrorCodes.TwoFactorEnabled, "Two-factor sign-in is already on: turn it off first to enrol another authenticator.");
        }
        var user = await users.GetAsync(caller.UserId, cancellationToken) ?? throw TanagerException.NotFound("User");
        var secret = Authenticator.NewSecret();
        await twoFactor.SaveTwoFactorAsync(new TwoFactorCredential(user.Id, secret, time.UtcNow()), [], cancellationToken);
        var uri = Authenticator.Uri(secret, options.Value.TwoFactorIssuer, user.Email);
        return new TwoFactorEnrollmentDto { Secret = secret, OtpauthUri = uri, QrCodeSvg = Authenticator.QrCodeSvg(uri) };
    }

    /// <summary>Turns two-factor sign-in on with a first code from the pending authenticator; returns the recovery codes, shown this once.</summary>
    public async Task<RecoveryCodesDto> ConfirmTwoFactorAsync(Caller caller, string? code, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        var credential = await twoFactor.GetTwoFactorAsync(caller.UserId, cancellationToken)
            ?? throw TanagerException.Conflict(ErrorCodes.TwoFactorNotEnabled, "Start enrolment first (POST /auth/two-factor).");
        if (credential.IsEnabled)
        {
            throw TanagerException.Conflict(ErrorCodes.TwoFactorEnabled, "Two-factor sign-in is already on.");
        }
        var now = time.UtcNow();
        var step = Authenticator.MatchingStep(credential.Secret, code, now) ?? throw WrongCode(login: false);
        var codes = Authenticator.NewRecoveryCodes();
        await twoFactor.SaveTwoFactorAsync(credential with { EnabledAt = now, LastUsedStep = step }, [.. codes.Select(c => Authenticator.HashRecoveryCode(c)!)], cancellationToken);
        await audit.RecordAsync(AuditEventKinds.TwoFactorEnabled, caller.UserId, caller.UserId, client, null, cancellationToken);
        return new RecoveryCodesDto { RecoveryCodes = codes };
    }

    /// <summary>
    /// The second step of a login: the challenge from <see cref="LoginAsync"/> with the authenticator's current code or
    /// a recovery code. The challenge is used up by this call whatever the outcome, so a wrong code means starting again
    /// with the password (each guess costs a password check).
    /// </summary>
    public async Task<(User User, string Token)> CompleteTwoFactorLoginAsync(string? challenge, string? code, string? recoveryCode, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(code) == string.IsNullOrEmpty(recoveryCode))
        {
            throw TanagerException.Invalid("Send either code (from the authenticator app) or recovery_code, with challenge.");
        }
        if (challenge is null || challenge.Length > 128 || !challenge.StartsWith(Credentials.ChallengePrefix, StringComparison.Ordinal))
        {
            throw WrongCode();
        }
        var hash = Credentials.Hash(challenge);
        var now = time.UtcNow();
        // Read, then delete: the delete decides, so of two requests with one challenge only one goes on.
        if (await users.GetSessionAsync(hash, cancellationToken) is not { Session: { Kind: CredentialKind.TwoFactorChallenge } session, User: var user }
            || !await users.DeleteSessionAsync(hash, cancellationToken) || session.ExpiresAt <= now)
        {
            throw WrongCode();
        }
        if (user.DeactivatedAt is not null)
        {
            await audit.RecordAsync(AuditEventKinds.LoginFailed, user.Id, null, client, "account deactivated", cancellationToken);
            throw TanagerException.Unauthorized(ErrorCodes.AccountDeactivated, "This account has been deactivated.");
        }
        var credential = await twoFactor.GetTwoFactorAsync(user.Id, cancellationToken);
        string how;
        if (credential is not { IsEnabled: true })
        {
            // Reset by an administrator between the two steps: the password was right, but sign in again for a plain session.
            throw WrongCode();
        }
        else if (!string.IsNullOrEmpty(code))
        {
            if (!await TryUseCodeAsync(credential, code, now, cancellationToken))
            {
                await audit.RecordAsync(AuditEventKinds.LoginFailed, user.Id, null, client, "wrong or reused authenticator code", cancellationToken);
                throw WrongCode();
            }
            how = "authenticator code";
        }
        else
        {
            if (!await TryUseRecoveryCodeAsync(user.Id, recoveryCode, client, cancellationToken))
            {
                await audit.RecordAsync(AuditEventKinds.LoginFailed, user.Id, null, client, "wrong or used recovery code", cancellationToken);
                throw WrongCode();
            }
            how = "recovery code";
        }
        var (created, token) = await users.IssueAsync(time, user.Id, CredentialKind.Login, options.Value.SessionLifetime, client: client, cancellationToken: cancellationToken);
        await audit.RecordAsync(AuditEventKinds.LoginSucceeded, user.Id, user.Id, client, $"session {created.Id}, with {how}", cancellationToken);
        return (user, token);
    }

    /// <summary>Turns two-factor sign-in off: needs the password and a current code (or a recovery code).</summary>
    public async Task DisableTwoFactorAsync(Caller caller, string? password, string? code, string? recoveryCode, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        if (string.IsNullOrEmpty(code) == string.IsNullOrEmpty(recoveryCode))
        {
            throw TanagerException.Invalid("Send password and either code (from the authenticator app) or recovery_code.");
        }
        var user = await users.GetAsync(caller.UserId, cancellationToken) ?? throw TanagerException.NotFound("User");
        if (password is null || password.Length > Validate.MaxPasswordLength || !await hasher.VerifyAsync(user.PasswordHash, password, cancellationToken))
        {
            throw TanagerException.Unauthorized(ErrorCodes.InvalidCredentials, "The password is wrong.");
        }
        var credential = await twoFactor.GetTwoFactorAsync(caller.UserId, cancellationToken);
        if (credential is not { IsEnabled: true })
        {
            throw TanagerException.Conflict(ErrorCodes.TwoFactorNotEnabled, "Two-factor sign-in is not on.");
        }
        var passed = !string.IsNullOrEmpty(code)
            ? await TryUseCodeAsync(credential, code, time.UtcNow(), cancellationToken)
            : await TryUseRecoveryCodeAsync(caller.UserId, recoveryCode, client, cancellationToken);
        if (!passed)
        {
            throw WrongCode(login: false);
        }
        await twoFactor.DeleteTwoFactorAsync(caller.UserId, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.TwoFactorDisabled, caller.UserId, caller.UserId, client, null, cancellationToken);
    }

    /// <summary>A code of a step later than the last one accepted; the store's compare-and-set makes a replay lose even when concurrent.</summary>
    private async Task<bool> TryUseCodeAsync(TwoFactorCredential credential, string code, DateTimeOffset now, CancellationToken cancellationToken) =>
        Authenticator.MatchingStep(credential.Secret, code, now) is { } step && step > credential.LastUsedStep
            && await twoFactor.TryUseTimeStepAsync(credential.UserId, step, cancellationToken);

    private async Task<bool> TryUseRecoveryCodeAsync(Ulid userId, string? recoveryCode, ClientInfo? client, CancellationToken cancellationToken)
    {
        if (Authenticator.HashRecoveryCode(recoveryCode) is not { } hash || !await twoFactor.TryUseRecoveryCodeAsync(userId, hash, cancellationToken))
        {
            return false;
        }
        var left = await twoFactor.CountRecoveryCodesAsync(userId, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.RecoveryCodeUsed, userId, userId, client, $"{left} left", cancellationToken);
        return true;
    }

    private static TanagerException WrongCode(bool login = true) =>
        TanagerException.Unauthorized(ErrorCodes.InvalidTwoFactorCode, login
            ? "The code is wrong or was used already, or the sign-in took too long: sign in again with your password."
            : "The code is wrong or was used already.");
}
