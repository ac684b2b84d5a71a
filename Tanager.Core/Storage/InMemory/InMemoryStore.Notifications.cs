using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : INotificationStore
{
    private readonly Dictionary<Ulid, NotificationPreferences> _notificationPreferences = [];
    private NotificationState? _notificationState;
    private NotificationState? _webPushState;
    private readonly List<WebPushSubscription> _webPushSubscriptions = [];

    public ValueTask<NotificationPreferences?> GetNotificationPreferencesAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_notificationPreferences.GetValueOrDefault(userId));
        }
    }

    public ValueTask SetNotificationPreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        lock (_lock)
        {
            _notificationPreferences[preferences.UserId] = preferences with { MutedChannels = [.. preferences.MutedChannels.Distinct().Order()] };
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        GetState(ref _notificationState, initialCursor, newKey);

    public ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        TryAdvance(ref _notificationState, expected, next);

    public ValueTask<NotificationState> GetWebPushStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        GetState(ref _webPushState, initialCursor, newKey);

    public ValueTask<bool> TryAdvanceWebPushCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        TryAdvance(ref _webPushState, expected, next);

    private ValueTask<NotificationState> GetState(ref NotificationState? state, Ulid initialCursor, byte[] newKey)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        lock (_lock)
        {
            state ??= new NotificationState(initialCursor, [.. newKey]);
            return ValueTask.FromResult(state);
        }
    }

    private ValueTask<bool> TryAdvance(ref NotificationState? state, Ulid expected, Ulid next)
    {
        lock (_lock)
        {
            if (state is null || state.Cursor != expected)
            {
                return ValueTask.FromResult(false);
            }
            state = state with { Cursor = next };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<WebPushSubscription> SaveWebPushSubscriptionAsync(WebPushSubscription subscription, int maxPerUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_lock)
        {
            var existing = _webPushSubscriptions.FindIndex(s => s.Endpoint == subscription.Endpoint);
            var saved = existing < 0 ? subscription : subscription with { Id = _webPushSubscriptions[existing].Id };
            if (existing >= 0)
            {
                _webPushSubscriptions.RemoveAt(existing);
            }
            _webPushSubscriptions.Add(saved);
            var keep = _webPushSubscriptions.Where(s => s.UserId == saved.UserId).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Take(maxPerUser).ToHashSet();
            _webPushSubscriptions.RemoveAll(s => s.UserId == saved.UserId && !keep.Contains(s));
            return ValueTask.FromResult(saved);
        }
    }

    public ValueTask<IReadOnlyList<WebPushSubscription>> ListWebPushSubscriptionsAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<WebPushSubscription> list = [.. _webPushSubscriptions.Where(s => s.UserId == userId).OrderBy(s => s.CreatedAt).ThenBy(s => s.Id)];
            return ValueTask.FromResult(list);
        }
    }

    public ValueTask<bool> DeleteWebPushSubscriptionAsync(Ulid userId, Ulid subscriptionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_webPushSubscriptions.RemoveAll(s => s.UserId == userId && s.Id == subscriptionId) > 0);
        }
    }

    public ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<Message> messages = [.. _messages.Values
                .Where(m => m.DeletedAt is null && m.Id.CompareTo(after) > 0 && m.Id.CompareTo(before) < 0)
                .OrderBy(m => m.Id)
                .Take(limit)];
            return ValueTask.FromResult(messages);
        }
    }
}
