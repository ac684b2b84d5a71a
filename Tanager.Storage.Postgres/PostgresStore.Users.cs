using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserColumns = "id, email, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji";

    public async ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = Command("INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
            .With(Uuid(user.Id), user.Email, User.EmailKey(user.Email), user.DisplayName, user.PasswordHash, user.CreatedAt, user.UpdatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE id = $1").With(Uuid(userId));
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE email_key = $1").With(User.EmailKey(email));
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var command = Command("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .With(session.TokenHash, Uuid(session.UserId), session.CreatedAt, session.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, {string.Join(", ", UserColumns.Split(", ").Select(c => "u." + c))}
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1
            """).With(tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SignedInUser(new UserSession(reader.GetFieldValue<byte[]>(0), reader.GetUlid(1), reader.GetTime(2), reader.GetTime(3)), ReadUser(reader, 4))
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
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader, 0) : null;
    }

    public async ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = Command("UPDATE users SET display_name = $2, avatar_url = $3, status_text = $4, status_emoji = $5, updated_at = $6 WHERE id = $1")
            .With(Uuid(user.Id), user.DisplayName, user.AvatarUrl, user.StatusText, user.StatusEmoji, user.UpdatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static User ReadUser(NpgsqlDataReader reader, int first) =>
        new(reader.GetUlid(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3), reader.GetTime(first + 4), reader.GetTime(first + 5))
        {
            AvatarUrl = reader.GetNullableString(first + 6),
            StatusText = reader.GetNullableString(first + 7),
            StatusEmoji = reader.GetNullableString(first + 8),
        };
}
