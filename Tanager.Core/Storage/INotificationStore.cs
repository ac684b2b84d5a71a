using NUlid;

namespace Tanager;

/// <summary>Notification preferences, Web Push subscriptions, and the email and push notifiers' durable progress.</summary>
public interface INotificationStore
{
    /// <summary>The user's saved preferences; null when they never saved any (<see cref="NotificationPreferences.Default"/> applies).</summary>
    ValueTask<NotificationPreferences?> GetNotificationPreferencesAsync(Ulid userId, CancellationToken cancellationToken = default);

    /// <summary>Saves the user's preferences, replacing what was there.</summary>
    ValueTask SetNotificationPreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken = default);

    /// <summary>
    /// The notifier's state. The first call ever stores it with cursor <paramref name="initialCursor"/> and key
    /// <paramref name="newKey"/>; every later call (on any node) returns what was stored, ignoring both.
    /// </summary>
    ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the cursor from <paramref name="expected"/> to <paramref name="next"/> only if it is still at
    /// <paramref name="expected"/>: the claim that makes one node, not every node, handle the messages in between.
    /// </summary>
    ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default);

    /// <summary>Not deleted messages of every workspace with an id greater than <paramref name="after"/> and less than <paramref name="before"/>, in id order.</summary>
    ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The push notifier's state, as <see cref="GetNotificationStateAsync"/> is the email notifier's: its own cursor, and
    /// its VAPID private key (<see cref="NotificationState.SigningKey"/>, the 32-byte P-256 scalar) stored by the first call.
    /// </summary>
    ValueTask<NotificationState> GetWebPushStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default);

    /// <summary>Moves the push notifier's cursor, as <see cref="TryAdvanceNotificationCursorAsync"/> does the email notifier's.</summary>
    ValueTask<bool> TryAdvanceWebPushCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves a browser's subscription. An endpoint is one browser profile: saving one that exists (for this user or, after
    /// a sign-in as someone else in the same browser, another) replaces it, keeping its id. The user's oldest subscriptions
    /// beyond <paramref name="maxPerUser"/> are removed. Returns what is stored.
    /// </summary>
    ValueTask<WebPushSubscription> SaveWebPushSubscriptionAsync(WebPushSubscription subscription, int maxPerUser, CancellationToken cancellationToken = default);

    /// <summary>The user's subscriptions, oldest first.</summary>
    ValueTask<IReadOnlyList<WebPushSubscription>> ListWebPushSubscriptionsAsync(Ulid userId, CancellationToken cancellationToken = default);

    /// <summary>Removes one of the user's subscriptions; false when the user has none with that id.</summary>
    ValueTask<bool> DeleteWebPushSubscriptionAsync(Ulid userId, Ulid subscriptionId, CancellationToken cancellationToken = default);
}
