using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string UserColumns =
        "id, email, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji, kind, owner_id, external_id, is_server_admin, deactivated_at";

    /// <summary><see cref="UserColumns"/> qualified with a table alias, for joins.</summary>
    private static string UserColumnsOf(string alias) => string.Join(", ", UserColumns.Split(", ").Select(c => alias + "." + c));

    public async ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        // No conflict target: a taken id, email key or external id (a partial unique index) all leave the row out.
        await using var command = Command("""
            INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji,
                               kind, owner_id, external_id, is_server_admin, deactivated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            ON CONFLICT DO NOTHING
            """)
            .With(Uuid(user.Id), user.Email, User.EmailKey(user.Email), user.DisplayName, user.PasswordHash, user.CreatedAt, user.UpdatedAt,
                user.AvatarUrl, user.StatusText, user.StatusEmoji, (short)user.Kind, Uuid(user.OwnerId), user.ExternalId, user.IsServerAdmin, user.DeactivatedAt);
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

    public async ValueTask<User?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE external_id = $1").With(externalId);
        return await ReadUserAsync(command, cancellationToken);
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT count(*) FROM users");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    async ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2")
            .With(after is { } a ? Uuid(a) : null, limit);
        return await ReadUsersAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<User>> ReadUsersAsync(NpgsqlCommand command, CancellationToken cancellationToken)
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
        await using var command = Command($"SELECT {UserColumns} FROM users WHERE owner_id = $1 AND kind = $2 ORDER BY id")
            .With(Uuid(ownerId), (short)UserKind.Bot);
        return await ReadUsersAsync(command, cancellationToken);
    }

    public async ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = Command("UPDATE users SET display_name = $2, avatar_url = $3, status_text = $4, status_emoji = $5, updated_at = $6 WHERE id = $1")
            .With(Uuid(user.Id), user.DisplayName, user.AvatarUrl, user.StatusText, user.StatusEmoji, user.UpdatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> UpdateAccountAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var command = Command("UPDATE users SET password_hash = $2, is_server_admin = $3, deactivated_at = $4, updated_at = $5 WHERE id = $1")
            .With(Uuid(user.Id), user.PasswordHash, user.IsServerAdmin, user.DeactivatedAt, user.UpdatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<User?> ReadUserAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader, 0) : null;
    }

    /// <summary>Reads the <see cref="UserColumns"/> starting at <paramref name="first"/>.</summary>
    private static User ReadUser(NpgsqlDataReader reader, int first) =>
        new(reader.GetUlid(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3), reader.GetTime(first + 4), reader.GetTime(first + 5))
        {
            AvatarUrl = reader.GetNullableString(first + 6),
            StatusText = reader.GetNullableString(first + 7),
            StatusEmoji = reader.GetNullableString(first + 8),
            Kind = (UserKind)reader.GetInt16(first + 9),
            OwnerId = reader.GetNullableUlid(first + 10),
            ExternalId = reader.GetNullableString(first + 11),
            IsServerAdmin = reader.GetBoolean(first + 12),
            DeactivatedAt = reader.GetNullableTime(first + 13),
        };
}
