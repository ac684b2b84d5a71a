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

    ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken) => ListUsersAsync(after, limit, cancellationToken);
}
