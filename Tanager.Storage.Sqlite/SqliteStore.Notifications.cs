using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Relational;
using Tanager.Storage.Relational.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Notification preferences, Web Push subscriptions, and the email and push notifiers' progress.</summary>
public sealed partial class SqliteStore : INotificationStore
{
    /// <summary>Everything here but the scan of new messages: shared with the PostgreSQL store (Tanager.Storage.Relational).</summary>
    private readonly RelationalNotifications _notifications;

    public async ValueTask<NotificationPreferences?> GetNotificationPreferencesAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await _notifications.GetPreferencesAsync(userId, cancellationToken);

    public async ValueTask SetNotificationPreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken = default) =>
        await _notifications.SetPreferencesAsync(preferences, cancellationToken);

    public async ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        await _notifications.GetStateAsync<EmailNotifierStateRow>(initialCursor, newKey, cancellationToken);

    public async ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        await _notifications.TryAdvanceCursorAsync<EmailNotifierStateRow>(expected, next, cancellationToken);

    public async ValueTask<NotificationState> GetWebPushStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        await _notifications.GetStateAsync<PushNotifierStateRow>(initialCursor, newKey, cancellationToken);

    public async ValueTask<bool> TryAdvanceWebPushCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        await _notifications.TryAdvanceCursorAsync<PushNotifierStateRow>(expected, next, cancellationToken);

    public async ValueTask<WebPushSubscription> SaveWebPushSubscriptionAsync(WebPushSubscription subscription, int maxPerUser, CancellationToken cancellationToken = default) =>
        await _notifications.SaveWebPushSubscriptionAsync(subscription, maxPerUser, cancellationToken);

    public async ValueTask<IReadOnlyList<WebPushSubscription>> ListWebPushSubscriptionsAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await _notifications.ListWebPushSubscriptionsAsync(userId, cancellationToken);

    public async ValueTask<bool> DeleteWebPushSubscriptionAsync(Ulid userId, Ulid subscriptionId, CancellationToken cancellationToken = default) =>
        await _notifications.DeleteWebPushSubscriptionAsync(userId, subscriptionId, cancellationToken);

    public async ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {MessageColumns} FROM messages WHERE id > $after AND id < $before AND deleted_at IS NULL ORDER BY id LIMIT $limit
            """).With("$after", Blob(after)).With("$before", Blob(before)).With("$limit", limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }
}
