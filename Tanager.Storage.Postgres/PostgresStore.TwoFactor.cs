using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Authenticators for two-factor sign-in and their recovery codes; global (reference tables).</summary>
public sealed partial class PostgresStore : ITwoFactorStore
{
    public async ValueTask<TwoFactorCredential?> GetTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT secret, created_at, enabled_at, last_used_step FROM two_factor WHERE user_id = $1").With(Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new TwoFactorCredential(userId, reader.GetString(0), reader.GetTime(1)) { EnabledAt = reader.GetNullableTime(2), LastUsedStep = reader.GetInt64(3) }
            : null;
    }

    public async ValueTask SaveTwoFactorAsync(TwoFactorCredential credential, IReadOnlyCollection<byte[]> recoveryCodeHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(recoveryCodeHashes);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO two_factor (user_id, secret, created_at, enabled_at, last_used_step) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, enabled_at = excluded.enabled_at, last_used_step = excluded.last_used_step
            """, connection, transaction).With(Uuid(credential.UserId), credential.Secret, credential.CreatedAt, credential.EnabledAt, credential.LastUsedStep))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        // Two statements, not one with a data-modifying CTE: the plain form is what a Citus reference table takes everywhere.
        await using (var clear = new NpgsqlCommand("DELETE FROM two_factor_recovery_codes WHERE user_id = $1", connection, transaction).With(Uuid(credential.UserId)))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = new NpgsqlCommand("INSERT INTO two_factor_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])", connection, transaction)
            .With(Uuid(credential.UserId), recoveryCodeHashes.ToArray()))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask<bool> DeleteTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var codes = new NpgsqlCommand("DELETE FROM two_factor_recovery_codes WHERE user_id = $1", connection, transaction).With(Uuid(userId)))
        {
            await codes.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var credential = new NpgsqlCommand("DELETE FROM two_factor WHERE user_id = $1", connection, transaction).With(Uuid(userId));
        var deleted = await credential.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async ValueTask<bool> TryUseTimeStepAsync(Ulid userId, long timeStep, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE two_factor SET last_used_step = $2 WHERE user_id = $1 AND last_used_step < $2").With(Uuid(userId), timeStep);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> TryUseRecoveryCodeAsync(Ulid userId, byte[] codeHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        await using var command = Command("DELETE FROM two_factor_recovery_codes WHERE user_id = $1 AND code_hash = $2").With(Uuid(userId), codeHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<int> CountRecoveryCodesAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $1").With(Uuid(userId));
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
