using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Tanager;

/// <summary>
/// The bounded outbound queue of one gateway connection, shared by every transport (WebSocket, SSE): any number of
/// producers (the fan-out, the session, the read loop) add pre-built frames without a lock, a <see cref="Task"/> or an
/// allocation, and one writer drains whatever is queued into a single write and flush.
/// </summary>
/// <remarks>
/// <para>
/// The writer parks in <see cref="WaitToReadAsync"/> on a reusable signal (this object is its
/// <see cref="IValueTaskSource{TResult}"/>). Only the producer that finds the writer parked wakes it, so a connection
/// is scheduled once per batch, not once per frame: while the writer is busy, adding a frame costs the queue's own
/// compare-and-swap, two interlocked counters and one volatile read.
/// </para>
/// <para>
/// Counts are released by the writer (<see cref="Release"/>) once it has handed a batch to its transport, so
/// <see cref="QueuedBytes"/> covers frames not yet written. <see cref="WaitForRoomAsync"/> lets a replay from the store
/// pace itself to the writer; when nobody waits it costs the writer one volatile read per batch.
/// </para>
/// </remarks>
public sealed class OutboundFrameQueue : IValueTaskSource<bool>
{
    private readonly ConcurrentQueue<ReadOnlyMemory<byte>> _frames = new();
    private readonly long _byteLimit;
    private readonly int _frameLimit;
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    /// <summary>Frames a queue may be limited to at most: they share one 64-bit counter with the bytes.</summary>
    public const int MaxFrameLimit = 1 << 22;
    /// <summary>Bytes a queue may be limited to at most.</summary>
    public const long MaxByteLimit = 1L << 38;
    private const int FrameShift = 40;
    private const long ByteMask = (1L << FrameShift) - 1;
    private const long OneFrame = 1L << FrameShift;

    /// <summary>Bytes queued in the low 40 bits, frames above them: one interlocked add per frame counts both.</summary>
    private long _queued;
    private long _peakQueuedBytes;
    /// <summary>1 while the writer is parked on <see cref="_signal"/>; whoever swaps it back to 0 completes the signal.</summary>
    private int _parked;
    /// <summary>0 open, 1 completed (drain what is queued, then stop), 2 completed and the backlog is to be discarded.</summary>
    private int _completion;
    private TaskCompletionSource? _roomWaiter;

    /// <param name="byteLimit">Bytes queued at most; a frame that would go past it is refused.</param>
    /// <param name="frameLimit">Frames queued at most.</param>
    public OutboundFrameQueue(long byteLimit, int frameLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(byteLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLimit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteLimit, MaxByteLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameLimit, MaxFrameLimit);
        _byteLimit = byteLimit;
        _frameLimit = frameLimit;
    }

    /// <summary>Bytes queued and not yet released by the writer.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queued) & ByteMask;

    /// <summary>Frames queued and not yet released by the writer.</summary>
    public int QueuedFrames => (int)(Interlocked.Read(ref _queued) >> FrameShift);

    /// <summary>The most bytes ever queued at once: never above the byte limit (frames added past the limits aside).</summary>
    public long PeakQueuedBytes => Interlocked.Read(ref _peakQueuedBytes);

    /// <summary>True once <see cref="Complete"/> was called: nothing more is accepted.</summary>
    public bool IsCompleted => Volatile.Read(ref _completion) != 0;

    /// <summary>True when the writer is to drop what is queued instead of writing it (a slow consumer).</summary>
    public bool IsDiscarding => Volatile.Read(ref _completion) == 2;

    /// <summary>Queues a frame within the limits. Never blocks.</summary>
    public OutboundEnqueueResult TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        if (Volatile.Read(ref _completion) != 0)
        {
            return OutboundEnqueueResult.Completed;
        }
        var delta = OneFrame + frame.Length;
        var queued = Interlocked.Add(ref _queued, delta);
        var bytes = queued & ByteMask;
        if (bytes > _byteLimit || (queued >> FrameShift) > _frameLimit)
        {
            Interlocked.Add(ref _queued, -delta);
            return OutboundEnqueueResult.Full;
        }
        if (bytes > Volatile.Read(ref _peakQueuedBytes))
        {
            UpdatePeak(bytes);
        }
        _frames.Enqueue(frame);
        WakeWriter();
        return OutboundEnqueueResult.Queued;
    }

    /// <summary>
    /// Queues a frame past the limits (a close record that must follow the backlog), then completes the queue: nothing
    /// else is accepted and the writer stops once it has written everything queued. False when already completed.
    /// </summary>
    public bool TryEnqueueFinal(ReadOnlyMemory<byte> frame)
    {
        if (Volatile.Read(ref _completion) != 0)
        {
            return false;
        }
        Interlocked.Add(ref _queued, OneFrame + frame.Length);
        _frames.Enqueue(frame);
        Complete(discardBacklog: false);
        return true;
    }

    /// <summary>
    /// Accepts nothing more. The writer then writes what is queued (or, with <paramref name="discardBacklog"/>, drops
    /// it) and <see cref="WaitToReadAsync"/> returns false. Room waiters are released. Returns false when it was already completed.
    /// </summary>
    public bool Complete(bool discardBacklog)
    {
        if (Interlocked.CompareExchange(ref _completion, discardBacklog ? 2 : 1, 0) != 0)
        {
            if (!discardBacklog || Interlocked.CompareExchange(ref _completion, 2, 1) != 1)
            {
                return false;
            }
        }
        WakeWriter();
        ReleaseRoomWaiter();
        return true;
    }

    /// <summary>
    /// The writer's wait: true when a frame is queued or the queue has just been completed (the writer then takes what is
    /// there and calls again), false once the queue is completed and empty. Only one writer may wait at a time; the wait
    /// allocates nothing.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        while (true)
        {
            if (!_frames.IsEmpty)
            {
                return new ValueTask<bool>(true);
            }
            if (Volatile.Read(ref _completion) != 0)
            {
                return new ValueTask<bool>(false);
            }
            _signal.Reset();
            // A full fence: a producer that queued before this sees no parked writer, but then the re-check below sees its frame.
            Interlocked.Exchange(ref _parked, 1);
            if (_frames.IsEmpty && Volatile.Read(ref _completion) == 0)
            {
                return new ValueTask<bool>(this, _signal.Version);
            }
            if (Interlocked.Exchange(ref _parked, 0) == 0)
            {
                // A producer unparked the writer in between and is completing the signal: wait for that.
                return new ValueTask<bool>(this, _signal.Version);
            }
        }
    }

    /// <summary>Takes the next frame; the writer calls <see cref="Release"/> for what it took once it is written.</summary>
    public bool TryDequeue(out ReadOnlyMemory<byte> frame) => _frames.TryDequeue(out frame);

    /// <summary>Gives back the room of frames the writer has handed to its transport; wakes a waiting replay when half the limits are free.</summary>
    public void Release(long bytes, int frames)
    {
        Interlocked.Add(ref _queued, -(bytes + ((long)frames << FrameShift)));
        if (Volatile.Read(ref _roomWaiter) is not null && HasRoom())
        {
            ReleaseRoomWaiter();
        }
    }

    /// <summary>Takes and releases everything still queued (a connection going away); returns the bytes released.</summary>
    public long Clear()
    {
        long bytes = 0;
        var frames = 0;
        while (_frames.TryDequeue(out var frame))
        {
            bytes += frame.Length;
            frames++;
        }
        Release(bytes, frames);
        return bytes;
    }

    /// <summary>
    /// Completes when at most half the byte limit and half the frame limit are queued, or once the queue is completed
    /// (the connection is closing or closed).
    /// </summary>
    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (HasRoom() || IsCompleted)
        {
            return ValueTask.CompletedTask;
        }
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = Volatile.Read(ref _roomWaiter);
        if (waiter is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiter = Interlocked.CompareExchange(ref _roomWaiter, created, null) ?? created;
        }
        // The writer may have released its batch before the waiter was published: check again after publishing it.
        if (HasRoom() || IsCompleted)
        {
            ReleaseRoomWaiter();
        }
        return new ValueTask(cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task);
    }

    private bool HasRoom() =>
        Interlocked.Read(ref _queued) is var queued && (queued & ByteMask) <= _byteLimit / 2 && (queued >> FrameShift) <= _frameLimit / 2;

    private void ReleaseRoomWaiter() => Interlocked.Exchange(ref _roomWaiter, null)?.TrySetResult();

    private void WakeWriter()
    {
        if (Volatile.Read(ref _parked) != 0 && Interlocked.Exchange(ref _parked, 0) != 0)
        {
            _signal.SetResult(true);
        }
    }

    private void UpdatePeak(long queued)
    {
        var peak = Interlocked.Read(ref _peakQueuedBytes);
        while (queued > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakQueuedBytes, queued, peak);
            if (seen == peak)
            {
                return;
            }
            peak = seen;
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}

/// <summary>What <see cref="OutboundFrameQueue.TryEnqueue"/> did with a frame.</summary>
public enum OutboundEnqueueResult
{
    /// <summary>The frame is queued.</summary>
    Queued,
    /// <summary>The queue was completed (the connection is closing): the frame was dropped.</summary>
    Completed,
    /// <summary>The frame would go past a limit: it was refused, and the connection is a slow consumer.</summary>
    Full,
}
