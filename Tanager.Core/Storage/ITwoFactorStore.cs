using NUlid;

namespace Tanager;

/// <summary>Users' authenticators (TOTP secrets) and their one-use recovery codes, stored as SHA-256 hashes. Global, like users.</summary>
public interface ITwoFactorStore
{
    ValueTask<TwoFactorCredential?> GetTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default);

    /// <summary>Writes the user's credential (replacing any) and replaces their recovery codes with <paramref name="recoveryCodeHashes"/>, in one step.</summary>
    ValueTask SaveTwoFactorAsync(TwoFactorCredential credential, IReadOnlyCollection<byte[]> recoveryCodeHashes, CancellationToken cancellationToken = default);

    /// <summary>Removes the user's credential and recovery codes; false when there was no credential.</summary>
    ValueTask<bool> DeleteTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="timeStep"/> as the last used, only when it is later than the one recorded: false when a code
    /// of this step (or a later one) was accepted before, so that two requests with one code cannot both pass.
    /// </summary>
    ValueTask<bool> TryUseTimeStepAsync(Ulid userId, long timeStep, CancellationToken cancellationToken = default);

    /// <summary>Removes the recovery code with this hash; false when the user has none such (never issued, or used).</summary>
    ValueTask<bool> TryUseRecoveryCodeAsync(Ulid userId, byte[] codeHash, CancellationToken cancellationToken = default);

    /// <summary>How many unused recovery codes the user has.</summary>
    ValueTask<int> CountRecoveryCodesAsync(Ulid userId, CancellationToken cancellationToken = default);
}
