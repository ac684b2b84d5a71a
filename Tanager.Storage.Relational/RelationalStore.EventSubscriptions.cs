using System.Data.Common;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>Outgoing webhooks and their durable delivery queue, on both SQL stores (distributed by workspace under Citus).</summary>
public abstract partial class RelationalStore : IEventSubscriptionStore
{
    /// <summary>Several deliveries in one statement (a multi-row INSERT), in both dialects.</summary>
    private static readonly BulkCopyOptions ManyRows = new() { BulkCopyType = BulkCopyType.MultipleRows };

    public async ValueTask CreateEventSubscriptionAsync(EventSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await Database.RunAsync(db => db.InsertAsync(EventSubscriptionRow.From(subscription), token: cancellationToken), cancellationToken);
    }

    public async ValueTask<EventSubscription?> GetEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<EventSubscriptionRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.Id == id, cancellationToken),
            cancellationToken))?.ToDomain();

    public async ValueTask<IReadOnlyList<EventSubscription>> ListEventSubscriptionsAsync(Ulid workspaceId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<EventSubscriptionRow>().Where(r => r.WorkspaceId == workspaceId).OrderBy(r => r.Id).ToListAsync(cancellationToken),
            cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>The subscription with its queue and cursors, in one transaction (the foreign keys cascade too; this does not rely on it).</summary>
    public async ValueTask<bool> DeleteEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default) =>
        await Database.InTransactionAsync(async db =>
        {
            await db.GetTable<EventDeliveryRow>().Where(r => r.WorkspaceId == workspaceId && r.SubscriptionId == id).DeleteAsync(cancellationToken);
            await db.GetTable<MessageCursorRow>().Where(r => r.WorkspaceId == workspaceId && r.SubscriptionId == id).DeleteAsync(cancellationToken);
            return await db.GetTable<EventSubscriptionRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == id).DeleteAsync(cancellationToken) > 0;
        }, cancellationToken);

    public async ValueTask EnqueueDeliveriesAsync(IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count > 0)
        {
            await Database.RunAsync(db => db.BulkCopyAsync(ManyRows, deliveries.Select(EventDeliveryRow.From), cancellationToken), cancellationToken);
        }
    }

    public async ValueTask<long?> GetMessageCursorAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<MessageCursorRow>()
            .Where(r => r.WorkspaceId == workspaceId && r.SubscriptionId == subscriptionId && r.ChannelId == channelId)
            .Select(r => (long?)r.Sequence).FirstOrDefaultAsync(cancellationToken), cancellationToken);

    /// <summary>
    /// Moves the channel's cursor from <paramref name="expected"/> (null: there is none yet) to <paramref name="cursor"/> and
    /// queues <paramref name="deliveries"/>, in one transaction; false, queuing nothing, when another node moved it first
    /// or the subscription is gone.
    /// </summary>
    public async ValueTask<bool> EnqueueMessageDeliveriesAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, long? expected, long cursor,
        IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        try
        {
            return await Database.InTransactionAsync(async db =>
            {
                if (!await MoveCursorAsync(db, workspaceId, subscriptionId, channelId, expected, cursor, cancellationToken))
                {
                    return false;
                }
                if (deliveries.Count > 0)
                {
                    await db.BulkCopyAsync(ManyRows, deliveries.Select(EventDeliveryRow.From), cancellationToken);
                }
                return true;
            }, cancellationToken);
        }
        catch (DbException) when (expected is null)
        {
            // The subscription was deleted between the check and the insert (its cursor's foreign key says so): nothing to queue.
            if (await GetEventSubscriptionAsync(workspaceId, subscriptionId, cancellationToken) is null)
            {
                return false;
            }
            throw;
        }
    }

    private static async Task<bool> MoveCursorAsync(DataConnection db, Ulid workspaceId, Ulid subscriptionId, Ulid channelId, long? expected, long cursor,
        CancellationToken cancellationToken)
    {
        var cursors = db.GetTable<MessageCursorRow>();
        if (expected is { } from)
        {
            return await cursors.Where(r => r.WorkspaceId == workspaceId && r.SubscriptionId == subscriptionId && r.ChannelId == channelId && r.Sequence == from)
                .Set(r => r.Sequence, cursor).UpdateAsync(cancellationToken) == 1;
        }
        if (!await db.GetTable<EventSubscriptionRow>().AnyAsync(s => s.WorkspaceId == workspaceId && s.Id == subscriptionId, cancellationToken))
        {
            return false;
        }
        // The first cursor of the channel, unless another node made it first (a null update is ON CONFLICT DO NOTHING).
        return await cursors.InsertOrUpdateAsync(
            () => new MessageCursorRow { WorkspaceId = workspaceId, SubscriptionId = subscriptionId, ChannelId = channelId, Sequence = cursor },
            null, cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<MessageCursor>> ListMessageCursorsAsync(CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<MessageCursorRow>().ToListAsync(cancellationToken), cancellationToken))
            .Select(r => new MessageCursor(r.WorkspaceId, r.SubscriptionId, r.ChannelId, r.Sequence))];

    /// <summary>
    /// The deliveries that may go now: live, due, not leased, and each the first live one of its subscription and channel
    /// (so a channel's events go in order). The one statement that spans workspaces (under Citus, every shard).
    /// </summary>
    public async ValueTask<IReadOnlyList<EventDelivery>> ListDueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db =>
        {
            var deliveries = db.GetTable<EventDeliveryRow>();
            return deliveries
                .Where(d => d.DeadAt == null && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil <= now)
                    && !deliveries.Any(e => e.WorkspaceId == d.WorkspaceId && e.SubscriptionId == d.SubscriptionId && e.ChannelId == d.ChannelId
                        && e.DeadAt == null && (e.Sequence < d.Sequence || (e.Sequence == d.Sequence && e.Id < d.Id))))
                .OrderBy(d => d.Id).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>Leases a delivery to this node and counts the attempt, if it is still as it was read (same attempts, not leased, not dead).</summary>
    public async ValueTask<bool> TryClaimDeliveryAsync(Ulid workspaceId, Ulid id, int expectedAttempts, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<EventDeliveryRow>()
            .Where(r => r.WorkspaceId == workspaceId && r.Id == id && r.Attempts == expectedAttempts && r.DeadAt == null && (r.LeaseUntil == null || r.LeaseUntil <= now))
            .Set(r => r.LeaseUntil, leaseUntil).Set(r => r.Attempts, r => r.Attempts + 1).UpdateAsync(cancellationToken), cancellationToken) == 1;

    public async ValueTask CompleteDeliveryAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<EventDeliveryRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == id).DeleteAsync(cancellationToken), cancellationToken);

    public async ValueTask RetryDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<EventDeliveryRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == id)
            .Set(r => r.LeaseUntil, (DateTimeOffset?)null).Set(r => r.NextAttemptAt, nextAttemptAt).Set(r => r.LastError, error).UpdateAsync(cancellationToken), cancellationToken);

    public async ValueTask DeadLetterDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset at, string error, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<EventDeliveryRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == id)
            .Set(r => r.LeaseUntil, (DateTimeOffset?)null).Set(r => r.DeadAt, at).Set(r => r.LastError, error).UpdateAsync(cancellationToken), cancellationToken);

    public async ValueTask<IReadOnlyList<EventDelivery>> ListDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, Ulid? after, int limit, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db =>
        {
            var dead = db.GetTable<EventDeliveryRow>().Where(r => r.WorkspaceId == workspaceId && r.SubscriptionId == subscriptionId && r.DeadAt != null);
            if (after is { } from)
            {
                dead = dead.Where(r => r.Id > from);
            }
            return dead.OrderBy(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>Puts dead letters back in the queue, due now, with no attempts: all of the subscription's, or those of <paramref name="ids"/>.</summary>
    public async ValueTask<int> ReplayDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, IReadOnlyList<Ulid>? ids, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db =>
        {
            var dead = db.GetTable<EventDeliveryRow>().Where(r => r.WorkspaceId == workspaceId && r.SubscriptionId == subscriptionId && r.DeadAt != null);
            if (ids is not null)
            {
                var chosen = ids.Distinct().ToArray();
                dead = dead.Where(r => chosen.Contains(r.Id));
            }
            return dead.Set(r => r.DeadAt, (DateTimeOffset?)null).Set(r => r.Attempts, 0).Set(r => r.LeaseUntil, (DateTimeOffset?)null)
                .Set(r => r.NextAttemptAt, now).UpdateAsync(cancellationToken);
        }, cancellationToken);
}
