namespace Tanager;

/// <summary>A transport's side of one client connection, as the transport-agnostic <see cref="GatewaySession"/> sees it.</summary>
public interface IGatewayConnection
{
    /// <summary>Frames payloads for this connection's transport. Shared by all connections of the transport, so a broadcast is framed once.</summary>
    IFrameEncoder Encoder { get; }

    /// <summary>
    /// Queues an encoded frame. Never blocks. Returns false when the connection is closing or its bounded queue is full;
    /// in the latter case the transport closes it with <see cref="Protocol.GatewayCloseCodes.SlowConsumer"/>.
    /// </summary>
    bool TrySend(ReadOnlyMemory<byte> frame);

    /// <summary>
    /// Queues the frame (<see cref="OutboundEvent.GetFrame"/> for <see cref="Encoder"/>) of an event the fan-out is
    /// delivering, as <see cref="TrySend(ReadOnlyMemory{byte})"/> does. A transport whose queue keeps consecutive events
    /// of a channel as one run (<see cref="OutboundFrameQueue.TryEnqueue(OutboundEvent)"/>) overrides it.
    /// </summary>
    bool TrySend(OutboundEvent outboundEvent) => TrySend((outboundEvent ?? throw new ArgumentNullException(nameof(outboundEvent))).GetFrame(Encoder));

    /// <summary>Bytes queued and not yet written: lets a replay from the store pace itself to the client.</summary>
    long QueuedBytes { get; }

    /// <summary>Frames queued and not yet written.</summary>
    int QueuedFrames { get; }

    /// <summary>
    /// Completes when at most half the send queue's byte limit and half its frame limit are queued, or when the connection
    /// is closing or closed: a replay from the store awaits it instead of polling <see cref="QueuedBytes"/> and
    /// <see cref="QueuedFrames"/>. Costs nothing per delivery while nobody waits.
    /// </summary>
    ValueTask WaitForRoomAsync(CancellationToken cancellationToken);

    /// <summary>Sends a close with <paramref name="code"/> after the frames already queued, then ends the connection.</summary>
    void Close(int code, string reason);
}

/// <summary>
/// A connection whose transport labels each channel change with the client's resume position (SSE's <c>id:</c>
/// field). The session calls <see cref="SetPositions"/> once, right after READY, then <see cref="TrySend(ReadOnlyMemory{byte}, string, long)"/>
/// for every channel change, in the order the client receives them.
/// </summary>
public interface ISequencedGatewayConnection : IGatewayConnection
{
    /// <summary>The position of every channel the session follows when READY was sent.</summary>
    void SetPositions(IReadOnlyCollection<KeyValuePair<string, long>> positions);

    /// <summary>Queues the frame of a change that moved <paramref name="channelId"/> to <paramref name="sequence"/>.</summary>
    bool TrySend(ReadOnlyMemory<byte> frame, string channelId, long sequence);
}
