using System.Threading.Tasks.Sources;

namespace Tanager;

/// <summary>
/// The bounded outbound queue of one gateway connection, shared by every transport (WebSocket, SSE): any number of
/// producers (the fan-out, the session, the read loop) add pre-built frames without a <see cref="Task"/> or an
/// allocation, and one writer drains whatever is queued into a single write and flush.
/// </summary>
/// <remarks>
/// <para>
/// A fan-out to thousands of connections pays what this queue costs once per recipient, so adding is kept to one
/// compare-and-swap and this one object in the common case:
/// </para>
/// <list type="bullet">
/// <item>Consecutive events of one channel (<see cref="TryEnqueue(OutboundEvent)"/>) are kept as one run: the fan-out
/// records a channel's events in shared segments of <see cref="EventSegment.Length"/>, so the next event of a run only
/// moves the run's end (a field of this object) and writes no slot. The writer reads the run's frames from the segment.
/// A run that ends with fewer than <see cref="MinimumKeptRun"/> events is turned into plain frames, so what a queue keeps
/// alive through segments stays within a few times what it has queued.</item>
/// <item>Anything else sits in a ring inside this object that starts at four slots, doubles while a backlog builds and
/// is dropped once a large backlog has drained.</item>
/// <item>The ring and the run are guarded by a spin lock of one <see cref="int"/>, held for a handful of stores and
/// never across a call out of this class (the writer's wakeup is signalled after it is released).</item>
/// </list>
/// <para>
/// The writer parks in <see cref="WaitToReadAsync"/> on a reusable signal (this object is its
/// <see cref="IValueTaskSource{TResult}"/>). Only the producer that finds the writer parked wakes it, so a connection
/// is scheduled once per batch, not once per frame.
/// </para>
/// <para>
/// Counts are released by the writer (<see cref="Release"/>) once it has handed a batch to its transport, so
/// <see cref="QueuedBytes"/> covers frames not yet written. <see cref="WaitForRoomAsync"/> lets a replay from the store
/// pace itself to the writer; when nobody waits it costs the writer one volatile read per batch.
/// </para>
/// </remarks>
public sealed partial class OutboundFrameQueue : IValueTaskSource<bool>
{
    /// <summary>Frames a queue may be limited to at most.</summary>
    public const int MaxFrameLimit = 1 << 22;
    /// <summary>Bytes a queue may be limited to at most.</summary>
    public const long MaxByteLimit = 1L << 38;
    private const int InitialCapacity = 4;
    /// <summary>A ring longer than this is let go once it has drained.</summary>
    private const int KeptCapacity = 64;
    /// <summary>Runs shorter than this are queued as frames once they end (see the remarks).</summary>
    private const int MinimumKeptRun = 4;

    private readonly long _byteLimit;
    private readonly int _frameLimit;
    private readonly IFrameEncoder? _encoder;
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    /// <summary>The spin lock: 1 while held. Every field below is guarded by it, but for the writer's own run.</summary>
    private int _lock;
    /// <summary>True while the writer is parked on <see cref="_signal"/>; whoever clears it completes the signal.</summary>
    private bool _parked;
    /// <summary>The ring of what came before the open run, a power of two long; null until first needed.</summary>
    private Slot[]? _slots;
    private int _mask;
    private int _head;
    private int _count;
    /// <summary>The open run: the newest item, events <see cref="_runStart"/>.. of <see cref="_runSegment"/>.</summary>
    private EventSegment? _runSegment;
    private int _runStart;
    private int _runCount;
    /// <summary>The run the writer is taking frames from: the writer's alone, read and written without the lock.</summary>
    private EventSegment? _readSegment;
    private int _readIndex;
    private int _readEnd;
    /// <summary>Bytes and frames queued and not yet released by the writer (taken but unwritten included).</summary>
    private long _queuedBytes;
    private int _queuedFrames;
    private long _peakQueuedBytes;
    /// <summary>0 open, 1 completed (drain what is queued, then stop), 2 completed and the backlog is to be discarded.</summary>
    private int _completion;
    private TaskCompletionSource? _roomWaiter;

    /// <param name="byteLimit">Bytes queued at most; a frame that would go past it is refused.</param>
    /// <param name="frameLimit">Frames queued at most.</param>
    public OutboundFrameQueue(long byteLimit, int frameLimit)
        : this(byteLimit, frameLimit, encoder: null)
    {
    }

    /// <param name="byteLimit">Bytes queued at most; a frame that would go past it is refused.</param>
    /// <param name="frameLimit">Frames queued at most.</param>
    /// <param name="encoder">The transport's encoder (its connections' <see cref="IGatewayConnection.Encoder"/>): a queued
    /// event's frame is <see cref="OutboundEvent.GetFrame"/> for it. Required for <see cref="TryEnqueue(OutboundEvent)"/>.</param>
    public OutboundFrameQueue(long byteLimit, int frameLimit, IFrameEncoder? encoder)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(byteLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameLimit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(byteLimit, MaxByteLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(frameLimit, MaxFrameLimit);
        _byteLimit = byteLimit;
        _frameLimit = frameLimit;
        _encoder = encoder;
    }

    /// <summary>Bytes queued and not yet released by the writer.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>Frames queued and not yet released by the writer.</summary>
    public int QueuedFrames => Volatile.Read(ref _queuedFrames);

    /// <summary>The most bytes ever queued at once: never above the byte limit (frames added past the limits aside).</summary>
    public long PeakQueuedBytes => Volatile.Read(ref _peakQueuedBytes);

    /// <summary>True once <see cref="Complete"/> was called: nothing more is accepted.</summary>
    public bool IsCompleted => Volatile.Read(ref _completion) != 0;

    /// <summary>True when the writer is to drop what is queued instead of writing it (a slow consumer).</summary>
    public bool IsDiscarding => Volatile.Read(ref _completion) == 2;

    /// <summary>Queues a frame within the limits. Never blocks.</summary>
    public OutboundEnqueueResult TryEnqueue(ReadOnlyMemory<byte> frame)
    {
        Enter();
        var result = Admit(frame.Length);
        if (result != OutboundEnqueueResult.Queued)
        {
            Exit();
            return result;
        }
        AppendFrame(frame);
        return Queued(frame.Length);
    }

    /// <summary>
    /// Queues the frame of an event the fan-out is delivering (its <see cref="OutboundEvent.GetFrame"/> for this queue's
    /// encoder) within the limits. Never blocks. The next event of the same channel joins this one's run without a slot
    /// of its own.
    /// </summary>
    /// <exception cref="InvalidOperationException">The queue was made without an encoder.</exception>
    public OutboundEnqueueResult TryEnqueue(OutboundEvent outboundEvent)
    {
        ArgumentNullException.ThrowIfNull(outboundEvent);
        var encoder = _encoder ?? throw new InvalidOperationException("This queue was made without an encoder, so it cannot queue events.");
        var frame = outboundEvent.GetFrame(encoder);
        var segment = outboundEvent.Segment;
        if (segment is null)
        {
            return TryEnqueue(frame);
        }
        Enter();
        var result = Admit(frame.Length);
        if (result != OutboundEnqueueResult.Queued)
        {
            Exit();
            return result;
        }
        var index = outboundEvent.Index;
        if (ReferenceEquals(segment, _runSegment) && index == _runStart + _runCount)
        {
            _runCount++;
        }
        else
        {
            if (_runSegment is not null)
            {
                CloseRun();
            }
            _runSegment = segment;
            _runStart = index;
            _runCount = 1;
        }
        return Queued(frame.Length);
    }

    /// <summary>
    /// Queues a frame past the limits (a close record that must follow the backlog), then completes the queue: nothing
    /// else is accepted and the writer stops once it has written everything queued. False when already completed.
    /// </summary>
    public bool TryEnqueueFinal(ReadOnlyMemory<byte> frame)
    {
        Enter();
        if (_completion != 0)
        {
            Exit();
            return false;
        }
        AppendFrame(frame);
        Count(frame.Length);
        Volatile.Write(ref _completion, 1);
        var wake = TakeParked();
        Exit();
        if (wake)
        {
            _signal.SetResult(true);
        }
        ReleaseRoomWaiter();
        return true;
    }

    /// <summary>
    /// Accepts nothing more. The writer then writes what is queued (or, with <paramref name="discardBacklog"/>, drops
    /// it) and <see cref="WaitToReadAsync"/> returns false. Room waiters are released. Returns false when it was already completed.
    /// </summary>
    public bool Complete(bool discardBacklog)
    {
        Enter();
        var completion = _completion;
        if (completion == 2 || (completion == 1 && !discardBacklog))
        {
            Exit();
            return false;
        }
        Volatile.Write(ref _completion, discardBacklog ? 2 : 1);
        var wake = TakeParked();
        Exit();
        if (wake)
        {
            _signal.SetResult(true);
        }
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
        Enter();
        if (HasFramesLocked() || _completion != 0)
        {
            var more = HasFramesLocked();
            Exit();
            return new ValueTask<bool>(more);
        }
        _signal.Reset();
        _parked = true;
        Exit();
        return new ValueTask<bool>(this, _signal.Version);
    }

    /// <summary>
    /// Takes the next frame; the writer calls <see cref="Release"/> for what it took once it is written. Only the writer
    /// calls it (and <see cref="Clear"/>), one call at a time.
    /// </summary>
    public bool TryDequeue(out ReadOnlyMemory<byte> frame)
    {
        if (_readSegment is null)
        {
            Enter();
            if (_count != 0)
            {
                ref var slot = ref _slots![_head];
                var item = slot;
                slot = default;
                _head = (_head + 1) & _mask;
                _count--;
                Exit();
                if (item.Segment is null)
                {
                    frame = item.Frame;
                    return true;
                }
                (_readSegment, _readIndex, _readEnd) = (item.Segment, item.Start, item.Start + item.Count);
            }
            else if (_runSegment is not null)
            {
                (_readSegment, _readIndex, _readEnd) = (_runSegment, _runStart, _runStart + _runCount);
                _runSegment = null;
                Exit();
            }
            else
            {
                Exit();
                frame = default;
                return false;
            }
        }
        // The run's events were placed before they were queued, and the lock taken above orders this read after that.
        frame = _readSegment.Events[_readIndex++]!.GetFrame(_encoder!);
        if (_readIndex == _readEnd)
        {
            _readSegment = null;
        }
        return true;
    }

    /// <summary>Gives back the room of frames the writer has handed to its transport; wakes a waiting replay when half the limits are free.</summary>
    public void Release(long bytes, int frames)
    {
        Enter();
        Volatile.Write(ref _queuedBytes, _queuedBytes - bytes);
        Volatile.Write(ref _queuedFrames, _queuedFrames - frames);
        if (_count == 0 && _mask >= KeptCapacity)
        {
            // A backlog has drained: its ring is not kept for the connection's life.
            _slots = null;
            _head = 0;
        }
        // A full fence, unlike Exit: the new counts must be visible before the room waiter is read, or a replay that
        // published its waiter and then read the old counts would wait for a wakeup nobody sends.
        Interlocked.Exchange(ref _lock, 0);
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
        while (TryDequeue(out var frame))
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

    private bool HasRoom() => QueuedBytes <= _byteLimit / 2 && QueuedFrames <= _frameLimit / 2;

    private void ReleaseRoomWaiter() => Interlocked.Exchange(ref _roomWaiter, null)?.TrySetResult();

    private bool HasFramesLocked() => _count != 0 || _runSegment is not null || Volatile.Read(ref _readSegment) is not null;

    /// <summary>Under the lock: whether a frame of <paramref name="length"/> bytes may be queued.</summary>
    private OutboundEnqueueResult Admit(int length) =>
        _completion != 0 ? OutboundEnqueueResult.Completed
        : _queuedBytes + length > _byteLimit || _queuedFrames >= _frameLimit ? OutboundEnqueueResult.Full
        : OutboundEnqueueResult.Queued;

    /// <summary>Under the lock: counts a queued frame, leaves the lock and wakes the writer if it is parked.</summary>
    private OutboundEnqueueResult Queued(int length)
    {
        Count(length);
        var wake = TakeParked();
        Exit();
        if (wake)
        {
            _signal.SetResult(true);
        }
        return OutboundEnqueueResult.Queued;
    }

    private void Count(int length)
    {
        var bytes = _queuedBytes + length;
        Volatile.Write(ref _queuedBytes, bytes);
        Volatile.Write(ref _queuedFrames, _queuedFrames + 1);
        if (bytes > _peakQueuedBytes)
        {
            Volatile.Write(ref _peakQueuedBytes, bytes);
        }
    }

    private bool TakeParked()
    {
        var parked = _parked;
        _parked = false;
        return parked;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}
