using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : ITwoFactorStore
{
    private readonly Dictionary<Ulid, TwoFactorCredential> _twoFactor = [];
    private readonly Dictionary<Ulid, HashSet<string>> _recoveryCodes = [];

    public ValueTask<TwoFactorCredential?> GetTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_twoFactor.GetValueOrDefault(userId));
        }
    }

    public ValueTask SaveTwoFactorAsync(TwoFactorCredential credential, IReadOnlyCollection<byte[]> recoveryCodeHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(recoveryCodeHashes);
        lock (_lock)
        {
            _twoFactor[credential.UserId] = credential;
            _recoveryCodes[credential.UserId] = [.. recoveryCodeHashes.Select(Convert.ToHexString)];
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> DeleteTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _recoveryCodes.Remove(userId);
            return ValueTask.FromResult(_twoFactor.Remove(userId));
        }
    }

    public ValueTask<bool> TryUseTimeStepAsync(Ulid userId, long timeStep, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_twoFactor.TryGetValue(userId, out var credential) || credential.LastUsedStep >= timeStep)
            {
                return ValueTask.FromResult(false);
            }
            _twoFactor[userId] = credential with { LastUsedStep = timeStep };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> TryUseRecoveryCodeAsync(Ulid userId, byte[] codeHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        lock (_lock)
        {
            return ValueTask.FromResult(_recoveryCodes.TryGetValue(userId, out var codes) && codes.Remove(Convert.ToHexString(codeHash)));
        }
    }

    public ValueTask<int> CountRecoveryCodesAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_recoveryCodes.TryGetValue(userId, out var codes) ? codes.Count : 0);
        }
    }
}
