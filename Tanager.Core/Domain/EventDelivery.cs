using NUlid;

namespace Tanager;

/// <summary>
/// One event on its way to one subscription: a row of the durable queue. Deliveries of a subscription with the same
/// <see cref="ChannelId"/> go out in (<see cref="Sequence"/>, <see cref="Id"/>) order; <see cref="ChannelId"/> is
/// <see cref="Ulid.Empty"/> for workspace events (member changes). A delivery is claimed by setting
/// <see cref="LeaseUntil"/>, removed once delivered, and dead-lettered (<see cref="DeadAt"/>) when its retries run out.
/// </summary>
public sealed record EventDelivery(Ulid Id, Ulid WorkspaceId, Ulid SubscriptionId, Ulid ChannelId, long Sequence, string EventType, byte[] Body,
    int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? LeaseUntil, DateTimeOffset? DeadAt, string? LastError, DateTimeOffset CreatedAt);
