namespace Tanager;

/// <summary>
/// One event on its way to this node's subscribers: its header and serialized bytes. The frame for each transport is built
/// on first use and then handed, as the same bytes, to every recipient of that transport: one serialization, one framing
/// per node.
/// </summary>
public sealed class OutboundEvent(EventHeader header, ReadOnlyMemory<byte> payload)
{
    private Encoded? _first;
    private List<Encoded>? _others;

    public EventHeader Header { get; } = header ?? throw new ArgumentNullException(nameof(header));

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>The segment of its subject's events the fan-out placed it in (channel events only), and where.</summary>
    internal EventSegment? Segment { get; private set; }

    internal int Index { get; private set; }

    /// <summary>Called by the fan-out, under the subject's lock, before the event reaches any listener.</summary>
    internal void PlaceIn(EventSegment segment, int index)
    {
        segment.Events[index] = this;
        segment.Count = index + 1;
        (Segment, Index) = (segment, index);
    }

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
        // A second transport on this node (say SSE beside WebSockets): rare, so a lock is fine here.
        lock (this)
        {
            _others ??= [];
            foreach (var other in _others)
            {
                if (ReferenceEquals(other.Encoder, encoder))
                {
                    return other.Frame;
                }
            }
            var encoded = new Encoded(encoder, encoder.Encode(Payload));
            _others.Add(encoded);
            return encoded.Frame;
        }
    }

    private sealed record Encoded(IFrameEncoder Encoder, ReadOnlyMemory<byte> Frame);
}
