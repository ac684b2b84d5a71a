using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Notification preferences, Web Push subscriptions, and the email and push notifiers' progress.</summary>
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

    public ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        GetStateAsync("notification_state", "signing_key", initialCursor, newKey, cancellationToken);

    public ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        TryAdvanceCursorAsync("notification_state", expected, next, cancellationToken);

    public ValueTask<NotificationState> GetWebPushStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        GetStateAsync("web_push_state", "vapid_key", initialCursor, newKey, cancellationToken);

    public ValueTask<bool> TryAdvanceWebPushCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        TryAdvanceCursorAsync("web_push_state", expected, next, cancellationToken);

    /// <summary>A notifier's one row (<paramref name="table"/>: the email or the push notifier's), stored by the first call.</summary>
    private async ValueTask<NotificationState> GetStateAsync(string table, string keyColumn, Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        await using var connection = await OpenAsync(cancellationToken);
        await using (var insert = Command(connection, $"INSERT INTO {table} (id, cursor, {keyColumn}) VALUES (1, $cursor, $key) ON CONFLICT (id) DO NOTHING")
            .With("$cursor", Blob(initialCursor)).With("$key", newKey))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command(connection, $"SELECT cursor, {keyColumn} FROM {table} WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NotificationState(reader.GetUlid(0), (byte[])reader.GetValue(1));
    }

    private async ValueTask<bool> TryAdvanceCursorAsync(string table, Ulid expected, Ulid next, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"UPDATE {table} SET cursor = $next WHERE id = 1 AND cursor = $expected")
            .With("$next", Blob(next)).With("$expected", Blob(expected));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<WebPushSubscription> SaveWebPushSubscriptionAsync(WebPushSubscription subscription, int maxPerUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        WebPushSubscription saved;
        await using (var upsert = Command(connection, $"""
            INSERT INTO web_push_subscriptions ({PushColumns}) VALUES ($id, $user, $endpoint, $p256dh, $auth, $at)
            ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at
            RETURNING {PushColumns}
            """, transaction).With("$id", Blob(subscription.Id)).With("$user", Blob(subscription.UserId)).With("$endpoint", subscription.Endpoint)
            .With("$p256dh", subscription.P256dh).With("$auth", subscription.Auth).With("$at", Ticks(subscription.CreatedAt)))
        {
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            saved = ReadPushSubscription(reader);
        }
        await using (var trim = Command(connection, """
            DELETE FROM web_push_subscriptions WHERE user_id = $user AND id NOT IN
                (SELECT id FROM web_push_subscriptions WHERE user_id = $user ORDER BY created_at DESC, id DESC LIMIT $max)
            """, transaction).With("$user", Blob(subscription.UserId)).With("$max", maxPerUser))
        {
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    public async ValueTask<IReadOnlyList<WebPushSubscription>> ListWebPushSubscriptionsAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {PushColumns} FROM web_push_subscriptions WHERE user_id = $user ORDER BY created_at, id")
            .With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<WebPushSubscription>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadPushSubscription(reader));
        }
        return list;
    }

    public async ValueTask<bool> DeleteWebPushSubscriptionAsync(Ulid userId, Ulid subscriptionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM web_push_subscriptions WHERE user_id = $user AND id = $id")
            .With("$user", Blob(userId)).With("$id", Blob(subscriptionId));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private const string PushColumns = "id, user_id, endpoint, p256dh, auth, created_at";

    private static WebPushSubscription ReadPushSubscription(SqliteDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetString(2), (byte[])reader.GetValue(3), (byte[])reader.GetValue(4), reader.GetTime(5));

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
