using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Authenticators for two-factor sign-in and their recovery codes.</summary>
public sealed partial class SqliteStore : ITwoFactorStore
{
    public async ValueTask<TwoFactorCredential?> GetTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT secret, created_at, enabled_at, last_used_step FROM two_factor WHERE user_id = $user")
            .With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TwoFactorCredential(userId, reader.GetString(0), reader.GetTime(1)) { EnabledAt = reader.GetNullableTime(2), LastUsedStep = reader.GetInt64(3) }
            : null;
    }

    public async ValueTask SaveTwoFactorAsync(TwoFactorCredential credential, IReadOnlyCollection<byte[]> recoveryCodeHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(recoveryCodeHashes);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = Command(connection, """
            INSERT INTO two_factor (user_id, secret, created_at, enabled_at, last_used_step) VALUES ($user, $secret, $created, $enabled, $step)
            ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, enabled_at = excluded.enabled_at, last_used_step = excluded.last_used_step
            """, transaction)
            .With("$user", Blob(credential.UserId)).With("$secret", credential.Secret).With("$created", Ticks(credential.CreatedAt))
            .With("$enabled", Ticks(credential.EnabledAt)).With("$step", credential.LastUsedStep))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var clear = Command(connection, "DELETE FROM two_factor_recovery_codes WHERE user_id = $user", transaction).With("$user", Blob(credential.UserId)))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var hash in recoveryCodeHashes)
        {
            await using var insert = Command(connection, "INSERT INTO two_factor_recovery_codes (user_id, code_hash) VALUES ($user, $hash)", transaction)
                .With("$user", Blob(credential.UserId)).With("$hash", hash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask<bool> DeleteTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var codes = Command(connection, "DELETE FROM two_factor_recovery_codes WHERE user_id = $user", transaction).With("$user", Blob(userId)))
        {
            await codes.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var credential = Command(connection, "DELETE FROM two_factor WHERE user_id = $user", transaction).With("$user", Blob(userId));
        var deleted = await credential.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async ValueTask<bool> TryUseTimeStepAsync(Ulid userId, long timeStep, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE two_factor SET last_used_step = $step WHERE user_id = $user AND last_used_step < $step")
            .With("$user", Blob(userId)).With("$step", timeStep);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> TryUseRecoveryCodeAsync(Ulid userId, byte[] codeHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM two_factor_recovery_codes WHERE user_id = $user AND code_hash = $hash")
            .With("$user", Blob(userId)).With("$hash", codeHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<int> CountRecoveryCodesAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $user").With("$user", Blob(userId));
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
