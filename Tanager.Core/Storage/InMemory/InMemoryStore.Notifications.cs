using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : INotificationStore
{
    private readonly Dictionary<Ulid, NotificationPreferences> _notificationPreferences = [];
    private NotificationState? _notificationState;

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

    public ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        lock (_lock)
        {
            _notificationState ??= new NotificationState(initialCursor, [.. newKey]);
            return ValueTask.FromResult(_notificationState);
        }
    }

    public ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_notificationState is null || _notificationState.Cursor != expected)
            {
                return ValueTask.FromResult(false);
            }
            _notificationState = _notificationState with { Cursor = next };
            return ValueTask.FromResult(true);
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
