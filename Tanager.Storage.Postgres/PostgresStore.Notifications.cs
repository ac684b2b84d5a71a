using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using Tanager.Storage.Relational;
using Tanager.Storage.Relational.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Notification preferences, Web Push subscriptions, and the email and push notifiers' progress (reference tables under Citus).</summary>
public sealed partial class PostgresStore : INotificationStore
{
    /// <summary>Everything here but the scan of new messages: shared with the SQLite store (Tanager.Storage.Relational).</summary>
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
        await using var command = Command($"SELECT {MessageColumns} FROM messages WHERE id > $1 AND id < $2 AND deleted_at IS NULL ORDER BY id LIMIT $3")
            .With(Uuid(after), Uuid(before), limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }
}
