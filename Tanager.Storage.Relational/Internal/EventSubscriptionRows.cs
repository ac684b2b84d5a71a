using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("event_subscriptions")]
internal sealed class EventSubscriptionRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("owner_id")] public Ulid OwnerId { get; set; }
    [Column("url"), NotNull] public string Url { get; set; } = "";
    /// <summary>Event names, comma-separated.</summary>
    [Column("events"), NotNull] public string Events { get; set; } = "";
    /// <summary>Channel ids, comma-separated; empty for every channel.</summary>
    [Column("channel_ids"), NotNull] public string ChannelIds { get; set; } = "";
    [Column("secret"), NotNull] public byte[] Secret { get; set; } = [];
    [Column("created_by")] public Ulid CreatedBy { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }

    public static EventSubscriptionRow From(EventSubscription subscription) => new()
    {
        WorkspaceId = subscription.WorkspaceId, Id = subscription.Id, OwnerId = subscription.OwnerId, Url = subscription.Url,
        Events = string.Join(',', subscription.Events), ChannelIds = string.Join(',', subscription.ChannelIds), Secret = subscription.Secret,
        CreatedBy = subscription.CreatedBy, CreatedAt = subscription.CreatedAt,
    };

    public EventSubscription ToDomain() =>
        new(Id, WorkspaceId, OwnerId, Url, Events.Split(',', StringSplitOptions.RemoveEmptyEntries),
            [.. ChannelIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ulid.Parse)], Secret, CreatedBy, CreatedAt);
}

[Table("event_deliveries")]
internal sealed class EventDeliveryRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("subscription_id")] public Ulid SubscriptionId { get; set; }
    [Column("channel_id")] public Ulid ChannelId { get; set; }
    [Column("sequence")] public long Sequence { get; set; }
    [Column("event_type"), NotNull] public string EventType { get; set; } = "";
    [Column("body"), NotNull] public byte[] Body { get; set; } = [];
    [Column("attempts")] public int Attempts { get; set; }
    [Column("next_attempt_at")] public DateTimeOffset NextAttemptAt { get; set; }
    [Column("lease_until")] public DateTimeOffset? LeaseUntil { get; set; }
    [Column("dead_at")] public DateTimeOffset? DeadAt { get; set; }
    [Column("last_error")] public string? LastError { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }

    public static EventDeliveryRow From(EventDelivery d) => new()
    {
        WorkspaceId = d.WorkspaceId, Id = d.Id, SubscriptionId = d.SubscriptionId, ChannelId = d.ChannelId, Sequence = d.Sequence, EventType = d.EventType,
        Body = d.Body, Attempts = d.Attempts, NextAttemptAt = d.NextAttemptAt, LeaseUntil = d.LeaseUntil, DeadAt = d.DeadAt, LastError = d.LastError,
        CreatedAt = d.CreatedAt,
    };

    public EventDelivery ToDomain() =>
        new(Id, WorkspaceId, SubscriptionId, ChannelId, Sequence, EventType, Body, Attempts, NextAttemptAt, LeaseUntil, DeadAt, LastError, CreatedAt);
}

/// <summary>How far a subscription has queued a channel's messages (the last sequence queued).</summary>
[Table("event_message_cursors")]
internal sealed class MessageCursorRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("subscription_id")] public Ulid SubscriptionId { get; set; }
    [PrimaryKey(2), Column("channel_id")] public Ulid ChannelId { get; set; }
    [Column("sequence")] public long Sequence { get; set; }
}
