using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Notification preferences and the email notifier's progress.</summary>
public sealed partial class SqliteStore : INotificationStore
{
    public async ValueTask<NotificationPreferences?> GetNotificationPreferencesAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT email_level, muted_channels, quiet_hours FROM notification_preferences WHERE user_id = $user").With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new NotificationPreferences(userId, Enum.Parse<EmailNotificationLevel>(reader.GetString(0), ignoreCase: true), ParseIds(reader.GetString(1)),
                QuietHours.Parse(reader.IsDBNull(2) ? null : reader.GetString(2)))
            : null;
    }

    public async ValueTask SetNotificationPreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            INSERT INTO notification_preferences (user_id, email_level, muted_channels, quiet_hours) VALUES ($user, $level, $muted, $quiet)
            ON CONFLICT (user_id) DO UPDATE SET email_level = excluded.email_level, muted_channels = excluded.muted_channels, quiet_hours = excluded.quiet_hours
            """).With("$user", Blob(preferences.UserId)).With("$level", LevelName(preferences.Email)).With("$muted", FormatIds(preferences.MutedChannels))
            .With("$quiet", preferences.QuietHours?.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO notification_state (id, cursor, signing_key) VALUES (1, $cursor, $key) ON CONFLICT (id) DO NOTHING")
            .With("$cursor", Blob(initialCursor)).With("$key", newKey))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command(connection, "SELECT cursor, signing_key FROM notification_state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NotificationState(reader.GetUlid(0), (byte[])reader.GetValue(1));
    }

    public async ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE notification_state SET cursor = $next WHERE id = 1 AND cursor = $expected")
            .With("$next", Blob(next)).With("$expected", Blob(expected));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {MessageColumns} FROM messages WHERE id > $after AND id < $before AND deleted_at IS NULL ORDER BY id LIMIT $limit
            """).With("$after", Blob(after)).With("$before", Blob(before)).With("$limit", limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }

    private static string LevelName(EmailNotificationLevel level) => level.ToString().ToLowerInvariant();

    private static string FormatIds(IEnumerable<Ulid> ids) => string.Join(',', ids.Distinct().Order());

    private static Ulid[] ParseIds(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ulid.Parse)];
}
