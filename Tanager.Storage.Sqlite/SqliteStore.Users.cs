using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string UserColumns = "id, email, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji";

    public async ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($id, $email, $key, $name, $hash, $created, $updated) ON CONFLICT DO NOTHING")
            .With("$id", Blob(user.Id)).With("$email", user.Email).With("$key", User.EmailKey(user.Email)).With("$name", user.DisplayName)
            .With("$hash", user.PasswordHash).With("$created", Ticks(user.CreatedAt)).With("$updated", Ticks(user.UpdatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE id = $id").With("$id", Blob(userId));
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE email_key = $key").With("$key", User.EmailKey(email));
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($hash, $user, $created, $expires)")
            .With("$hash", session.TokenHash).With("$user", Blob(session.UserId)).With("$created", Ticks(session.CreatedAt)).With("$expires", Ticks(session.ExpiresAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, {string.Join(", ", UserColumns.Split(", ").Select(c => "u." + c))}
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $hash
            """).With("$hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SignedInUser(new UserSession((byte[])reader.GetValue(0), reader.GetUlid(1), reader.GetTime(2), reader.GetTime(3)), ReadUser(reader, 4))
            : null;
    }

    public async ValueTask DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE token_hash = $hash").With("$hash", tokenHash);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<User?> ReadUserAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader, 0) : null;
    }

    public async ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE users SET display_name = $name, avatar_url = $avatar, status_text = $status, status_emoji = $emoji, updated_at = $updated WHERE id = $id")
            .With("$id", Blob(user.Id)).With("$name", user.DisplayName).With("$avatar", user.AvatarUrl).With("$status", user.StatusText)
            .With("$emoji", user.StatusEmoji).With("$updated", Ticks(user.UpdatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static User ReadUser(SqliteDataReader reader, int first) =>
        new(reader.GetUlid(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3), reader.GetTime(first + 4), reader.GetTime(first + 5))
        {
            AvatarUrl = reader.GetNullableString(first + 6),
            StatusText = reader.GetNullableString(first + 7),
            StatusEmoji = reader.GetNullableString(first + 8),
        };
}
