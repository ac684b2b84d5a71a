using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace Tanager;

/// <summary>Argon2id password hashes in the PHC string format, with the cost from <see cref="TanagerOptions"/>.</summary>
public sealed class PasswordHasher(IOptions<TanagerOptions> options)
{
    private readonly TanagerOptions _options = options.Value;

    // A fixed hash verified when the email is unknown, so that login takes as long for unknown and known accounts.
    private readonly Lazy<string> _decoy = new(() => Argon2.Hash("decoy-password", options.Value.PasswordIterations, options.Value.PasswordMemoryKiB, 1, Argon2Type.HybridAddressing));

    public Task<string> HashAsync(string password, CancellationToken cancellationToken = default)
    {
        // Argon2 is CPU- and memory-bound by design: run it off the request thread.
        return Task.Run(() => Argon2.Hash(password, _options.PasswordIterations, _options.PasswordMemoryKiB, parallelism: 1, type: Argon2Type.HybridAddressing, hashLength: 32), cancellationToken);
    }

    public Task<bool> VerifyAsync(string? encodedHash, string password, CancellationToken cancellationToken = default)
    {
        var hash = encodedHash ?? _decoy.Value;
        return Task.Run(() => Argon2.Verify(hash, password) && encodedHash is not null, cancellationToken);
    }
}
