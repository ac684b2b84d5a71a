namespace Tanager;

/// <summary>The queue's storage: the ring of frames and ended runs, and the spin lock that guards it (see the class remarks).</summary>
public sealed partial class OutboundFrameQueue
{
    /// <summary>Under the lock: a frame goes after the open run, which therefore ends.</summary>
    private void AppendFrame(ReadOnlyMemory<byte> frame)
    {
        if (_runSegment is not null)
        {
            CloseRun();
        }
        Push(new Slot(frame, null, 0, 0));
    }

    /// <summary>Under the lock: the open run takes its place in the ring, as plain frames when it is short.</summary>
    private void CloseRun()
    {
        var segment = _runSegment!;
        _runSegment = null;
        if (_runCount >= MinimumKeptRun)
        {
            Push(new Slot(default, segment, _runStart, _runCount));
            return;
        }
        for (var i = _runStart; i < _runStart + _runCount; i++)
        {
            // Framed when queued: this only reads the event's cached frame.
            Push(new Slot(segment.Events[i]!.GetFrame(_encoder!), null, 0, 0));
        }
    }

    private void Push(Slot slot)
    {
        var slots = _slots;
        if (slots is null || _count > _mask)
        {
            try
            {
                slots = Grow();
            }
            catch
            {
                // Out of memory: the lock must not stay held.
                Exit();
                throw;
            }
        }
        slots[(_head + _count) & _mask] = slot;
        _count++;
    }

    /// <summary>Under the lock: the first ring, or a ring twice as long with the items moved to its start.</summary>
    private Slot[] Grow()
    {
        var old = _slots;
        var capacity = old is null ? InitialCapacity : (_mask + 1) * 2;
        var slots = new Slot[capacity];
        for (var i = 0; i < _count; i++)
        {
            slots[i] = old![(_head + i) & _mask];
        }
        _slots = slots;
        _mask = capacity - 1;
        _head = 0;
        return slots;
    }

    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    private void EnterContended()
    {
        var spinner = default(SpinWait);
        do
        {
            // Never Thread.Sleep(1): a producer spinning here may hold a channel's fan-out lock.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _lock) != 0 || Interlocked.CompareExchange(ref _lock, 1, 0) != 0);
    }

    private void Exit() => Volatile.Write(ref _lock, 0);

    /// <summary>A queued frame, or (with a segment) a run of a subject's events.</summary>
    private readonly record struct Slot(ReadOnlyMemory<byte> Frame, EventSegment? Segment, int Start, int Count);
}
