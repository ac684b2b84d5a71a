using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Outgoing webhooks and their delivery queue.</summary>
public sealed partial class SqliteStore : IEventSubscriptionStore
{
    private const string SubscriptionColumns = "id, workspace_id, owner_id, url, events, channel_ids, secret, created_by, created_at";
    private const string DeliveryColumns = "id, workspace_id, subscription_id, channel_id, sequence, event_type, body, attempts, next_attempt_at, lease_until, dead_at, last_error, created_at";

    public async ValueTask CreateEventSubscriptionAsync(EventSubscription subscription, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO event_subscriptions ({SubscriptionColumns}) VALUES ($id, $workspace, $owner, $url, $events, $channels, $secret, $by, $at)
            """)
            .With("$id", Blob(subscription.Id)).With("$workspace", Blob(subscription.WorkspaceId)).With("$owner", Blob(subscription.OwnerId))
            .With("$url", subscription.Url).With("$events", string.Join(',', subscription.Events)).With("$channels", string.Join(',', subscription.ChannelIds))
            .With("$secret", subscription.Secret).With("$by", Blob(subscription.CreatedBy)).With("$at", Ticks(subscription.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<EventSubscription?> GetEventSubscriptionAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {SubscriptionColumns} FROM event_subscriptions WHERE workspace_id = $workspace AND id = $id")
            .With("$workspace", Blob(workspaceId)).With("$id", Blob(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSubscription(reader) : null;
    }

    public async ValueTask<IReadOnlyList<EventSubscription>> ListEventSubscriptionsAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {SubscriptionColumns} FROM event_subscriptions WHERE workspace_id = $workspace ORDER BY id")
            .With("$workspace", Blob(workspaceId));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var table in (string[])["event_deliveries", "event_message_cursors"])
        {
            await using var dependents = Command(connection, $"DELETE FROM {table} WHERE workspace_id = $workspace AND subscription_id = $id", transaction)
                .With("$workspace", Blob(workspaceId)).With("$id", Blob(id));
            await dependents.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = Command(connection, "DELETE FROM event_subscriptions WHERE workspace_id = $workspace AND id = $id", transaction)
            .With("$workspace", Blob(workspaceId)).With("$id", Blob(id));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await InsertDeliveriesAsync(connection, transaction, deliveries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask<long?> GetMessageCursorAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT sequence FROM event_message_cursors WHERE workspace_id = $workspace AND subscription_id = $subscription AND channel_id = $channel
            """).With("$workspace", Blob(workspaceId)).With("$subscription", Blob(subscriptionId)).With("$channel", Blob(channelId));
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : null;
    }

    public async ValueTask<bool> EnqueueMessageDeliveriesAsync(Ulid workspaceId, Ulid subscriptionId, Ulid channelId, long? expected, long cursor,
        IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        await using var connection = await OpenAsync(cancellationToken);
        // Immediate: the first statement writes, so concurrent callers queue on the writer lock rather than fail.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var move = Command(connection, expected is null
            ? """
              INSERT INTO event_message_cursors (workspace_id, subscription_id, channel_id, sequence)
              SELECT $workspace, $subscription, $channel, $cursor
              WHERE EXISTS (SELECT 1 FROM event_subscriptions WHERE workspace_id = $workspace AND id = $subscription)
              ON CONFLICT DO NOTHING
              """
            : """
              UPDATE event_message_cursors SET sequence = $cursor
              WHERE workspace_id = $workspace AND subscription_id = $subscription AND channel_id = $channel AND sequence = $expected
              """, transaction)
            .With("$workspace", Blob(workspaceId)).With("$subscription", Blob(subscriptionId)).With("$channel", Blob(channelId)).With("$cursor", cursor)
            .With("$expected", expected))
        {
            if (await move.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }
        await InsertDeliveriesAsync(connection, transaction, deliveries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<IReadOnlyList<MessageCursor>> ListMessageCursorsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT workspace_id, subscription_id, channel_id, sequence FROM event_message_cursors");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<MessageCursor>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new MessageCursor(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetInt64(3)));
        }
        return list;
    }

    private static async Task InsertDeliveriesAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<EventDelivery> deliveries, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, $"""
            INSERT INTO event_deliveries ({DeliveryColumns})
            VALUES ($id, $workspace, $subscription, $channel, $sequence, $type, $body, $attempts, $next, $lease, $dead, $error, $at)
            """, transaction);
        foreach (var delivery in deliveries)
        {
            command.Parameters.Clear();
            command.With("$id", Blob(delivery.Id)).With("$workspace", Blob(delivery.WorkspaceId)).With("$subscription", Blob(delivery.SubscriptionId))
                .With("$channel", Blob(delivery.ChannelId)).With("$sequence", delivery.Sequence).With("$type", delivery.EventType).With("$body", delivery.Body)
                .With("$attempts", delivery.Attempts).With("$next", Ticks(delivery.NextAttemptAt)).With("$lease", Ticks(delivery.LeaseUntil))
                .With("$dead", Ticks(delivery.DeadAt)).With("$error", delivery.LastError).With("$at", Ticks(delivery.CreatedAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async ValueTask<IReadOnlyList<EventDelivery>> ListDueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {DeliveryColumns} FROM event_deliveries d
            WHERE d.dead_at IS NULL AND d.next_attempt_at <= $now AND (d.lease_until IS NULL OR d.lease_until <= $now)
              AND NOT EXISTS (SELECT 1 FROM event_deliveries e
                              WHERE e.workspace_id = d.workspace_id AND e.subscription_id = d.subscription_id AND e.channel_id = d.channel_id
                                AND e.dead_at IS NULL AND (e.sequence < d.sequence OR (e.sequence = d.sequence AND e.id < d.id)))
            ORDER BY d.id LIMIT $limit
            """).With("$now", Ticks(now)).With("$limit", limit);
        return await ReadDeliveriesAsync(command, cancellationToken);
    }

    public async ValueTask<bool> TryClaimDeliveryAsync(Ulid workspaceId, Ulid id, int expectedAttempts, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE event_deliveries SET lease_until = $lease, attempts = attempts + 1
            WHERE workspace_id = $workspace AND id = $id AND attempts = $attempts AND dead_at IS NULL AND (lease_until IS NULL OR lease_until <= $now)
            """).With("$lease", Ticks(leaseUntil)).With("$workspace", Blob(workspaceId)).With("$id", Blob(id)).With("$attempts", expectedAttempts).With("$now", Ticks(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask CompleteDeliveryAsync(Ulid workspaceId, Ulid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM event_deliveries WHERE workspace_id = $workspace AND id = $id")
            .With("$workspace", Blob(workspaceId)).With("$id", Blob(id));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask RetryDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE event_deliveries SET lease_until = NULL, next_attempt_at = $next, last_error = $error WHERE workspace_id = $workspace AND id = $id")
            .With("$next", Ticks(nextAttemptAt)).With("$error", error).With("$workspace", Blob(workspaceId)).With("$id", Blob(id));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DeadLetterDeliveryAsync(Ulid workspaceId, Ulid id, DateTimeOffset at, string error, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE event_deliveries SET lease_until = NULL, dead_at = $at, last_error = $error WHERE workspace_id = $workspace AND id = $id")
            .With("$at", Ticks(at)).With("$error", error).With("$workspace", Blob(workspaceId)).With("$id", Blob(id));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<EventDelivery>> ListDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, Ulid? after, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {DeliveryColumns} FROM event_deliveries
            WHERE workspace_id = $workspace AND subscription_id = $subscription AND dead_at IS NOT NULL AND ($after IS NULL OR id > $after)
            ORDER BY id LIMIT $limit
            """).With("$workspace", Blob(workspaceId)).With("$subscription", Blob(subscriptionId)).With("$after", Blob(after)).With("$limit", limit);
        return await ReadDeliveriesAsync(command, cancellationToken);
    }

    public async ValueTask<int> ReplayDeadLettersAsync(Ulid workspaceId, Ulid subscriptionId, IReadOnlyList<Ulid>? ids, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE event_deliveries SET dead_at = NULL, attempts = 0, lease_until = NULL, next_attempt_at = $now
            WHERE workspace_id = $workspace AND subscription_id = $subscription AND dead_at IS NOT NULL AND ($id IS NULL OR id = $id)
            """, transaction);
        var count = 0;
        foreach (var id in ids is null ? [(Ulid?)null] : ids.Select(i => (Ulid?)i))
        {
            command.Parameters.Clear();
            command.With("$now", Ticks(now)).With("$workspace", Blob(workspaceId)).With("$subscription", Blob(subscriptionId)).With("$id", Blob(id));
            count += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    private static async Task<IReadOnlyList<EventDelivery>> ReadDeliveriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<EventDelivery>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new EventDelivery(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetUlid(3), reader.GetInt64(4), reader.GetString(5),
                (byte[])reader.GetValue(6), reader.GetInt32(7), reader.GetTime(8), reader.GetNullableTime(9), reader.GetNullableTime(10),
                reader.GetNullableString(11), reader.GetTime(12)));
        }
        return list;
    }

    private static EventSubscription ReadSubscription(SqliteDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetString(3),
            reader.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries),
            [.. reader.GetString(5).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ulid.Parse)],
            (byte[])reader.GetValue(6), reader.GetUlid(7), reader.GetTime(8));
}
