using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : IExternalLoginStore
{
    private readonly Dictionary<(string Provider, string Subject), ExternalLogin> _externalLogins = [];

    public ValueTask<bool> TryAddExternalLoginAsync(ExternalLogin login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        lock (_lock)
        {
            return ValueTask.FromResult(_externalLogins.TryAdd((login.Provider, login.Subject), login));
        }
    }

    public ValueTask<ExternalLogin?> FindExternalLoginAsync(string provider, string subject, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_externalLogins.GetValueOrDefault((provider, subject)));
        }
    }

    public ValueTask<IReadOnlyList<ExternalLogin>> ListExternalLoginsAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<ExternalLogin> logins = [.. _externalLogins.Values.Where(l => l.UserId == userId)
                .OrderBy(l => l.CreatedAt).ThenBy(l => l.Provider, StringComparer.Ordinal).ThenBy(l => l.Subject, StringComparer.Ordinal)];
            return ValueTask.FromResult(logins);
        }
    }

    public ValueTask<bool> RemoveExternalLoginsAsync(Ulid userId, string provider, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var keys = _externalLogins.Where(p => p.Value.UserId == userId && p.Key.Provider == provider).Select(p => p.Key).ToList();
            keys.ForEach(k => _externalLogins.Remove(k));
            return ValueTask.FromResult(keys.Count > 0);
        }
    }
}
