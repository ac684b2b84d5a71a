namespace Tanager;

/// <summary>What <see cref="OutboundFrameQueue.TryEnqueue(ReadOnlyMemory{byte})"/> did with a frame.</summary>
public enum OutboundEnqueueResult
{
    /// <summary>The frame is queued.</summary>
    Queued,
    /// <summary>The queue was completed (the connection is closing): the frame was dropped.</summary>
    Completed,
    /// <summary>The frame would go past a limit: it was refused, and the connection is a slow consumer.</summary>
    Full,
}
