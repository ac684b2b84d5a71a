namespace Tanager;

/// <summary>
/// One event on its way to this node's subscribers: its header and serialized bytes. The frame for each transport is built
/// on first use and then handed, as the same bytes, to every recipient of that transport: one serialization, one framing
/// per node.
/// </summary>
public sealed class OutboundEvent(EventHeader header, ReadOnlyMemory<byte> payload)
{
    private Encoded? _first;
    /// <summary>Frames for other transports: replaced whole under the lock, read without it.</summary>
    private Encoded[]? _others;

    public EventHeader Header { get; } = header ?? throw new ArgumentNullException(nameof(header));

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>
    /// While the fan-out delivers a channel event: the segment of the channel's events it was placed in, and where. Null
    /// before and after, so that whatever keeps the event afterwards does not keep its segment's other events too.
    /// </summary>
    internal EventSegment? Segment { get; private set; }

    internal int Index { get; private set; }

    /// <summary>Called by the fan-out, under the subject's lock, before the event reaches any listener.</summary>
    internal void PlaceIn(EventSegment segment, int index)
    {
        segment.Events[index] = this;
        segment.Count = index + 1;
        (Segment, Index) = (segment, index);
    }

    /// <summary>Called by the fan-out, under the subject's lock, once every listener has had the event.</summary>
    internal void Delivered() => Segment = null;

    public ReadOnlyMemory<byte> GetFrame(IFrameEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var first = Volatile.Read(ref _first);
        if (first is not null && ReferenceEquals(first.Encoder, encoder))
        {
            return first.Frame;
        }
        if (first is null)
        {
            var encoded = new Encoded(encoder, encoder.Encode(Payload));
            first = Interlocked.CompareExchange(ref _first, encoded, null) ?? encoded;
            if (ReferenceEquals(first.Encoder, encoder))
            {
                return first.Frame;
            }
        }
        // A second transport on this node (say SSE beside WebSockets): read without a lock, since writers read a queued
        // event's frame here; added under one, rarely.
        return Find(Volatile.Read(ref _others), encoder) ?? AddOther(encoder);
    }

    private ReadOnlyMemory<byte> AddOther(IFrameEncoder encoder)
    {
        lock (this)
        {
            var others = _others;
            if (Find(others, encoder) is { } frame)
            {
                return frame;
            }
            var encoded = new Encoded(encoder, encoder.Encode(Payload));
            Volatile.Write(ref _others, [.. others ?? [], encoded]);
            return encoded.Frame;
        }
    }

    private static ReadOnlyMemory<byte>? Find(Encoded[]? others, IFrameEncoder encoder)
    {
        foreach (var other in others ?? [])
        {
            if (ReferenceEquals(other.Encoder, encoder))
            {
                return other.Frame;
            }
        }
        return null;
    }

    private sealed record Encoded(IFrameEncoder Encoder, ReadOnlyMemory<byte> Frame);
}
