using NUlid;

namespace Tanager;

/// <summary>Notification preferences and the email notifier's durable progress.</summary>
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
}
