using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Server administration: provisioning and deactivating accounts, naming administrators, and API keys for backends.
/// Every method needs <see cref="Caller.IsServerAdministrator"/>; anyone else is refused with 403 forbidden (bots included).
/// </summary>
public sealed class AdministrationService(IUserStore users, IWorkspaceStore workspaces, ITwoFactorStore twoFactor, EventDispatcher events, PasswordHasher hasher, AuditLog audit, TimeProvider time)
{
    /// <summary>Creates an account. Without an email it gets a placeholder; without a password it cannot log in by password.</summary>
    public async Task<User> ProvisionUserAsync(Caller caller, string? email, string? displayName, string? password, string? externalId, bool serverAdmin, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        var name = Validate.Text(displayName, "display_name", Validate.MaxDisplayNameLength);
        var validExternal = externalId is null ? null : Validate.ExternalId(externalId);
        var now = time.UtcNow();
        var id = Ulid.NewUlid(now);
        var validEmail = email is null ? $"{id}@users.tanager.invalid" : Validate.Email(email);
        var hash = password is null ? "" : await hasher.HashAsync(Validate.Password(password), cancellationToken);
        var user = new User(id, validEmail, name, hash, now, now) { ExternalId = validExternal, IsServerAdmin = serverAdmin };
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, "An account with this email or external id exists.");
        }
        await audit.RecordAsync(AuditEventKinds.AccountCreated, caller, user.Id, serverAdmin ? "provisioned, server administrator" : "provisioned", cancellationToken);
        return user;
    }

    /// <summary>A page of every account on the server, people and bots, oldest first: <paramref name="limit"/> (1–1000, default 100) after the id <paramref name="after"/>.</summary>
    public async Task<IReadOnlyList<User>> ListUsersAsync(Caller caller, string? after, int? limit, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        var (from, count) = Page(after, limit);
        return await users.ListAsync(from, count, cancellationToken);
    }

    /// <summary>A page of every workspace on the server, oldest first, as <see cref="ListUsersAsync"/> pages accounts.</summary>
    public async Task<IReadOnlyList<Workspace>> ListWorkspacesAsync(Caller caller, string? after, int? limit, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        var (from, count) = Page(after, limit);
        return await workspaces.ListAsync(from, count, cancellationToken);
    }

    private static (Ulid? After, int Limit) Page(string? after, int? limit)
    {
        var count = Validate.Limit(limit, 100, 1000);
        if (after is null)
        {
            return (null, count);
        }
        return Ulid.TryParse(after, out var id) && after.Length == 26 ? (id, count) : throw TanagerException.Invalid("after must be an id (26 characters).");
    }

    /// <summary>The account with this id or email, for the admin API and the command line.</summary>
    public async Task<User> FindUserAsync(Caller caller, string? idOrEmail, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        var user = Ulid.TryParse(idOrEmail, out var id) ? await users.GetAsync(id, cancellationToken)
            : string.IsNullOrWhiteSpace(idOrEmail) ? null
            : await users.FindByEmailAsync(idOrEmail.Trim(), cancellationToken);
        return user ?? throw TanagerException.NotFound("User");
    }

    /// <summary>
    /// Deactivates an account: every session and token dies at once and its live connections close on every node; its
    /// messages and memberships stay. Administrators cannot deactivate themselves (so a server always keeps one).
    /// </summary>
    public async Task<User> SetDeactivatedAsync(Caller caller, string? idOrEmail, bool deactivated, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(caller, idOrEmail, cancellationToken);
        if (user.Id == caller.UserId && deactivated)
        {
            throw TanagerException.Forbidden("Administrators cannot deactivate themselves.");
        }
        var now = time.UtcNow();
        var changed = user with { DeactivatedAt = deactivated ? user.DeactivatedAt ?? now : null, UpdatedAt = now };
        await users.UpdateAccountAsync(changed, cancellationToken);
        if (deactivated)
        {
            await users.DeleteSessionsAsync(user.Id, null, null, null, cancellationToken);
            await events.AnnounceRevokedAsync(user.Id, [], all: true, cancellationToken);
        }
        await audit.RecordAsync(deactivated ? AuditEventKinds.AccountDeactivated : AuditEventKinds.AccountReactivated, caller, user.Id, null, cancellationToken);
        return changed;
    }

    /// <summary>Makes an account a server administrator, or not. Administrators cannot drop their own role.</summary>
    public async Task<User> SetServerAdminAsync(Caller caller, string? idOrEmail, bool serverAdmin, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(caller, idOrEmail, cancellationToken);
        if (user.IsBot)
        {
            throw TanagerException.Invalid("A bot cannot be a server administrator.");
        }
        if (user.Id == caller.UserId && !serverAdmin && caller.Kind != CredentialKind.Console)
        {
            throw TanagerException.Forbidden("Administrators cannot drop their own role.");
        }
        var changed = user with { IsServerAdmin = serverAdmin, UpdatedAt = time.UtcNow() };
        await users.UpdateAccountAsync(changed, cancellationToken);
        if (user.IsServerAdmin != serverAdmin)
        {
            await audit.RecordAsync(AuditEventKinds.ServerAdminChanged, caller, user.Id, serverAdmin ? "granted" : "revoked", cancellationToken);
        }
        return changed;
    }

    /// <summary>
    /// Removes an account's second factor and recovery codes (a lost authenticator): the account signs in with its password
    /// alone until its owner enrols again. Logins waiting for a code must start over. Refused when the account has none.
    /// </summary>
    public async Task<User> ResetTwoFactorAsync(Caller caller, string? idOrEmail, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(caller, idOrEmail, cancellationToken);
        if (!await twoFactor.DeleteTwoFactorAsync(user.Id, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.TwoFactorNotEnabled, "This account has no two-factor sign-in.");
        }
        await users.DeleteSessionsAsync(user.Id, CredentialKind.TwoFactorChallenge, null, null, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.TwoFactorReset, caller, user.Id, null, cancellationToken);
        return user;
    }

    /// <summary>A new API key, shown once. Keys are made by people (an administrator or the command line), not by other keys.</summary>
    public async Task<(ApiKey Key, string Token)> CreateApiKeyAsync(Caller caller, string? name, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        if (caller.Kind == CredentialKind.ApiKey)
        {
            throw TanagerException.Forbidden("An API key cannot create API keys.");
        }
        var validName = Validate.Text(name, "name", Validate.MaxTokenNameLength);
        var token = Credentials.NewSecret(Credentials.ApiKeyPrefix);
        var now = time.UtcNow();
        var key = new ApiKey(Ulid.NewUlid(now), validName, Credentials.Hash(token), caller.UserId, now);
        await users.CreateApiKeyAsync(key, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.ApiKeyCreated, caller, null, $"key {key.Id} ({validName})", cancellationToken);
        return (key, token);
    }

    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        return await users.ListApiKeysAsync(cancellationToken);
    }

    /// <summary>Revokes an API key: the next request made with it answers 401.</summary>
    public async Task DeleteApiKeyAsync(Caller caller, string? keyId, CancellationToken cancellationToken = default)
    {
        EnsureAdministrator(caller);
        if (!Ulid.TryParse(keyId, out var id) || !await users.DeleteApiKeyAsync(id, cancellationToken))
        {
            throw TanagerException.NotFound("API key");
        }
        await audit.RecordAsync(AuditEventKinds.ApiKeyRevoked, caller, null, $"key {id}", cancellationToken);
    }

    /// <summary>
    /// Gives a person's account a new password (for one who lost theirs, or one imported without any): every session
    /// and token of theirs dies and their live connections close. Without <paramref name="password"/> one is made (24
    /// random characters) and returned, to be handed over once. Bots sign in with tokens and are refused.
    /// </summary>
    public async Task<(User User, string Password)> ResetPasswordAsync(Caller caller, string? idOrEmail, string? password, CancellationToken cancellationToken = default)
    {
        var user = await FindUserAsync(caller, idOrEmail, cancellationToken);
        if (user.Kind != UserKind.Human)
        {
            throw TanagerException.Invalid("Bots sign in with tokens, not passwords.");
        }
        // 18 random bytes: 144 bits, 24 URL-safe characters.
        var chosen = password ?? Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var changed = user with { PasswordHash = await hasher.HashAsync(Validate.Password(chosen), cancellationToken), UpdatedAt = time.UtcNow() };
        await users.UpdateAccountAsync(changed, cancellationToken);
        await users.DeleteSessionsAsync(user.Id, null, null, null, cancellationToken);
        await events.AnnounceRevokedAsync(user.Id, [], all: true, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.PasswordChanged, caller, user.Id, "reset by an administrator", cancellationToken);
        return (changed, chosen);
    }

    private static void EnsureAdministrator(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsServerAdministrator)
        {
            throw TanagerException.Forbidden("Server administrators only.");
        }
    }
}
