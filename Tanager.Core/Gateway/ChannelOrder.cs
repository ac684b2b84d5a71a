namespace Tanager;

/// <summary>What a <see cref="ChannelOrder{T}"/> asks of its owner.</summary>
internal interface IChannelOrderSink<in T>
{
    /// <summary>Sends the change that moved the channel to <paramref name="sequence"/>: called in strictly increasing order.</summary>
    void Send(T item, long sequence);

    /// <summary>Reads the changes after <paramref name="since"/> from the store and hands them back through <see cref="ChannelOrder{T}.Replay"/>, then <see cref="ChannelOrder{T}.FetchCompleted"/>.</summary>
    void StartFetch(long since);

    /// <summary>Calls <see cref="ChannelOrder{T}.GapTimedOut"/> after the gap timeout.</summary>
    void StartGapTimer();
}

/// <summary>
/// One channel's change stream as one client sees it: each change sequence sent exactly once, in order, whatever mix of
/// live, duplicated, overtaking and replayed events arrives. An event that overtook a missing one waits for the gap
/// timeout, then the missing changes are read from the store; while a read runs, live events wait. Not thread-safe: the
/// owner calls it under one lock (the channel subject's fan-out lock).
/// </summary>
/// <remarks>A struct held in its stream's own field, so that the per-recipient path touches one object less.</remarks>
internal struct ChannelOrder<T>(int holdLimit)
{
    private SortedList<long, T>? _held;
    private bool _started;
    private bool _fetching;
    private bool _fetchAgain;
    private bool _waitingForGap;

    /// <summary>The newest change sequence sent; -1 until known (a channel joined during the connection).</summary>
    public long Delivered { readonly get; private set; } = -1;

    /// <summary>Whether the next live event in line can be sent at once (the common case, checked first on the hot path).</summary>
    public readonly bool IsLive => _started && !_fetching;

    /// <summary>
    /// The hot path: true, having moved to <paramref name="sequence"/>, when it is next in line and nothing waits (the
    /// caller sends it); otherwise false and nothing changed (the caller offers it).
    /// </summary>
    public bool TryTakeNext(long sequence)
    {
        if (sequence == Delivered + 1 && _started && !_fetching && _held is not { Count: > 0 })
        {
            Delivered = sequence;
            return true;
        }
        return false;
    }

    /// <summary>Starts the stream at <paramref name="delivered"/> (what READY or the client says it has); held events follow.</summary>
    public void Start(long delivered, bool behind, IChannelOrderSink<T> sink)
    {
        _started = true;
        Delivered = delivered < 0 && _held is { Count: > 0 } ? _held.Keys[0] - 1 : delivered;
        if ((behind || _fetchAgain) && Delivered >= 0)
        {
            StartFetch(sink);
            return;
        }
        _fetchAgain = false;
        ReleaseHeld(sink);
        WaitForGapIfHeld(sink);
    }

    /// <summary>A live event.</summary>
    public void Offer(long sequence, T item, IChannelOrderSink<T> sink)
    {
        if (_started && Delivered < 0)
        {
            // A channel joined during this connection: its history before this event is not news.
            Delivered = sequence - 1;
        }
        if (sequence <= Delivered)
        {
            return;
        }
        if (IsLive && sequence == Delivered + 1)
        {
            Delivered = sequence;
            sink.Send(item, sequence);
            if (_held is { Count: > 0 })
            {
                ReleaseHeld(sink);
            }
            return;
        }
        _held ??= [];
        if (_held.Count >= holdLimit)
        {
            // Too much waiting already: drop it and read it from the store with the rest.
            _fetchAgain = true;
            if (_started)
            {
                StartFetch(sink);
            }
            return;
        }
        _held.TryAdd(sequence, item);
        if (_started)
        {
            WaitForGapIfHeld(sink);
        }
    }

    /// <summary>The store may hold changes this stream missed (a pub/sub outage): read them.</summary>
    public void RequestFetch(IChannelOrderSink<T> sink)
    {
        if (!_started || Delivered < 0)
        {
            // Not started: READY is read after this; unknown: nothing was sent that a gap could follow.
            _fetchAgain |= !_started;
            return;
        }
        StartFetch(sink);
    }

    public void GapTimedOut(IChannelOrderSink<T> sink)
    {
        _waitingForGap = false;
        if (_held is { Count: > 0 } && !_fetching)
        {
            StartFetch(sink);
        }
    }

    /// <summary>A change read from the store by the running fetch, in increasing order.</summary>
    public void Replay(long sequence, T item, IChannelOrderSink<T> sink)
    {
        if (sequence > Delivered)
        {
            Delivered = sequence;
            sink.Send(item, sequence);
        }
    }

    /// <summary>
    /// The fetch is done: the client now has the channel's whole state up to <paramref name="head"/>, even where a change
    /// left no row of its own. Held events follow.
    /// </summary>
    public void FetchCompleted(long head, IChannelOrderSink<T> sink)
    {
        _fetching = false;
        Delivered = Math.Max(Delivered, head);
        ReleaseHeld(sink);
        if (_fetchAgain)
        {
            StartFetch(sink);
        }
        else
        {
            WaitForGapIfHeld(sink);
        }
    }

    private void StartFetch(IChannelOrderSink<T> sink)
    {
        if (_fetching)
        {
            _fetchAgain = true;
            return;
        }
        _fetching = true;
        _fetchAgain = false;
        sink.StartFetch(Delivered);
    }

    /// <summary>Sends held events that are now next in line; drops those already covered.</summary>
    private void ReleaseHeld(IChannelOrderSink<T> sink)
    {
        var held = _held;
        while (held is { Count: > 0 })
        {
            var sequence = held.Keys[0];
            if (sequence > Delivered + 1)
            {
                return;
            }
            var next = held.Values[0];
            held.RemoveAt(0);
            if (sequence == Delivered + 1)
            {
                Delivered = sequence;
                sink.Send(next, sequence);
            }
        }
    }

    private void WaitForGapIfHeld(IChannelOrderSink<T> sink)
    {
        if (_held is { Count: > 0 } && !_fetching && !_waitingForGap)
        {
            _waitingForGap = true;
            sink.StartGapTimer();
        }
    }
}
