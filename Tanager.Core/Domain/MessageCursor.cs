using NUlid;

namespace Tanager;

/// <summary>
/// How far an event subscription's message deliveries of one channel were queued: every message of the channel with a
/// sequence up to <see cref="Sequence"/> (and created after the subscription) had its creation queued for it.
/// </summary>
public readonly record struct MessageCursor(Ulid WorkspaceId, Ulid SubscriptionId, Ulid ChannelId, long Sequence);
