using NUlid;

namespace Tanager;

/// <summary>Users, their credentials (login sessions, bot tokens, gateway tickets) and server API keys. Users are global (a Citus reference table).</summary>
public interface IUserStore
{
    /// <summary>Adds a user; false when the (case-insensitive) email or the external id is taken.</summary>
    ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default);
    ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Finds a user by email, compared case-insensitively.</summary>
    ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default);
    /// <summary>Finds a user by <see cref="User.ExternalId"/>, compared exactly.</summary>
    ValueTask<User?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken = default);
    /// <summary>How many accounts exist, people and bots.</summary>
    ValueTask<long> CountAsync(CancellationToken cancellationToken = default);
    /// <summary>Every account, people and bots, in id order (oldest first), at most <paramref name="limit"/> after <paramref name="after"/>.</summary>
    ValueTask<IReadOnlyList<User>> ListAsync(Ulid? after, int limit, CancellationToken cancellationToken = default);
    /// <summary>The bots <paramref name="ownerId"/> owns, oldest first.</summary>
    ValueTask<IReadOnlyList<User>> ListBotsAsync(Ulid ownerId, CancellationToken cancellationToken = default);
    /// <summary>Writes the user's display name, avatar URL, status text and emoji and updated time; false when there is no such user.</summary>
    ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default);
    /// <summary>Writes the user's password hash, server-admin flag, deactivation time and updated time; false when there is no such user.</summary>
    ValueTask<bool> UpdateAccountAsync(User user, CancellationToken cancellationToken = default);

    ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default);
    /// <summary>The session with this token hash and its user, in one lookup; null when there is none.</summary>
    ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default);
    /// <summary>Deletes the session with this token hash; false when there was none (so a single-use ticket is used once).</summary>
    ValueTask<bool> DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default);
    /// <summary>The user's sessions of one kind, newest first.</summary>
    ValueTask<IReadOnlyList<UserSession>> ListSessionsAsync(Ulid userId, CredentialKind kind, CancellationToken cancellationToken = default);
    /// <summary>
    /// Deletes the user's sessions of <paramref name="kind"/> (every kind when null), only the one with id
    /// <paramref name="only"/> when given, and never the one with id <paramref name="except"/>; returns the ids deleted.
    /// </summary>
    ValueTask<IReadOnlyList<Ulid>> DeleteSessionsAsync(Ulid userId, CredentialKind? kind, Ulid? only, Ulid? except, CancellationToken cancellationToken = default);
    /// <summary>Records a use of the session: its last-used time, and the client's user agent and address.</summary>
    ValueTask TouchSessionAsync(Ulid sessionId, DateTimeOffset lastUsedAt, string? userAgent, string? ipAddress, CancellationToken cancellationToken = default);
    /// <summary>Deletes sessions that expired by <paramref name="now"/>, and logins last used before <paramref name="idleBefore"/>; returns how many.</summary>
    ValueTask<int> DeleteExpiredSessionsAsync(DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken = default);

    ValueTask CreateApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default);
    ValueTask<ApiKey?> GetApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default);
    /// <summary>Every API key, oldest first.</summary>
    ValueTask<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default);
    /// <summary>Deletes the key; false when there was none.</summary>
    ValueTask<bool> DeleteApiKeyAsync(Ulid keyId, CancellationToken cancellationToken = default);
}
