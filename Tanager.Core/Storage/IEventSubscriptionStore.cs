using NUlid;

namespace Tanager;

/// <summary>
/// Outgoing webhooks and their durable delivery queue, both distributed by workspace. Every method that changes a
/// delivery is conditional, so that of several nodes only one claims, completes or retries it.
/// </summary>
public interface IEventSubscriptionStore
{
    ValueTask CreateEventSubscriptionAsync(EventSubscription subscription, CancellationToken cancellationToken = default);
    ValueTask<EventSubscription?> GetEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default);
    /// <summary>A workspace's subscriptions, oldest first.</summary>
    ValueTask<IReadOnlyList<EventSubscription>> ListEventSubscriptionsAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>Deletes the subscription and every delivery queued or dead-lettered for it; false when there was none.</summary>
    ValueTask<bool> DeleteEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default);

    /// <summary>Queues deliveries, all at once (one transaction).</summary>
    ValueTask EnqueueDeliveriesAsync(IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest sequence of the channel's messages whose creation the subscription has had queued (its message
    /// cursor); null before the first.
    /// </summary>
    ValueTask<long?> GetMessageCursorAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the subscription's message cursor of the channel from <paramref name="expected"/> (null: it has none) to
    /// <paramref name="cursor"/> and queues <paramref name="deliveries"/>, in one transaction. False, and nothing
    /// queued, when the cursor is no longer <paramref name="expected"/> (another caller moved it first).
    /// </summary>
    ValueTask<bool> EnqueueMessageDeliveriesAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, long? expected, long cursor,
        IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>Every message cursor of every subscription: what a starting node checks for messages committed but never queued.</summary>
    ValueTask<IReadOnlyList<MessageCursor>> ListMessageCursorsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deliveries that may be attempted at <paramref name="now"/>: not dead, due, not leased, and first of their
    /// subscription and channel (no live delivery of the same subscription and channel comes before them). In id order.
    /// </summary>
    ValueTask<IReadOnlyList<EventDelivery>> ListDueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases the delivery until <paramref name="leaseUntil"/> and counts an attempt, only if it still has
    /// <paramref name="expectedAttempts"/> attempts, is not dead and its lease (if any) ended by <paramref name="now"/>.
    /// </summary>
    ValueTask<bool> TryClaimDeliveryAsync(Ulid workspaceId, Ulid id, int expectedAttempts, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Removes a delivered delivery.</summary>
    ValueTask CompleteDeliveryAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default);

    /// <summary>Releases the lease of a failed attempt and sets when to try again.</summary>
    ValueTask RetryDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default);

    /// <summary>Moves a delivery to the dead-letter list (it no longer holds back its successors).</summary>
    ValueTask DeadLetterDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset at, string error, CancellationToken cancellationToken = default);

    /// <summary>A subscription's dead letters in id order, after <paramref name="after"/>.</summary>
    ValueTask<IReadOnlyList<EventDelivery>> ListDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, Ulid? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Queues a subscription's dead letters again (all, or those in <paramref name="ids"/>) with fresh attempts; returns how many.</summary>
    ValueTask<int> ReplayDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, IReadOnlyList<Ulid>? ids, DateTimeOffset now, CancellationToken cancellationToken = default);
}
