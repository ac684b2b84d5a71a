namespace Tanager;

/// <summary>
/// Carries events between nodes: a typed <see cref="EventHeader"/> that says where the event goes, beside the serialized
/// bytes that travel unchanged. The node where an event happens serializes it once, and every node frames it once for its
/// local subscribers and routes it by the header alone.
/// </summary>
public interface IPubSub
{
    /// <summary>
    /// Publishes <paramref name="payload"/> with <paramref name="header"/> to <paramref name="subject"/>. The caller must not
    /// change the bytes afterwards.
    /// </summary>
    ValueTask PublishAsync(string subject, EventHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers every event published to <paramref name="subject"/> to <paramref name="handler"/> until the returned
    /// subscription is disposed. Handlers must not block: they run on the delivery path.
    /// </summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(string subject, PubSubHandler handler, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raised once the pub/sub works again after a break during which payloads may have been lost (a broker
    /// reconnect, say). Subscriptions are live again when it is raised; listeners catch up from the store. Handlers must
    /// not block. A pub/sub that cannot lose payloads never raises it.
    /// </summary>
    event EventHandler? DeliveriesLost;
}
