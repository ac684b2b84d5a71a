namespace Tanager;

/// <summary>
/// Up to <see cref="Length"/> consecutive events of one channel on this node, in the order the fan-out delivered them.
/// A connection's queue refers to a run of them (<see cref="OutboundFrameQueue"/>) instead of queuing each frame, so
/// the next event of a run costs the queue no slot. Segments are not linked to each other, and the fan-out holds the
/// current one weakly: a segment lives while a queue holds a run of it, and keeps its own events alive, no more.
/// </summary>
internal sealed class EventSegment
{
    /// <summary>Events a segment holds.</summary>
    public const int Length = 16;

    internal OutboundEvent?[] Events { get; } = new OutboundEvent?[Length];

    internal int Count { get; set; }
}
