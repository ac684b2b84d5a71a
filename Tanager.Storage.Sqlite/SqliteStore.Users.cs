using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore
{
    private const string UserColumns =
        "id, email, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji, kind, owner_id, external_id, is_server_admin, deactivated_at";

    /// <summary><see cref="UserColumns"/> qualified with a table alias, for joins.</summary>
    private static string UserColumnsOf(string alias) => string.Join(", ", UserColumns.Split(", ").Select(c => alias + "." + c));

    public async ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await OpenAsync(cancellationToken);
        // No conflict target: a taken id, email key or external id (a partial unique index) all leave the row out.
        await using var command = Command(connection, """
            INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji,
                               kind, owner_id, external_id, is_server_admin, deactivated_at)
            VALUES ($id, $email, $key, $name, $hash, $created, $updated, $avatar, $status, $emoji, $kind, $owner, $external, $admin, $deactivated)
            ON CONFLICT DO NOTHING
            """)
            .With("$id", Blob(user.Id)).With("$email", user.Email).With("$key", User.EmailKey(user.Email)).With("$name", user.DisplayName)
            .With("$hash", user.PasswordHash).With("$created", Ticks(user.CreatedAt)).With("$updated", Ticks(user.UpdatedAt))
            .With("$avatar", user.AvatarUrl).With("$status", user.StatusText).With("$emoji", user.StatusEmoji)
            .With("$kind", (int)user.Kind).With("$owner", Blob(user.OwnerId)).With("$external", user.ExternalId)
            .With("$admin", user.IsServerAdmin).With("$deactivated", Ticks(user.DeactivatedAt));
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

    public async ValueTask<User?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE external_id = $external").With("$external", externalId);
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT count(*) FROM users");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    async ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE $after IS NULL OR id > $after ORDER BY id LIMIT $limit")
            .With("$after", after is { } a ? Blob(a) : null).With("$limit", limit);
        return await ReadUsersAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<User>> ReadUsersAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<User>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(ReadUser(reader, 0));
        }
        return users;
    }

    public async ValueTask<IReadOnlyList<User>> ListBotsAsync(Ulid ownerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {UserColumns} FROM users WHERE owner_id = $owner AND kind = $bot ORDER BY id")
            .With("$owner", Blob(ownerId)).With("$bot", (int)UserKind.Bot);
        return await ReadUsersAsync(command, cancellationToken);
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

    public async ValueTask<bool> UpdateAccountAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE users SET password_hash = $hash, is_server_admin = $admin, deactivated_at = $deactivated, updated_at = $updated WHERE id = $id")
            .With("$id", Blob(user.Id)).With("$hash", user.PasswordHash).With("$admin", user.IsServerAdmin)
            .With("$deactivated", Ticks(user.DeactivatedAt)).With("$updated", Ticks(user.UpdatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<User?> ReadUserAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader, 0) : null;
    }

    /// <summary>Reads the <see cref="UserColumns"/> starting at <paramref name="first"/>.</summary>
    private static User ReadUser(SqliteDataReader reader, int first) =>
        new(reader.GetUlid(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3), reader.GetTime(first + 4), reader.GetTime(first + 5))
        {
            AvatarUrl = reader.GetNullableString(first + 6),
            StatusText = reader.GetNullableString(first + 7),
            StatusEmoji = reader.GetNullableString(first + 8),
            Kind = (UserKind)reader.GetInt32(first + 9),
            OwnerId = reader.GetNullableUlid(first + 10),
            ExternalId = reader.GetNullableString(first + 11),
            IsServerAdmin = reader.GetBoolean(first + 12),
            DeactivatedAt = reader.GetNullableTime(first + 13),
        };
}
