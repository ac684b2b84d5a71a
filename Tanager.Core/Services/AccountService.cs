using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Accounts: registration under the server's policy, login, credentials (sessions, bot tokens, tickets, API keys) and profiles.</summary>
public sealed partial class AccountService(
    IUserStore users,
    IWorkspaceStore workspaces,
    ITwoFactorStore twoFactor,
    WorkspaceService workspaceService,
    EventDispatcher events,
    PasswordHasher hasher,
    AuditLog audit,
    IOptions<TanagerOptions> options,
    TimeProvider time)
{
    /// <summary>
    /// Creates an account and signs it in. The first account on a fresh server becomes its administrator, unless
    /// registration is closed (administrators are then made by the hosting app or the command line). After that the
    /// registration policy applies: invite-only needs a valid workspace invite code (the account then joins that
    /// workspace), closed refuses.
    /// </summary>
    public async Task<(User User, string Token)> RegisterAsync(string? email, string? password, string? displayName, string? inviteCode = null, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var validEmail = Validate.Email(email);
        var validPassword = Validate.Password(password);
        var validName = Validate.Text(displayName, "display_name", Validate.MaxDisplayNameLength);
        var first = await users.CountAsync(cancellationToken) == 0;
        // Closed means nobody, the first account included: an app whose users sign in through its own authentication
        // (host identity) must not let a stranger who reaches a fresh install first become the server administrator.
        if (!first || options.Value.Registration == RegistrationPolicy.Closed)
        {
            await EnsureRegistrationAllowedAsync(inviteCode, cancellationToken);
        }
        var now = time.UtcNow();
        var hash = await hasher.HashAsync(validPassword, cancellationToken);
        var user = new User(Ulid.NewUlid(now), validEmail, validName, hash, now, now) { IsServerAdmin = first };
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.EmailTaken, "An account with this email exists.");
        }
        var (_, token) = await users.IssueAsync(time, user.Id, CredentialKind.Login, options.Value.SessionLifetime, client: client, cancellationToken: cancellationToken);
        await audit.RecordAsync(AuditEventKinds.AccountCreated, user.Id, user.Id, client, first ? "first account: server administrator" : null, cancellationToken);
        if (!string.IsNullOrEmpty(inviteCode))
        {
            await workspaceService.AcceptInviteAsync(user.Id, inviteCode, cancellationToken);
        }
        return (user, token);
    }

    /// <summary>
    /// Checks email and password. Without two-factor sign-in the result carries a session token; with it, a challenge
    /// that <see cref="CompleteTwoFactorLoginAsync"/> turns into a session given a code. Every attempt is audited.
    /// </summary>
    public async Task<LoginResult> LoginAsync(string? email, string? password, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || password.Length > Validate.MaxPasswordLength)
        {
            throw TanagerException.Invalid("email and password are required.");
        }
        // The account is looked up once a hashing slot is held, so that an attempt refused for want of one costs no query.
        // Accounts without a password (bots, host-identity and provisioned users) verify against the decoy, so they take as long.
        var (user, matches) = await hasher.FindAndVerifyAsync(
            ct => users.FindByEmailAsync(email.Trim(), ct),
            found => found.Kind == UserKind.Human ? found.PasswordHash : null,
            password,
            cancellationToken);
        if (!matches || user is null)
        {
            // The email tried is kept for an unknown account (who is being guessed at), but only when it looks like one:
            // people type their password into the email field, and the audit log must not keep it.
            var tried = email.Trim();
            var reason = user is not null ? "wrong password" : Validate.LooksLikeEmail(tried) ? $"unknown email {tried}" : "unknown email (not an address; not recorded)";
            await audit.RecordAsync(AuditEventKinds.LoginFailed, user?.Id, null, client, reason, cancellationToken);
            throw TanagerException.Unauthorized(ErrorCodes.InvalidCredentials, "Email or password is wrong.");
        }
        if (user.DeactivatedAt is not null)
        {
            await audit.RecordAsync(AuditEventKinds.LoginFailed, user.Id, null, client, "account deactivated", cancellationToken);
            throw TanagerException.Unauthorized(ErrorCodes.AccountDeactivated, "This account has been deactivated.");
        }
        return await SignInAsync(user, askSecondFactor: true, how: null, client, cancellationToken);
    }

    /// <summary>
    /// The last step of every sign-in whose first factor held (a password, or an identity provider's answer): a login
    /// session, or, for an account with two-factor sign-in when <paramref name="askSecondFactor"/>, a challenge for the
    /// code. Audited; <paramref name="how"/> names a way in other than the password (for example the provider).
    /// </summary>
    internal async Task<LoginResult> SignInAsync(User user, bool askSecondFactor, string? how, ClientInfo? client, CancellationToken cancellationToken)
    {
        if (askSecondFactor && await twoFactor.GetTwoFactorAsync(user.Id, cancellationToken) is { IsEnabled: true })
        {
            var lifetime = options.Value.TwoFactorChallengeLifetime;
            var (_, challenge) = await users.IssueAsync(time, user.Id, CredentialKind.TwoFactorChallenge, lifetime, client: client, cancellationToken: cancellationToken);
            await audit.RecordAsync(AuditEventKinds.LoginChallenged, user.Id, null, client, how, cancellationToken);
            return new LoginResult(user, null, challenge, lifetime);
        }
        var (session, token) = await users.IssueAsync(time, user.Id, CredentialKind.Login, options.Value.SessionLifetime, client: client, cancellationToken: cancellationToken);
        await audit.RecordAsync(AuditEventKinds.LoginSucceeded, user.Id, user.Id, client, how is null ? $"session {session.Id}" : $"{how}, session {session.Id}", cancellationToken);
        return new LoginResult(user, token, null, TimeSpan.Zero);
    }

    /// <summary>Ends the session the caller used; its other connections close as they would on any revocation.</summary>
    public async Task LogoutAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Kind == CredentialKind.Login)
        {
            await events.AnnounceRevokedAsync(caller.UserId, await users.DeleteSessionsAsync(caller.UserId, CredentialKind.Login, caller.CredentialId, null, cancellationToken), all: false, cancellationToken);
            await audit.RecordAsync(AuditEventKinds.SessionRevoked, caller, caller.UserId, $"session {caller.CredentialId} (logout)", cancellationToken);
        }
    }

    public async Task<User> GetUserAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        return await users.GetAsync(userId, cancellationToken) ?? throw TanagerException.NotFound("User");
    }

    /// <summary>
    /// Changes the caller's profile: null leaves a field as it is, an empty string removes an optional one. Announces
    /// USER_UPDATE to every workspace the user belongs to and to the user's own connections.
    /// </summary>
    public async Task<User> UpdateProfileAsync(Ulid callerId, string? displayName, string? avatarUrl, string? statusText, string? statusEmoji, CancellationToken cancellationToken = default)
    {
        var validName = displayName is null ? null : Validate.Text(displayName, "display_name", Validate.MaxDisplayNameLength);
        var validAvatar = Validate.AvatarUrl(avatarUrl);
        var validStatus = Validate.ClearableText(statusText, "status_text", Validate.MaxStatusTextLength);
        var validEmoji = Validate.StatusEmoji(statusEmoji);
        var user = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("User");
        var changed = user with
        {
            DisplayName = validName ?? user.DisplayName,
            AvatarUrl = Cleared(validAvatar, user.AvatarUrl),
            StatusText = Cleared(validStatus, user.StatusText),
            StatusEmoji = Cleared(validEmoji, user.StatusEmoji),
            UpdatedAt = time.UtcNow(),
        };
        if (!await users.UpdateProfileAsync(changed, cancellationToken))
        {
            throw TanagerException.NotFound("User");
        }
        // The user's own connections, which follow those workspaces too, hear it once: on their own subject.
        var headers = (await workspaces.ListForUserAsync(callerId, cancellationToken))
            .Select(p => EventHeader.ForWorkspace(GatewayEvents.UserUpdate, p.Workspace.Id, exceptUserId: callerId))
            .Prepend(EventHeader.ForUser(GatewayEvents.UserUpdate, callerId))
            .ToList();
        await events.PublishAsync(headers, changed.ToDto(), TanagerJsonContext.Default.UserDto, cancellationToken);
        return changed;

        static string? Cleared(string? given, string? current) => given is null ? current : given.Length == 0 ? null : given;
    }

    private async Task EnsureRegistrationAllowedAsync(string? inviteCode, CancellationToken cancellationToken)
    {
        switch (options.Value.Registration)
        {
            case RegistrationPolicy.Closed:
                throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.RegistrationClosed, "This server does not take registrations: ask an administrator for an account.");
            case RegistrationPolicy.InviteOnly:
                if (string.IsNullOrEmpty(inviteCode) || !await workspaceService.IsInviteUsableAsync(inviteCode, cancellationToken))
                {
                    throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.RegistrationClosed, "This server registers only with a valid workspace invite (invite_code).");
                }
                break;
        }
    }
}
