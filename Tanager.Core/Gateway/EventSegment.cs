namespace Tanager;

/// <summary>
/// Up to <see cref="Length"/> consecutive events of one subject on this node, in the order the fan-out delivered them.
/// A connection's queue refers to a run of them (<see cref="OutboundFrameQueue"/>) instead of queuing each frame, so
/// the next event of a run costs the queue no slot. Segments are not linked: a queued run keeps at most its own segment
/// alive, however far the subject has moved on.
/// </summary>
internal sealed class EventSegment
{
    /// <summary>Events a segment holds.</summary>
    public const int Length = 32;

    internal OutboundEvent?[] Events { get; } = new OutboundEvent?[Length];

    internal int Count { get; set; }
}
