using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

public sealed partial class AccountService
{
    /// <summary>The caller's login sessions, newest first, with the one making the request marked.</summary>
    public async Task<IReadOnlyList<SessionDto>> ListSessionsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        var now = time.UtcNow();
        var idle = options.Value.SessionIdleTimeout;
        var sessions = await users.ListSessionsAsync(caller.UserId, CredentialKind.Login, cancellationToken);
        return [.. sessions.Where(s => s.ExpiresAt > now && now - s.LastUsedAt <= idle).Select(s => new SessionDto
        {
            Id = s.Id.ToString(),
            CreatedAt = s.CreatedAt,
            LastUsedAt = s.LastUsedAt,
            ExpiresAt = s.ExpiresAt,
            UserAgent = s.UserAgent,
            IpAddress = s.IpAddress,
            Current = s.Id == caller.CredentialId,
        })];
    }

    /// <summary>Signs one of the caller's sessions out; its live connections close on every node.</summary>
    public async Task RevokeSessionAsync(Caller caller, string? sessionId, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        if (!Ulid.TryParse(sessionId, out var id))
        {
            throw TanagerException.NotFound("Session");
        }
        var revoked = await users.DeleteSessionsAsync(caller.UserId, CredentialKind.Login, id, null, cancellationToken);
        if (revoked.Count == 0)
        {
            throw TanagerException.NotFound("Session");
        }
        await events.AnnounceRevokedAsync(caller.UserId, revoked, all: false, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.SessionRevoked, caller, caller.UserId, $"session {id}", cancellationToken);
    }

    /// <summary>Signs out every session of the caller but the current one; returns how many ended.</summary>
    public async Task<int> RevokeOtherSessionsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        var revoked = await users.DeleteSessionsAsync(caller.UserId, CredentialKind.Login, null, caller.CredentialId, cancellationToken);
        await events.AnnounceRevokedAsync(caller.UserId, revoked, all: false, cancellationToken);
        if (revoked.Count > 0)
        {
            await audit.RecordAsync(AuditEventKinds.SessionRevoked, caller, caller.UserId, $"{revoked.Count} other sessions", cancellationToken);
        }
        return revoked.Count;
    }

    /// <summary>
    /// Changes the caller's password after checking the current one, and signs out every other session. An account
    /// without a password (created by single sign-on) sets its first one with no current password.
    /// </summary>
    public async Task ChangePasswordAsync(Caller caller, string? currentPassword, string? newPassword, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller);
        var valid = Validate.Password(newPassword);
        var user = await users.GetAsync(caller.UserId, cancellationToken) ?? throw TanagerException.NotFound("User");
        if (user is { Kind: UserKind.Human, PasswordHash.Length: 0, ExternalId: null })
        {
            if (!string.IsNullOrEmpty(currentPassword))
            {
                throw TanagerException.Unauthorized(ErrorCodes.InvalidCredentials, "The current password is wrong: this account has none yet.");
            }
        }
        else if (currentPassword is null || currentPassword.Length > Validate.MaxPasswordLength || !await hasher.VerifyAsync(user.PasswordHash, currentPassword, cancellationToken))
        {
            throw TanagerException.Unauthorized(ErrorCodes.InvalidCredentials, "The current password is wrong.");
        }
        var changed = user with { PasswordHash = await hasher.HashAsync(valid, cancellationToken), UpdatedAt = time.UtcNow() };
        await users.UpdateAccountAsync(changed, cancellationToken);
        await events.AnnounceRevokedAsync(caller.UserId, await users.DeleteSessionsAsync(caller.UserId, CredentialKind.Login, null, caller.CredentialId, cancellationToken), all: false, cancellationToken);
        // A login half done with the old password must not finish with a code.
        await users.DeleteSessionsAsync(caller.UserId, CredentialKind.TwoFactorChallenge, null, null, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.PasswordChanged, caller, caller.UserId, null, cancellationToken);
    }

    /// <summary>Deletes expired credentials and logins idle past the idle timeout; returns how many.</summary>
    public async Task<int> PurgeExpiredSessionsAsync(CancellationToken cancellationToken = default)
    {
        var now = time.UtcNow();
        return await users.DeleteExpiredSessionsAsync(now, now - options.Value.SessionIdleTimeout, cancellationToken);
    }

    /// <summary>Session management is a person's: a bot token, API key or ticket may not list or end sessions.</summary>
    private static void EnsureLogin(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Kind != CredentialKind.Login)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.LoginSessionRequired, "Only a login session may manage sessions and passwords.");
        }
    }
}
