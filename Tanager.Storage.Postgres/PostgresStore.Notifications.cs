using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Notification preferences, Web Push subscriptions, and the email and push notifiers' progress (reference tables under Citus).</summary>
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
        await using (var insert = Command($"INSERT INTO {table} (id, cursor, {keyColumn}) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING").With(Uuid(initialCursor), newKey))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command($"SELECT cursor, {keyColumn} FROM {table} WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new NotificationState(reader.GetUlid(0), (byte[])reader.GetValue(1));
    }

    private async ValueTask<bool> TryAdvanceCursorAsync(string table, Ulid expected, Ulid next, CancellationToken cancellationToken)
    {
        await using var command = Command($"UPDATE {table} SET cursor = $1 WHERE id = 1 AND cursor = $2").With(Uuid(next), Uuid(expected));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<WebPushSubscription> SaveWebPushSubscriptionAsync(WebPushSubscription subscription, int maxPerUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(Batched($"""
            INSERT INTO web_push_subscriptions ({PushColumns}) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at
            RETURNING {PushColumns}
            """, Uuid(subscription.Id), Uuid(subscription.UserId), subscription.Endpoint, subscription.P256dh, subscription.Auth, subscription.CreatedAt));
        batch.BatchCommands.Add(Batched("""
            DELETE FROM web_push_subscriptions WHERE user_id = $1 AND id NOT IN
                (SELECT id FROM web_push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2)
            """, Uuid(subscription.UserId), maxPerUser));
        // One round trip; the batch runs as one implicit transaction, and the trim sees the row the upsert wrote.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadPushSubscription(reader);
    }

    public async ValueTask<IReadOnlyList<WebPushSubscription>> ListWebPushSubscriptionsAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {PushColumns} FROM web_push_subscriptions WHERE user_id = $1 ORDER BY created_at, id").With(Uuid(userId));
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
        await using var command = Command("DELETE FROM web_push_subscriptions WHERE user_id = $1 AND id = $2").With(Uuid(userId), Uuid(subscriptionId));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private const string PushColumns = "id, user_id, endpoint, p256dh, auth, created_at";

    private static WebPushSubscription ReadPushSubscription(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetString(2), (byte[])reader.GetValue(3), (byte[])reader.GetValue(4), reader.GetTime(5));

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
