using System.Diagnostics;

namespace Tanager.LoadTest;

/// <summary>
/// Shared by every subscriber of one target. Counts, per channel, the subscribers connected and not lost since, and
/// those that have seen at least one payload (readiness); feeds payloads of the measured sequence range into the current
/// <see cref="MeasuredRun"/>. Counting per channel is what makes the expected deliveries right when messages go to
/// channels of different sizes, or a subscriber of one channel is lost or stalled.
/// </summary>
internal sealed class DeliveryRecorder(int channels)
{
    private readonly int[] _subscribed = new int[channels];
    private readonly int[] _ready = new int[channels];
    private MeasuredRun? _current;
    private int _lost;

    public int Channels => _subscribed.Length;

    public int ReadySubscribers => Sum(_ready);

    /// <summary>Subscribers connected and not lost since, in all channels.</summary>
    public int Subscribed => Sum(_subscribed);

    /// <summary>Subscribers the server disconnected (or that failed) after connecting.</summary>
    public int LostSubscribers => Volatile.Read(ref _lost);

    /// <summary>A snapshot of <see cref="Subscribed"/> per channel: what one message to each channel should reach.</summary>
    public int[] SubscribedPerChannel()
    {
        var snapshot = new int[_subscribed.Length];
        for (var channel = 0; channel < snapshot.Length; channel++)
        {
            snapshot[channel] = Volatile.Read(ref _subscribed[channel]);
        }
        return snapshot;
    }

    /// <summary>Channels with a subscriber that has not seen a payload yet: those a readiness probe must still reach.</summary>
    public IReadOnlyList<int> ChannelsAwaitingPayload() =>
        [.. Enumerable.Range(0, Channels).Where(channel => Volatile.Read(ref _ready[channel]) < Volatile.Read(ref _subscribed[channel]))];

    /// <summary>Starts recording payloads whose sequence is at least <paramref name="fromSequence"/>.</summary>
    public MeasuredRun BeginMeasurement(long fromSequence)
    {
        var run = new MeasuredRun(fromSequence, Stopwatch.GetTimestamp());
        Volatile.Write(ref _current, run);
        return run;
    }

    public SubscriberTracker CreateTracker(int channel) => new(this, channel);

    internal void MarkSubscribed(int channel) => Interlocked.Increment(ref _subscribed[channel]);

    internal void MarkLost(int channel, bool wasSubscribed)
    {
        if (wasSubscribed)
        {
            Interlocked.Decrement(ref _subscribed[channel]);
        }
        Interlocked.Increment(ref _lost);
    }

    internal void MarkReady(int channel) => Interlocked.Increment(ref _ready[channel]);

    internal void Record(long sequence, long sentTimestamp, long receivedTimestamp) =>
        Volatile.Read(ref _current)?.Record(sequence, sentTimestamp, receivedTimestamp);

    private static int Sum(int[] counts)
    {
        var sum = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            sum += Volatile.Read(ref counts[i]);
        }
        return sum;
    }
}

/// <summary>
/// One subscriber's view. Frames come from its one receive loop; <see cref="OnConnected"/> comes from the connecting
/// code and <see cref="OnLost"/> from whatever notices the loss, so the connection state is changed atomically.
/// </summary>
internal sealed class SubscriberTracker(DeliveryRecorder recorder, int channel)
{
    private const int Connecting = 0;
    private const int Connected = 1;
    private const int Lost = 2;

    private readonly DeliveryRecorder _recorder = recorder;
    private bool _seenPayload;
    private int _state;

    /// <summary>The channel (group) this subscriber follows: 0 to <see cref="DeliveryRecorder.Channels"/> − 1.</summary>
    public int Channel { get; } = channel;

    /// <summary>Connected and not lost since.</summary>
    public bool IsSubscribed => Volatile.Read(ref _state) == Connected;

    /// <summary>The connect completed: from now on the subscriber counts in its channel.</summary>
    public void OnConnected()
    {
        if (Interlocked.CompareExchange(ref _state, Connected, Connecting) == Connecting)
        {
            _recorder.MarkSubscribed(Channel);
        }
    }

    /// <summary>The server closed or dropped the connection (counted once, also when it happens before <see cref="OnConnected"/>).</summary>
    public void OnLost()
    {
        var previous = Interlocked.Exchange(ref _state, Lost);
        if (previous != Lost)
        {
            _recorder.MarkLost(Channel, wasSubscribed: previous == Connected);
        }
    }

    /// <summary>Records a frame if it carries a payload; returns false for any other frame.</summary>
    public bool OnFrame(ReadOnlySpan<byte> utf8)
    {
        var received = Stopwatch.GetTimestamp();
        if (!Payload.TryParse(utf8, out var sequence, out var sent))
        {
            return false;
        }
        Deliver(sequence, sent, received);
        return true;
    }

    private void Deliver(long sequence, long sent, long received)
    {
        if (!_seenPayload)
        {
            _seenPayload = true;
            _recorder.MarkReady(Channel);
        }
        _recorder.Record(sequence, sent, received);
    }
}

/// <summary>Deliveries and latencies of one measured phase: payloads with sequence in [from, to).</summary>
internal sealed class MeasuredRun(long fromSequence, long startTimestamp)
{
    private long _toSequence = long.MaxValue;
    private long _received;
    private long _lastReceivedTimestamp;

    public long FromSequence { get; } = fromSequence;
    public long StartTimestamp { get; } = startTimestamp;
    public LatencyHistogram Latency { get; } = new();
    public long Received => Interlocked.Read(ref _received);
    public long LastReceivedTimestamp => Interlocked.Read(ref _lastReceivedTimestamp);

    /// <summary>Closes the range once the phase's last sequence is known, so the next phase's traffic is ignored.</summary>
    public void Close(long toSequence) => Volatile.Write(ref _toSequence, toSequence);

    internal void Record(long sequence, long sentTimestamp, long receivedTimestamp)
    {
        if (sequence < FromSequence || sequence >= Volatile.Read(ref _toSequence))
        {
            return;
        }
        Interlocked.Increment(ref _received);
        Latency.Record((receivedTimestamp - sentTimestamp) * 1_000_000 / Stopwatch.Frequency);
        var last = Interlocked.Read(ref _lastReceivedTimestamp);
        while (receivedTimestamp > last)
        {
            var seen = Interlocked.CompareExchange(ref _lastReceivedTimestamp, receivedTimestamp, last);
            if (seen == last)
            {
                break;
            }
            last = seen;
        }
    }
}
