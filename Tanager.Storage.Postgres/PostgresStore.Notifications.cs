using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Notification preferences and the email notifier's progress (reference tables under Citus).</summary>
public sealed partial class PostgresStore : INotificationStore
{
    public async ValueTask<NotificationPreferences?> GetNotificationPreferencesAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT email_level, muted_channels, quiet_hours FROM notification_preferences WHERE user_id = $1").With(Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new NotificationPreferences(userId, Enum.Parse<EmailNotificationLevel>(reader.GetString(0), ignoreCase: true), ParseIds(reader.GetString(1)),
                QuietHours.Parse(reader.GetNullableString(2)))
            : null;
    }

    public async ValueTask SetNotificationPreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        await using var command = Command("""
            INSERT INTO notification_preferences (user_id, email_level, muted_channels, quiet_hours) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id) DO UPDATE SET email_level = excluded.email_level, muted_channels = excluded.muted_channels, quiet_hours = excluded.quiet_hours
            """).With(Uuid(preferences.UserId), LevelName(preferences.Email), FormatIds(preferences.MutedChannels), preferences.QuietHours?.ToString());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        await using (var insert = Command("INSERT INTO notification_state (id, cursor, signing_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING").With(Uuid(initialCursor), newKey))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command("SELECT cursor, signing_key FROM notification_state WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NotificationState(reader.GetUlid(0), (byte[])reader.GetValue(1));
    }

    public async ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE notification_state SET cursor = $1 WHERE id = 1 AND cursor = $2").With(Uuid(next), Uuid(expected));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {MessageColumns} FROM messages WHERE id > $1 AND id < $2 AND deleted_at IS NULL ORDER BY id LIMIT $3")
            .With(Uuid(after), Uuid(before), limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }

    private static string LevelName(EmailNotificationLevel level) => level.ToString().ToLowerInvariant();

    private static string FormatIds(IEnumerable<Ulid> ids) => string.Join(',', ids.Distinct().Order());

    private static Ulid[] ParseIds(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ulid.Parse)];
}
