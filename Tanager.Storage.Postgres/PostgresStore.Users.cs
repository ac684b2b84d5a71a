using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserColumns = "id, email, display_name, password_hash, created_at, updated_at";

    public async ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = Command("INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
            .With(Uuid(user.Id), user.Email, EmailKey(user.Email), user.DisplayName, user.PasswordHash, user.CreatedAt, user.UpdatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE id = $1").With(Uuid(userId));
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE email_key = $1").With(EmailKey(email));
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var command = Command("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .With(session.TokenHash, Uuid(session.UserId), session.CreatedAt, session.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<UserSession?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1").With(tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new UserSession(reader.GetFieldValue<byte[]>(0), reader.GetUlid(1), reader.GetTime(2), reader.GetTime(3))
            : null;
    }

    public async ValueTask DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        await using var command = Command("DELETE FROM sessions WHERE token_hash = $1").With(tokenHash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<User?> ReadUserAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new User(reader.GetUlid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4), reader.GetTime(5))
            : null;
    }
}
