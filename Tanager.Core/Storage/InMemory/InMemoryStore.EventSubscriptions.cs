using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : IEventSubscriptionStore
{
    private readonly Dictionary<(Ulid Workspace, Ulid Id), EventSubscription> _eventSubscriptions = [];
    private readonly SortedDictionary<Ulid, EventDelivery> _deliveries = [];
    private readonly Dictionary<(Ulid Workspace, Ulid Subscription, Ulid Channel), long> _messageCursors = [];

    public ValueTask CreateEventSubscriptionAsync(EventSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        lock (_lock)
        {
            _eventSubscriptions.Add((subscription.WorkspaceId, subscription.Id), subscription);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<EventSubscription?> GetEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_eventSubscriptions.GetValueOrDefault((workspaceId, id)));
        }
    }

    public ValueTask<IReadOnlyList<EventSubscription>> ListEventSubscriptionsAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<EventSubscription> list = [.. _eventSubscriptions.Values.Where(s => s.WorkspaceId == workspaceId).OrderBy(s => s.Id)];
            return ValueTask.FromResult(list);
        }
    }

    public ValueTask<bool> DeleteEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var delivery in _deliveries.Values.Where(d => d.WorkspaceId == workspaceId && d.SubscriptionId == id).ToList())
            {
                _deliveries.Remove(delivery.Id);
            }
            foreach (var key in _messageCursors.Keys.Where(k => k.Workspace == workspaceId && k.Subscription == id).ToList())
            {
                _messageCursors.Remove(key);
            }
            return ValueTask.FromResult(_eventSubscriptions.Remove((workspaceId, id)));
        }
    }

    public ValueTask EnqueueDeliveriesAsync(IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        lock (_lock)
        {
            foreach (var delivery in deliveries)
            {
                _deliveries.Add(delivery.Id, delivery);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<long?> GetMessageCursorAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_messageCursors.TryGetValue((workspaceId, subscriptionId, channelId), out var cursor) ? cursor : (long?)null);
        }
    }

    public ValueTask<bool> EnqueueMessageDeliveriesAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, long? expected, long cursor,
        IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        lock (_lock)
        {
            var key = (workspaceId, subscriptionId, channelId);
            long? current = _messageCursors.TryGetValue(key, out var value) ? value : null;
            if (current != expected || !_eventSubscriptions.ContainsKey((workspaceId, subscriptionId)))
            {
                return ValueTask.FromResult(false);
            }
            _messageCursors[key] = cursor;
            foreach (var delivery in deliveries)
            {
                _deliveries.Add(delivery.Id, delivery);
            }
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<IReadOnlyList<MessageCursor>> ListMessageCursorsAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<MessageCursor> cursors = [.. _messageCursors.Select(c => new MessageCursor(c.Key.Workspace, c.Key.Subscription, c.Key.Channel, c.Value))];
            return ValueTask.FromResult(cursors);
        }
    }

    public ValueTask<IReadOnlyList<EventDelivery>> ListDueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<EventDelivery> due = [.. _deliveries.Values
                .Where(d => d.DeadAt is null)
                .GroupBy(d => (d.WorkspaceId, d.SubscriptionId, d.ChannelId))
                .Select(g => g.OrderBy(d => d.Sequence).ThenBy(d => d.Id).First())
                .Where(d => d.NextAttemptAt <= now && (d.LeaseUntil is not { } lease || lease <= now))
                .OrderBy(d => d.Id)
                .Take(limit)];
            return ValueTask.FromResult(due);
        }
    }

    public ValueTask<bool> TryClaimDeliveryAsync(Ulid workspaceId, Ulid id, int expectedAttempts, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_deliveries.TryGetValue(id, out var delivery) || delivery.WorkspaceId != workspaceId || delivery.Attempts != expectedAttempts
                || delivery.DeadAt is not null || (delivery.LeaseUntil is { } lease && lease > now))
            {
                return ValueTask.FromResult(false);
            }
            _deliveries[id] = delivery with { LeaseUntil = leaseUntil, Attempts = expectedAttempts + 1 };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask CompleteDeliveryAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_deliveries.TryGetValue(id, out var delivery) && delivery.WorkspaceId == workspaceId)
            {
                _deliveries.Remove(id);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask RetryDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_deliveries.TryGetValue(id, out var delivery) && delivery.WorkspaceId == workspaceId)
            {
                _deliveries[id] = delivery with { LeaseUntil = null, NextAttemptAt = nextAttemptAt, LastError = error };
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DeadLetterDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset at, string error, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_deliveries.TryGetValue(id, out var delivery) && delivery.WorkspaceId == workspaceId)
            {
                _deliveries[id] = delivery with { LeaseUntil = null, DeadAt = at, LastError = error };
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<EventDelivery>> ListDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, Ulid? after, int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<EventDelivery> dead = [.. _deliveries.Values
                .Where(d => d.WorkspaceId == workspaceId && d.SubscriptionId == subscriptionId && d.DeadAt is not null && (after is not { } a || d.Id.CompareTo(a) > 0))
                .Take(limit)];
            return ValueTask.FromResult(dead);
        }
    }

    public ValueTask<int> ReplayDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, IReadOnlyList<Ulid>? ids, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var dead = _deliveries.Values
                .Where(d => d.WorkspaceId == workspaceId && d.SubscriptionId == subscriptionId && d.DeadAt is not null && (ids is null || ids.Contains(d.Id)))
                .ToList();
            foreach (var delivery in dead)
            {
                _deliveries[delivery.Id] = delivery with { DeadAt = null, Attempts = 0, NextAttemptAt = now, LeaseUntil = null };
            }
            return ValueTask.FromResult(dead.Count);
        }
    }
}
