using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore
{
    public ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            var emailKey = User.EmailKey(user.Email);
            if (_userIdsByEmail.ContainsKey(emailKey) || (user.ExternalId is { } external && _userIdsByExternalId.ContainsKey(external)))
            {
                return ValueTask.FromResult(false);
            }
            _userIdsByEmail.Add(emailKey, user.Id);
            if (user.ExternalId is { } externalId)
            {
                _userIdsByExternalId.Add(externalId, user.Id);
            }
            _users.Add(user.Id, user);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_users.GetValueOrDefault(userId));
        }
    }

    public ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_userIdsByEmail.TryGetValue(User.EmailKey(email), out var id) ? _users[id] : null);
        }
    }

    public ValueTask<User?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_userIdsByExternalId.TryGetValue(externalId, out var id) ? _users[id] : null);
        }
    }

    public ValueTask<long> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult((long)_users.Count);
        }
    }

    ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<User>>([.. _users.Values.Where(u => after is not { } a || u.Id.CompareTo(a) > 0).OrderBy(u => u.Id).Take(limit)]);
        }
    }

    public ValueTask<IReadOnlyList<User>> ListBotsAsync(Ulid ownerId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<User>>([.. _users.Values.Where(u => u.IsBot && u.OwnerId == ownerId).OrderBy(u => u.Id)]);
        }
    }

    public ValueTask<bool> UpdateAccountAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_lock)
        {
            if (!_users.TryGetValue(user.Id, out var stored))
            {
                return ValueTask.FromResult(false);
            }
            _users[user.Id] = stored with
            {
                PasswordHash = user.PasswordHash,
                IsServerAdmin = user.IsServerAdmin,
                DeactivatedAt = user.DeactivatedAt,
                UpdatedAt = user.UpdatedAt,
            };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_lock)
        {
            _sessions[Convert.ToHexString(session.TokenHash)] = session;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var session = _sessions.GetValueOrDefault(Convert.ToHexString(tokenHash));
            return ValueTask.FromResult(session is null ? null : new SignedInUser(session, _users[session.UserId]));
        }
    }

    public ValueTask<bool> DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_sessions.Remove(Convert.ToHexString(tokenHash)));
        }
    }

    public ValueTask<IReadOnlyList<UserSession>> ListSessionsAsync(Ulid userId, CredentialKind kind, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<UserSession>>([.. _sessions.Values.Where(s => s.UserId == userId && s.Kind == kind).OrderByDescending(s => s.Id)]);
        }
    }

    public ValueTask<IReadOnlyList<Ulid>> DeleteSessionsAsync(Ulid userId, CredentialKind? kind, Ulid? only, Ulid? except, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var doomed = _sessions.Where(p => p.Value.UserId == userId && (kind is null || p.Value.Kind == kind) && (only is null || p.Value.Id == only) && p.Value.Id != except).ToList();
            foreach (var (key, _) in doomed)
            {
                _sessions.Remove(key);
            }
            return ValueTask.FromResult<IReadOnlyList<Ulid>>([.. doomed.Select(p => p.Value.Id)]);
        }
    }

    public ValueTask TouchSessionAsync(Ulid sessionId, DateTimeOffset lastUsedAt, string? userAgent, string? ipAddress, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var (key, session) in _sessions)
            {
                if (session.Id == sessionId)
                {
                    _sessions[key] = session with { LastUsedAt = lastUsedAt, UserAgent = userAgent ?? session.UserAgent, IpAddress = ipAddress ?? session.IpAddress };
                    break;
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> DeleteExpiredSessionsAsync(DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var doomed = _sessions.Where(p => p.Value.ExpiresAt <= now || (p.Value.Kind == CredentialKind.Login && p.Value.LastUsedAt < idleBefore)).Select(p => p.Key).ToList();
            foreach (var key in doomed)
            {
                _sessions.Remove(key);
            }
            return ValueTask.FromResult(doomed.Count);
        }
    }

    public ValueTask CreateApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            _apiKeys[Convert.ToHexString(key.KeyHash)] = key;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<ApiKey?> GetApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_apiKeys.GetValueOrDefault(Convert.ToHexString(keyHash)));
        }
    }

    public ValueTask<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<ApiKey>>([.. _apiKeys.Values.OrderBy(k => k.Id)]);
        }
    }

    public ValueTask<bool> DeleteApiKeyAsync(Ulid keyId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var key = _apiKeys.FirstOrDefault(p => p.Value.Id == keyId).Key;
            return ValueTask.FromResult(key is not null && _apiKeys.Remove(key));
        }
    }
}
