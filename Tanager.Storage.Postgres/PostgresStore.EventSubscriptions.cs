using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Outgoing webhooks and their delivery queue, distributed by workspace.</summary>
public sealed partial class PostgresStore : IEventSubscriptionStore
{
    private const string SubscriptionColumns = "id, workspace_id, owner_id, url, events, channel_ids, secret, created_by, created_at";
    private const string DeliveryColumns = "id, workspace_id, subscription_id, channel_id, sequence, event_type, body, attempts, next_attempt_at, lease_until, dead_at, last_error, created_at";

    public async ValueTask CreateEventSubscriptionAsync(EventSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var command = Command($"INSERT INTO event_subscriptions ({SubscriptionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .With(Uuid(subscription.Id), Uuid(subscription.WorkspaceId), Uuid(subscription.OwnerId), subscription.Url, string.Join(',', subscription.Events),
                string.Join(',', subscription.ChannelIds), subscription.Secret, Uuid(subscription.CreatedBy), subscription.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<EventSubscription?> GetEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {SubscriptionColumns} FROM event_subscriptions WHERE workspace_id = $1 AND id = $2").With(Uuid(workspaceId), Uuid(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSubscription(reader) : null;
    }

    public async ValueTask<IReadOnlyList<EventSubscription>> ListEventSubscriptionsAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {SubscriptionColumns} FROM event_subscriptions WHERE workspace_id = $1 ORDER BY id").With(Uuid(workspaceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<EventSubscription>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadSubscription(reader));
        }
        return list;
    }

    public async ValueTask<bool> DeleteEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in (string[])["event_deliveries", "event_message_cursors"])
        {
            await using var dependents = new NpgsqlCommand($"DELETE FROM {table} WHERE workspace_id = $1 AND subscription_id = $2", connection, transaction)
                .With(Uuid(workspaceId), Uuid(id));
            await dependents.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = new NpgsqlCommand("DELETE FROM event_subscriptions WHERE workspace_id = $1 AND id = $2", connection, transaction).With(Uuid(workspaceId), Uuid(id));
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async ValueTask EnqueueDeliveriesAsync(IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0)
        {
            return;
        }
        await using var batch = _dataSource.CreateBatch();
        AddDeliveries(batch, deliveries);
        // One round trip; a batch of several statements runs as one implicit transaction.
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<long?> GetMessageCursorAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT sequence FROM event_message_cursors WHERE workspace_id = $1 AND subscription_id = $2 AND channel_id = $3")
            .With(Uuid(workspaceId), Uuid(subscriptionId), Uuid(channelId));
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : null;
    }

    public async ValueTask<bool> EnqueueMessageDeliveriesAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, long? expected, long cursor,
        IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var move = expected is null
            ? new NpgsqlCommand("""
                INSERT INTO event_message_cursors (workspace_id, subscription_id, channel_id, sequence) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
                """, connection, transaction).With(Uuid(workspaceId), Uuid(subscriptionId), Uuid(channelId), cursor)
            : new NpgsqlCommand("""
                UPDATE event_message_cursors SET sequence = $4 WHERE workspace_id = $1 AND subscription_id = $2 AND channel_id = $3 AND sequence = $5
                """, connection, transaction).With(Uuid(workspaceId), Uuid(subscriptionId), Uuid(channelId), cursor, expected.Value))
        {
            try
            {
                if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
                {
                    return false;
                }
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                // The subscription was deleted meanwhile: nothing to queue for it.
                return false;
            }
        }
        if (deliveries.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            AddDeliveries(batch, deliveries);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<IReadOnlyList<MessageCursor>> ListMessageCursorsAsync(CancellationToken cancellationToken = default)
    {
        await using var command = Command("SELECT workspace_id, subscription_id, channel_id, sequence FROM event_message_cursors");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MessageCursor>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MessageCursor(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetInt64(3)));
        }
        return list;
    }

    private static void AddDeliveries(NpgsqlBatch batch, IReadOnlyList<EventDelivery> deliveries)
    {
        foreach (var d in deliveries)
        {
            batch.BatchCommands.Add(Batched($"INSERT INTO event_deliveries ({DeliveryColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                Uuid(d.Id), Uuid(d.WorkspaceId), Uuid(d.SubscriptionId), Uuid(d.ChannelId), d.Sequence, d.EventType, d.Body, d.Attempts,
                d.NextAttemptAt, d.LeaseUntil, d.DeadAt, d.LastError, d.CreatedAt));
        }
    }

    public async ValueTask<IReadOnlyList<EventDelivery>> ListDueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        // The one statement that spans workspaces (under Citus, every shard): the worker's scan, like the email notifier's.
        await using var command = Command($"""
            SELECT {DeliveryColumns} FROM event_deliveries d
            WHERE d.dead_at IS NULL AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until <= $1)
              AND NOT EXISTS (SELECT 1 FROM event_deliveries e
                              WHERE e.workspace_id = d.workspace_id AND e.subscription_id = d.subscription_id AND e.channel_id = d.channel_id
                                AND e.dead_at IS NULL AND (e.sequence < d.sequence OR (e.sequence = d.sequence AND e.id < d.id)))
            ORDER BY d.id LIMIT $2
            """).With(now, limit);
        return await ReadDeliveriesAsync(command, cancellationToken);
    }

    public async ValueTask<bool> TryClaimDeliveryAsync(Ulid workspaceId, Ulid id, int expectedAttempts, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        await using var command = Command("""
            UPDATE event_deliveries SET lease_until = $5, attempts = attempts + 1
            WHERE workspace_id = $1 AND id = $2 AND attempts = $3 AND dead_at IS NULL AND (lease_until IS NULL OR lease_until <= $4)
            """).With(Uuid(workspaceId), Uuid(id), expectedAttempts, now, leaseUntil);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask CompleteDeliveryAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        await using var command = Command("DELETE FROM event_deliveries WHERE workspace_id = $1 AND id = $2").With(Uuid(workspaceId), Uuid(id));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask RetryDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE event_deliveries SET lease_until = NULL, next_attempt_at = $3, last_error = $4 WHERE workspace_id = $1 AND id = $2")
            .With(Uuid(workspaceId), Uuid(id), nextAttemptAt, error);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DeadLetterDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset at, string error, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE event_deliveries SET lease_until = NULL, dead_at = $3, last_error = $4 WHERE workspace_id = $1 AND id = $2")
            .With(Uuid(workspaceId), Uuid(id), at, error);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<EventDelivery>> ListDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, Ulid? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"""
            SELECT {DeliveryColumns} FROM event_deliveries
            WHERE workspace_id = $1 AND subscription_id = $2 AND dead_at IS NOT NULL AND ($3::uuid IS NULL OR id > $3::uuid)
            ORDER BY id LIMIT $4
            """).With(Uuid(workspaceId), Uuid(subscriptionId), Uuid(after), limit);
        return await ReadDeliveriesAsync(command, cancellationToken);
    }

    public async ValueTask<int> ReplayDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, IReadOnlyList<Ulid>? ids, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = Command("""
            UPDATE event_deliveries SET dead_at = NULL, attempts = 0, lease_until = NULL, next_attempt_at = $3
            WHERE workspace_id = $1 AND subscription_id = $2 AND dead_at IS NOT NULL AND ($4::uuid[] IS NULL OR id = ANY($4::uuid[]))
            """).With(Uuid(workspaceId), Uuid(subscriptionId), now, ids is null ? null : ids.Select(Uuid).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<EventDelivery>> ReadDeliveriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<EventDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new EventDelivery(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetUlid(3), reader.GetInt64(4), reader.GetString(5),
                reader.GetFieldValue<byte[]>(6), reader.GetInt32(7), reader.GetTime(8), reader.GetNullableTime(9), reader.GetNullableTime(10),
                reader.GetNullableString(11), reader.GetTime(12)));
        }
        return list;
    }

    private static EventSubscription ReadSubscription(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetString(3),
            reader.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries),
            [.. reader.GetString(5).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ulid.Parse)],
            reader.GetFieldValue<byte[]>(6), reader.GetUlid(7), reader.GetTime(8));
}
